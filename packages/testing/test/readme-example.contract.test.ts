import { ClientSecretCredential } from "@azure/identity";
import { useMockAzure } from "@crosstenant/testing/vitest";
import { AzureOpenAI } from "openai";
import { expect, it } from "vitest";

const mock = useMockAzure(); // starts before the file's tests, closes after, resets between tests

function customerClient() {
  const { homeTenantId, clientId, clientSecret, tenants } = mock().defaults;
  const credential = new ClientSecretCredential(homeTenantId, clientId, clientSecret, {
    ...mock().identityOptions(), // authorityHost, disableInstanceDiscovery, tlsOptions: { ca }
    additionallyAllowedTenants: ["*"],
  });
  return new AzureOpenAI({
    endpoint: tenants.ready.endpoint,
    apiVersion: "2024-10-21",
    deployment: tenants.ready.deployments.chat,
    azureADTokenProvider: async () => {
      const scope = mock().cloud.cognitiveServicesScope;
      return (await credential.getToken(scope, { tenantId: tenants.ready.tenantId })).token;
    },
    fetch: mock().fetch, // trusts the mock's CA, resolves *.localhost to 127.0.0.1
    maxRetries: 0,
  });
}

const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };

it("calls the customer's deployment with a token from the customer's tenant", async () => {
  const completion = await customerClient().chat.completions.create(hello);

  expect(completion.choices[0]?.message.content).toBe("Echo: hello");
  expect(mock().journal.filter({ route: "chat", decision: "allowed" })).toHaveLength(1);
});

it("is refused once the customer removes the role", async () => {
  const { tenants } = mock().defaults;
  mock().scenario.removeRole(tenants.ready.resource, tenants.ready.servicePrincipalId ?? "");

  await expect(customerClient().chat.completions.create(hello)).rejects.toMatchObject({
    status: 401,
    error: { code: "PermissionDenied" },
  });
});
