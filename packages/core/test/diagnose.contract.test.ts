import { ClientSecretCredential } from "@azure/identity";
import {
  ContentFilterError,
  CrossTenantError,
  createTenantBinding,
  diagnose,
  diagnoseResponse,
  openAIUserRole,
  RateLimitError,
  type TenantBinding,
  TokenAcquisitionError,
} from "@crosstenant/core";
import { type MockAzure, type Scenario, startMockAzure } from "@crosstenant/testing";
import { AzureChatOpenAI } from "@langchain/openai";
import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let mock: MockAzure;
let initial: Scenario;
let credential: ClientSecretCredential;
let binding: TenantBinding;

const ready = () => mock.defaults.tenants.ready;
const context = (deployment = ready().deployments.chat) => ({
  binding,
  clientId: mock.defaults.clientId,
  deployment,
  egressIps: [mock.defaults.egressIp],
});

beforeAll(async () => {
  mock = await startMockAzure();
  initial = structuredClone(mock.scenario.current);
  credential = new ClientSecretCredential(
    mock.defaults.homeTenantId,
    mock.defaults.clientId,
    mock.defaults.clientSecret,
    { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
  );
  binding = createTenantBinding({
    tenantId: ready().tenantId,
    endpoint: ready().endpoint,
    deployments: [ready().deployments.chat],
    cloud: mock.cloud,
    armResourceId: ready().armResourceId,
  });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.scenario.replace(initial);
  mock.faults.clear();
});

const tokenFor = (tenantId: string) =>
  credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId }).then((t) => t.token);

function openAIClient(options: { deployment?: string; fetch?: typeof fetch } = {}) {
  return new AzureOpenAI({
    endpoint: binding.endpoint.url,
    apiVersion: binding.apiVersion,
    deployment: options.deployment ?? ready().deployments.chat,
    azureADTokenProvider: () => tokenFor(ready().tenantId),
    fetch: options.fetch ?? mock.fetch,
    maxRetries: 0,
  });
}

const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };

async function failure(promise: Promise<unknown>): Promise<CrossTenantError> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeDefined();
  const diagnosed = diagnose(thrown, context());
  expect(diagnosed).toBeInstanceOf(CrossTenantError);
  expect((diagnosed as CrossTenantError).cause).toBe(thrown);
  return diagnosed as CrossTenantError;
}

describe("diagnose against the mock, through the real @azure/identity", () => {
  it("explains a tenant that never consented, with that tenant's consent URL", async () => {
    const unconsented = mock.defaults.tenants.unconsented.tenantId;
    const thrown = await tokenFor(unconsented).catch((error: unknown) => error);
    const error = diagnose(thrown, {
      tenantId: unconsented,
      clientId: mock.defaults.clientId,
      cloud: mock.cloud,
    });

    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error).toMatchObject({
      code: "CONSENT_MISSING",
      aadstsCode: 700016,
      checklistItem: "app-consent",
    });
    expect((error as Error).message).toContain(
      `${mock.authorityHost}/${unconsented}/adminconsent?client_id=${mock.defaults.clientId}`,
    );
  });

  it("explains a wrong client secret without showing it", async () => {
    const wrong = "not-the-secret-value-0123456789";
    const badCredential = new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      wrong,
      {
        ...mock.identityOptions(),
        additionallyAllowedTenants: ["*"],
      },
    );
    const error = await failure(
      badCredential.getToken(mock.cloud.cognitiveServicesScope, { tenantId: ready().tenantId }),
    );

    expect(error).toMatchObject({
      code: "PLATFORM_SECRET_INVALID",
      checklistItem: "platform-credential",
    });
    expect(error.message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
  });

  const unknownTenant = "00000000-1111-4222-8333-444444444444";
  const freshCredential = () =>
    new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      mock.defaults.clientSecret,
      { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
    );

  it("explains an unknown tenant asked first, which MSAL reports as endpoints_resolution_error", async () => {
    const thrown = await freshCredential()
      .getToken(mock.cloud.cognitiveServicesScope, { tenantId: unknownTenant })
      .catch((error: unknown) => error);
    const error = diagnose(thrown, {
      tenantId: unknownTenant,
      cloud: mock.cloud,
    }) as CrossTenantError;

    expect(error).toMatchObject({ code: "AUTHORITY_UNREACHABLE", checklistItem: "tenant" });
    expect(error.message).toContain(mock.authorityHost);
    expect(error.message).toMatch(/tenant id does not exist/);
  });

  it("explains an unknown tenant asked after another, which reaches the token endpoint", async () => {
    const warm = freshCredential();
    await warm.getToken(mock.cloud.cognitiveServicesScope, { tenantId: ready().tenantId });
    const thrown = await warm
      .getToken(mock.cloud.cognitiveServicesScope, { tenantId: unknownTenant })
      .catch((error: unknown) => error);
    const error = diagnose(thrown, {
      tenantId: unknownTenant,
      cloud: mock.cloud,
    }) as CrossTenantError;

    expect(error).toMatchObject({
      code: "TENANT_NOT_FOUND",
      aadstsCode: 90002,
      checklistItem: "tenant",
    });
    expect(error.message).toContain(unknownTenant);
  });

  it("explains an Entra ID outage as transient", async () => {
    mock.faults.add({ route: "token", effect: { type: "outage" } });
    // A credential of its own: MSAL remembers the 503 and would throttle the shared one.
    const isolated = new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      mock.defaults.clientSecret,
      {
        ...mock.identityOptions(),
        additionallyAllowedTenants: ["*"],
        retryOptions: { maxRetries: 0 },
      },
    );
    const error = await failure(
      isolated.getToken(mock.cloud.cognitiveServicesScope, { tenantId: ready().tenantId }),
    );
    expect(error).toMatchObject({ code: "TOKEN_REQUEST_FAILED", aadstsCode: 90033 });
    expect(error.checklistItem).toBeUndefined();
    expect(error.message).toMatch(/transient.*retry with backoff/);
  });

  it("explains a disabled app", async () => {
    mock.scenario.setAppDisabled(mock.defaults.clientId, true);
    const error = await failure(tokenFor(ready().tenantId));
    expect(error).toMatchObject({ code: "APP_DISABLED", aadstsCode: 7000112 });
  });
});

describe("diagnose against the mock, through the real openai and LangChain clients", () => {
  it("finds the Entra ID failure behind the openai client when the token provider fails", async () => {
    const unconsented = mock.defaults.tenants.unconsented.tenantId;
    const client = new AzureOpenAI({
      endpoint: binding.endpoint.url,
      apiVersion: binding.apiVersion,
      deployment: ready().deployments.chat,
      azureADTokenProvider: () => tokenFor(unconsented),
      fetch: mock.fetch,
      maxRetries: 0,
    });
    const thrown = await client.chat.completions.create(hello).catch((e: unknown) => e);
    const error = diagnose(thrown, {
      tenantId: unconsented,
      clientId: mock.defaults.clientId,
      cloud: mock.cloud,
    });
    expect(error).toMatchObject({ code: "CONSENT_MISSING", aadstsCode: 700016 });
  });

  it("explains a missing role with the role id and the resource's ARM id", async () => {
    mock.scenario.removeRole(ready().resource, ready().servicePrincipalId ?? "");
    const error = await failure(openAIClient().chat.completions.create(hello));

    expect(error).toMatchObject({
      code: "ROLE_MISSING",
      status: 401,
      checklistItem: "role-assignment",
    });
    expect(error.message).toContain(openAIUserRole.id);
    expect(error.message).toContain(`--scope ${ready().armResourceId}`);
  });

  it("explains a firewall refusal naming the egress IP to allow", async () => {
    const error = await failure(
      openAIClient({ fetch: mock.fetchFrom("127.0.0.2") }).chat.completions.create(hello),
    );
    expect(error).toMatchObject({
      code: "NETWORK_ACCESS_DENIED",
      status: 403,
      checklistItem: "network-access",
    });
    expect(error.message).toContain(`--ip-address ${mock.defaults.egressIp}`);
  });

  it("explains a missing deployment raised through LangChain", async () => {
    const model = new AzureChatOpenAI({
      azureOpenAIEndpoint: binding.endpoint.url,
      azureOpenAIApiDeploymentName: "gpt-missing",
      azureOpenAIApiVersion: binding.apiVersion,
      azureADTokenProvider: () => tokenFor(ready().tenantId),
      maxRetries: 0,
      configuration: { fetch: mock.fetch },
    });
    const thrown = await model.invoke("hello").catch((e: unknown) => e);
    const error = diagnose(thrown, context("gpt-missing")) as CrossTenantError;

    expect(error).toMatchObject({ code: "DEPLOYMENT_NOT_FOUND", checklistItem: "deployment" });
    expect(error.message).toContain('"gpt-missing"');
  });

  it("explains a token from the wrong tenant", async () => {
    const homeToken = await tokenFor(mock.defaults.homeTenantId);
    const client = new AzureOpenAI({
      endpoint: binding.endpoint.url,
      apiVersion: binding.apiVersion,
      deployment: ready().deployments.chat,
      azureADTokenProvider: async () => homeToken,
      fetch: mock.fetch,
      maxRetries: 0,
    });
    const error = await failure(client.chat.completions.create(hello));
    expect(error).toMatchObject({ code: "TENANT_MISMATCH", checklistItem: "tenant" });
    expect(error.message).not.toContain(homeToken);
  });

  it("explains throttling with the delay the resource asked for", async () => {
    mock.faults.add({
      route: "chat",
      count: 1,
      effect: {
        type: "status",
        status: 429,
        headers: { "retry-after-ms": "1200" },
        body: { error: { code: "429", message: "Rate limit is exceeded." } },
      },
    });
    const error = await failure(openAIClient().chat.completions.create(hello));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1200);
  });

  it("explains a filtered prompt", async () => {
    const error = await failure(
      openAIClient().chat.completions.create({
        ...hello,
        messages: [{ role: "user", content: "[[content-filter]] tell me" }],
      }),
    );
    expect(error).toBeInstanceOf(ContentFilterError);
  });

  it("diagnoses the plain fetch Response of a refused call", async () => {
    mock.scenario.setPublicNetworkAccess(ready().resource, "Disabled");
    const response = await mock.fetch(
      `${binding.endpoint.url}/openai/deployments/${ready().deployments.chat}/chat/completions?api-version=${binding.apiVersion}`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${await tokenFor(ready().tenantId)}`,
        },
        body: JSON.stringify(hello),
      },
    );
    const error = await diagnoseResponse(response, context());
    expect(error).toMatchObject({
      code: "PUBLIC_ACCESS_DISABLED",
      status: 403,
      checklistItem: "network-access",
    });
  });
});
