import {
  CrossTenantError,
  createPlatformApp,
  createTenantBinding,
  type PlatformApp,
  type TenantBindingInput,
} from "@crosstenant/core";
import {
  createChatModel,
  createEmbeddings,
  createTenantModelFactory,
} from "@crosstenant/langchain";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Fleet, type FleetTenant, startFleet } from "../support/fleet.js";
import { isCrossTenant } from "../support/journal-tally.js";
import { describeOutcome, outcomeOf } from "../support/outcome.js";
import { isLoopback, recordOutgoingRequests } from "../support/outgoing.js";

let fleet: Fleet;
let tenant: FleetTenant;
let other: FleetTenant;

beforeAll(async () => {
  fleet = await startFleet({ tenants: 2, journalSize: 10_000 });
  const [first, second] = fleet.tenants;
  if (!first || !second) throw new Error("the fleet has two tenants");
  tenant = first;
  other = second;
}, 120_000);
afterEach(() => {
  vi.unstubAllEnvs();
  fleet.mock.journal.clear();
});
afterAll(async () => {
  await fleet?.close();
});

const tokenRequests = () => fleet.mock.journal.filter({ route: "token" }).length;

/** Runs something that must be refused: a typed error, and not one token request. */
async function expectRefusedBeforeAnyToken(
  attempt: () => unknown,
  codes: readonly string[],
): Promise<void> {
  const outcome = await outcomeOf(async () => attempt());
  expect(outcome.kind, describeOutcome(outcome)).toBe("typed");
  if (outcome.kind === "typed") {
    expect(outcome.error).toBeInstanceOf(CrossTenantError);
    expect(codes).toContain(outcome.code);
  }
  expect(tokenRequests()).toBe(0);
}

const validInput = (): TenantBindingInput => ({
  tenantId: tenant.tenantId,
  endpoint: tenant.binding.endpoint.url,
  deployments: [fleet.chatDeployment],
  cloud: fleet.mock.cloud,
});

describe("hostile bindings are refused before any token is requested", () => {
  const port = () => new URL(tenant.binding.endpoint.url).port;
  it.each([
    ["another cloud's host", () => "https://contoso.openai.azure.com"],
    ["a look-alike host", () => `https://fleet-0-openai.openai.localhost.evil.example:${port()}`],
    ["a plain http URL", () => `http://fleet-0-openai.openai.localhost:${port()}`],
    ["credentials in the URL", () => `https://user:pass@fleet-0-openai.openai.localhost:${port()}`],
    ["an IP address", () => `https://127.0.0.1:${port()}`],
    ["a query string", () => `${tenant.binding.endpoint.url}/?redirect=https://evil.example`],
    ["a path", () => `${tenant.binding.endpoint.url}/openai/deployments/other`],
  ])("an endpoint with %s", async (_name, endpoint) => {
    await expectRefusedBeforeAnyToken(
      () => createTenantBinding({ ...validInput(), endpoint: endpoint() }),
      [
        "ENDPOINT_NOT_IN_CLOUD",
        "ENDPOINT_NOT_HTTPS",
        "ENDPOINT_HAS_CREDENTIALS",
        "ENDPOINT_IP_ADDRESS",
        "ENDPOINT_QUERY_OR_FRAGMENT",
        "ENDPOINT_PATH",
        "ENDPOINT_NOT_A_URL",
        "ENDPOINT_SUBDOMAIN_INVALID",
        "CONFIGURATION_INVALID",
      ],
    );
  });

  it.each([
    "contoso.onmicrosoft.com",
    "common",
    "organizations",
    "../../oauth2/v2.0/token",
    `${"f1ee7000-0000-4000-8000-000000000000"}/../x`,
    "",
  ])("the tenant id %j", async (tenantId) => {
    await expectRefusedBeforeAnyToken(
      () => createTenantBinding({ ...validInput(), tenantId }),
      ["CONFIGURATION_INVALID"],
    );
    await expectRefusedBeforeAnyToken(
      () => fleet.app.tokenProvider(tenantId),
      ["CONFIGURATION_INVALID"],
    );
    await expectRefusedBeforeAnyToken(
      () => fleet.app.getToken(tenantId),
      ["CONFIGURATION_INVALID"],
    );
  });

  it("a deployment outside the binding's list, through every entry point", async () => {
    const binding = createTenantBinding(validInput());
    const outside = fleet.embeddingsDeployment;

    await expectRefusedBeforeAnyToken(
      () => createChatModel({ app: fleet.app, binding, deployment: outside }),
      ["DEPLOYMENT_NOT_ALLOWED"],
    );
    await expectRefusedBeforeAnyToken(
      () => createEmbeddings({ app: fleet.app, binding, deployment: "gpt-4o-mini-other" }),
      ["DEPLOYMENT_NOT_ALLOWED"],
    );
    const factory = createTenantModelFactory({
      app: fleet.app,
      resolveTenant: () => validInput(),
    });
    await expectRefusedBeforeAnyToken(
      () => factory.chatModel("contoso", { deployment: outside }),
      ["DEPLOYMENT_NOT_ALLOWED"],
    );
  });

  it("a factory record of another cloud", async () => {
    const factory = createTenantModelFactory({
      app: fleet.app,
      resolveTenant: () => ({ ...validInput(), endpoint: "https://contoso.openai.azure.com" }),
    });
    // The record names the public cloud implicitly through its endpoint's cloud field.
    const publicFactory = createTenantModelFactory({
      app: fleet.app,
      resolveTenant: () => ({
        tenantId: tenant.tenantId,
        endpoint: "https://contoso.openai.azure.com",
        deployments: [fleet.chatDeployment],
        cloud: "public",
      }),
    });

    await expectRefusedBeforeAnyToken(
      () => factory.chatModel("contoso"),
      ["ENDPOINT_NOT_IN_CLOUD", "CONFIGURATION_INVALID"],
    );
    await expectRefusedBeforeAnyToken(() => publicFactory.chatModel("contoso"), ["CLOUD_MISMATCH"]);
  });
});

/** Everything a tenant's calls leave in the mock's journal, minus what varies run to run. */
function journalShape() {
  return fleet.mock.journal
    .entries()
    .map((entry) => [entry.route, entry.host, entry.tenantId, entry.deployment, entry.status]);
}

/** A chat call, a stream and an embedding for one tenant, on a fresh platform app. */
async function tenantFlow(app: PlatformApp) {
  const binding = createTenantBinding({
    ...validInput(),
    deployments: [fleet.chatDeployment, fleet.embeddingsDeployment],
  });
  const chat = createChatModel({ app, binding, deployment: fleet.chatDeployment });
  const reply = await chat.invoke("ambient check");
  let streamed = "";
  for await (const chunk of await chat.stream("ambient stream")) streamed += String(chunk.content);
  const embeddings = createEmbeddings({ app, binding, deployment: fleet.embeddingsDeployment });
  const vector = await embeddings.embedQuery("ambient embedding");
  return { reply: String(reply.content), streamed, dimensions: vector.length };
}

function freshApp(): PlatformApp {
  const { clientId, homeTenantId, clientSecret } = fleet.mock.defaults;
  return createPlatformApp({
    clientId,
    homeTenantId,
    credential: { kind: "secret", clientSecret },
    cloud: fleet.mock.cloud,
  });
}

const hostileGroupNames = [
  "AZURE_OPENAI_* (key, endpoint, api version, deployments, instance, base path)",
  "OPENAI_* (key, base URL, organization, project, custom headers)",
  "AZURE_* identity (authority host, tenant, client, secret, multi-tenant switch)",
] as const;

/** Hostile values for the variables the SDKs read by default, in groups of what they attack. */
function hostileVariables(): [(typeof hostileGroupNames)[number], Record<string, string>][] {
  const otherEndpoint = other.binding.endpoint.url;
  return [
    [
      "AZURE_OPENAI_* (key, endpoint, api version, deployments, instance, base path)",
      {
        AZURE_OPENAI_API_KEY: "hostile-azure-openai-key-0123456789",
        AZURE_OPENAI_ENDPOINT: otherEndpoint,
        AZURE_OPENAI_API_VERSION: "1999-01-01",
        AZURE_OPENAI_API_DEPLOYMENT_NAME: "hostile-deployment",
        AZURE_OPENAI_API_EMBEDDINGS_DEPLOYMENT_NAME: "hostile-embeddings",
        AZURE_OPENAI_API_INSTANCE_NAME: "hostile-instance",
        AZURE_OPENAI_BASE_PATH: `${otherEndpoint}/openai/deployments`,
      },
    ],
    [
      "OPENAI_* (key, base URL, organization, project, custom headers)",
      {
        OPENAI_API_KEY: "sk-hostile-openai-key",
        OPENAI_BASE_URL: `${otherEndpoint}/openai`,
        OPENAI_ORG_ID: "org-hostile",
        OPENAI_PROJECT_ID: "proj-hostile",
        OPENAI_CUSTOM_HEADERS: "api-key: hostile-header-key",
      },
    ],
    [
      "AZURE_* identity (authority host, tenant, client, secret, multi-tenant switch)",
      {
        AZURE_AUTHORITY_HOST: "https://login.evil.example",
        AZURE_TENANT_ID: other.tenantId,
        AZURE_CLIENT_ID: "00000000-0000-4000-8000-0000000000ee",
        AZURE_CLIENT_SECRET: "hostile-client-secret",
        AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: "1",
        AZURE_POD_IDENTITY_AUTHORITY_HOST: "https://pod.evil.example",
      },
    ],
  ];
}

describe("ambient environment variables", () => {
  let cleanResult: Awaited<ReturnType<typeof tenantFlow>>;
  let cleanShape: ReturnType<typeof journalShape>;
  beforeAll(async () => {
    const clean = freshApp();
    cleanResult = await tenantFlow(clean);
    await clean.close();
    cleanShape = journalShape();
    fleet.mock.journal.clear();
  });

  // Listed by name: the values hold the other tenant's endpoint, known only once the mock runs.
  it.each(hostileGroupNames)(
    "%s set to hostile values have no effect on a tenant's calls",
    async (name) => {
      const variables = new Map(hostileVariables()).get(name) ?? {};
      for (const [variable, value] of Object.entries(variables)) vi.stubEnv(variable, value);
      const recording = recordOutgoingRequests();

      const app = freshApp();
      const outcome = await outcomeOf(() => tenantFlow(app));
      await app.close();
      recording.stop();

      expect(outcome.kind, `${name}: ${describeOutcome(outcome)}`).toBe("success");
      if (outcome.kind === "success") expect(outcome.value).toEqual(cleanResult);
      expect(journalShape()).toEqual(cleanShape);
      expect(fleet.mock.journal.entries().filter(isCrossTenant)).toEqual([]);
      expect(recording.requests.filter((request) => !isLoopback(request.origin))).toEqual([]);
      const dataPlane = recording.requests.filter((request) => request.client === "undici");
      expect(dataPlane.length).toBeGreaterThan(0);
      for (const request of dataPlane) {
        expect(request.origin).toBe(tenant.binding.endpoint.url);
        expect(request.headers["api-key"]).toBeUndefined();
        expect(request.headers["openai-organization"]).toBeUndefined();
        expect(request.headers["openai-project"]).toBeUndefined();
        expect(request.path).toContain(`api-version=${tenant.binding.apiVersion}`);
      }
    },
  );

  // These would send the platform's credential to a regional token service that the binding's
  // cloud does not have; the platform app refuses them instead of following them.
  it.each([
    ["AZURE_REGIONAL_AUTHORITY_NAME", "westus2"],
    ["MSAL_FORCE_REGION", "westus2"],
  ])("%s set refuses every token request, before any is sent", async (variable, value) => {
    vi.stubEnv(variable, value);
    const recording = recordOutgoingRequests();

    const app = freshApp();
    const outcome = await outcomeOf(() => tenantFlow(app));
    await app.close();
    recording.stop();

    expect(outcome.kind, describeOutcome(outcome)).toBe("typed");
    if (outcome.kind === "typed") {
      expect(outcome.code).toBe("CONFIGURATION_INVALID");
      expect(outcome.error.message).toContain(variable);
    }
    expect(tokenRequests()).toBe(0);
    expect(recording.requests.filter((request) => !isLoopback(request.origin))).toEqual([]);
  });
});
