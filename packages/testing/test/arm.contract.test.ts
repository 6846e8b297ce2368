import { ClientSecretCredential } from "@azure/identity";
import { openAIUserRole } from "@crosstenant/core";
import { type MockAzure, type Scenario, startMockAzure } from "@crosstenant/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let mock: MockAzure;
let initial: Scenario;
let armToken: string;
let homeArmToken: string;
let dataToken: string;

beforeAll(async () => {
  mock = await startMockAzure();
  initial = structuredClone(mock.scenario.current);
  const credential = new ClientSecretCredential(
    mock.defaults.homeTenantId,
    mock.defaults.clientId,
    mock.defaults.clientSecret,
    { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
  );
  const tenantId = mock.defaults.tenants.ready.tenantId;
  armToken = (await credential.getToken(mock.cloud.armScope, { tenantId })).token;
  dataToken = (await credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId })).token;
  homeArmToken = (await credential.getToken(mock.cloud.armScope)).token;
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.scenario.replace(initial);
});

async function arm(path: string, token: string | null = armToken, apiVersion = "2025-06-01") {
  const url = `${mock.armUrl}${path}${path.includes("?") ? "&" : "?"}api-version=${apiVersion}`;
  const response = await mock.fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("ARM reads with the OpenAI User role", () => {
  it("reads the account with its network rules, endpoint and local-auth setting", async () => {
    const answer = await arm(mock.defaults.tenants.ready.armResourceId);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: mock.defaults.tenants.ready.armResourceId,
      name: mock.defaults.tenants.ready.resource,
      type: "Microsoft.CognitiveServices/accounts",
      properties: {
        customSubDomainName: mock.defaults.tenants.ready.resource,
        endpoint: `${mock.defaults.tenants.ready.endpoint}/`,
        disableLocalAuth: true,
        publicNetworkAccess: "Enabled",
        networkAcls: {
          defaultAction: "Deny",
          ipRules: [{ value: mock.defaults.egressIp }],
          virtualNetworkRules: [],
        },
        privateEndpointConnections: [],
      },
    });
  });

  it("lists the deployments", async () => {
    const answer = await arm(`${mock.defaults.tenants.ready.armResourceId}/deployments`);
    const names = (answer.body.value as { name: string }[]).map((deployment) => deployment.name);
    expect(names).toEqual([
      mock.defaults.tenants.ready.deployments.chat,
      mock.defaults.tenants.ready.deployments.embeddings,
    ]);
  });

  it("lists the principal's role assignments in ARM's shape", async () => {
    const principalId = mock.defaults.tenants.ready.servicePrincipalId;
    const scope = mock.defaults.tenants.ready.armResourceId;
    const answer = await arm(
      `${scope}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}`,
      armToken,
      "2022-04-01",
    );

    expect(answer.status).toBe(200);
    expect(answer.body.value).toEqual([
      {
        id: expect.stringMatching(
          new RegExp(`^${scope}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`),
        ),
        name: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: "Microsoft.Authorization/roleAssignments",
        properties: expect.objectContaining({
          roleDefinitionId: `/subscriptions/${mock.defaults.tenants.ready.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${openAIUserRole.id}`,
          principalId,
          principalType: "ServicePrincipal",
          scope,
        }),
      },
    ]);
  });
});

describe("ARM refusals", () => {
  it("refuses a missing token with 401 AuthenticationFailed", async () => {
    const answer = await arm(mock.defaults.tenants.ready.armResourceId, null);
    expect(answer).toMatchObject({
      status: 401,
      body: { error: { code: "AuthenticationFailed" } },
    });
  });

  it("refuses a data-plane token with 401 InvalidAuthenticationTokenAudience", async () => {
    const answer = await arm(mock.defaults.tenants.ready.armResourceId, dataToken);
    expect(answer).toMatchObject({
      status: 401,
      body: { error: { code: "InvalidAuthenticationTokenAudience" } },
    });
  });

  it("refuses a forged token with 401 InvalidAuthenticationToken", async () => {
    const [header, payload] = armToken.split(".");
    const answer = await arm(
      mock.defaults.tenants.ready.armResourceId,
      `${header}.${payload}.AAAA`,
    );
    expect(answer).toMatchObject({
      status: 401,
      body: { error: { code: "InvalidAuthenticationToken" } },
    });
  });

  it("refuses a token of another tenant with 401 InvalidAuthenticationTokenTenant", async () => {
    const answer = await arm(mock.defaults.tenants.ready.armResourceId, homeArmToken);
    expect(answer).toMatchObject({
      status: 401,
      body: { error: { code: "InvalidAuthenticationTokenTenant" } },
    });
  });

  it("refuses a principal without a role with 403 AuthorizationFailed", async () => {
    mock.scenario.removeRole(
      mock.defaults.tenants.ready.resource,
      mock.defaults.tenants.ready.servicePrincipalId ?? "",
    );
    const answer = await arm(mock.defaults.tenants.ready.armResourceId);
    expect(answer).toMatchObject({ status: 403, body: { error: { code: "AuthorizationFailed" } } });
    expect((answer.body.error as { message: string }).message).toContain(
      "does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/read'",
    );
  });

  it("answers 404 ResourceNotFound for an account that does not exist where the role reaches", async () => {
    mock.scenario.assignRole(
      mock.defaults.tenants.ready.resource,
      mock.defaults.tenants.ready.servicePrincipalId ?? "",
      undefined,
      "resourceGroup",
    );
    const missing = mock.defaults.tenants.ready.armResourceId.replace(/[^/]+$/, "missing-openai");
    const answer = await arm(missing);
    expect(answer).toMatchObject({ status: 404, body: { error: { code: "ResourceNotFound" } } });
  });

  it("requires an api-version", async () => {
    const response = await mock.fetch(
      `${mock.armUrl}${mock.defaults.tenants.ready.armResourceId}`,
      {
        headers: { authorization: `Bearer ${armToken}` },
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
  });
});
