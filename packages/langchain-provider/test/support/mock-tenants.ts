import { subscribe, unsubscribe } from "node:diagnostics_channel";
import {
  createPlatformApp,
  createTenantBinding,
  type PlatformApp,
  type TenantBinding,
} from "@crosstenant/core";
import {
  defaultScenario,
  type MockAzure,
  type MockTenantDefaults,
  type Scenario,
  startMockAzure,
} from "@crosstenant/testing";

/** The mock, a platform app on it, and bindings of the default scenario's tenants. */
export interface MockPlatform {
  readonly mock: MockAzure;
  readonly app: PlatformApp;
  readonly ready: TenantBinding;
  readonly unconsented: TenantBinding;
  readonly chat: string;
  readonly embeddings: string;
  bindingOf(tenant: MockTenantDefaults | { tenantId: string; endpoint: string }): TenantBinding;
  close(): Promise<void>;
}

/** Starts the mock (optionally on an extended scenario) with a platform app using its secret. */
export async function startMockPlatform(scenario?: Scenario): Promise<MockPlatform> {
  const mock = await startMockAzure(scenario ? { scenario } : {});
  const { clientId, homeTenantId, clientSecret, tenants } = mock.defaults;
  const app = createPlatformApp({
    clientId,
    homeTenantId,
    credential: { kind: "secret", clientSecret },
    cloud: mock.cloud,
  });
  const chat = tenants.ready.deployments.chat;
  const embeddings = tenants.ready.deployments.embeddings;
  const bindingOf = (tenant: { tenantId: string; endpoint: string }) =>
    createTenantBinding({
      tenantId: tenant.tenantId,
      endpoint: tenant.endpoint,
      deployments: [chat, embeddings],
      cloud: mock.cloud,
      apiVersion: "2024-10-21",
    });
  return {
    mock,
    app,
    ready: bindingOf(tenants.ready),
    unconsented: bindingOf(tenants.unconsented),
    chat,
    embeddings,
    bindingOf,
    close: async () => {
      await app.close();
      await mock.close();
    },
  };
}

/** A customer tenant added to the scenario: consented, role assigned, reachable. */
export interface ExtraTenant {
  readonly tenantId: string;
  readonly resource: string;
}

/** The default scenario plus `count` ready tenants, each with its own resource. */
export function scenarioWithTenants(count: number): { scenario: Scenario; extra: ExtraTenant[] } {
  const scenario = defaultScenario();
  const app = scenario.apps[0];
  const ready = scenario.resources[0];
  if (!app || !ready) throw new Error("the default scenario has an app and a ready resource");
  const extra: ExtraTenant[] = [];
  for (let index = 0; index < count; index++) {
    const suffix = index.toString(16).padStart(12, "0");
    const tenantId = `a0000000-0000-4000-8000-${suffix}`;
    const objectId = `b0000000-0000-4000-8000-${suffix}`;
    const resource = `tenant-${index}-openai`;
    scenario.tenants.push({
      tenantId,
      displayName: `Customer ${index}`,
      servicePrincipals: [{ appId: app.clientId, objectId, disabled: false }],
    });
    scenario.resources.push({
      ...structuredClone(ready),
      name: resource,
      tenantId,
      subscriptionId: `c0000000-0000-4000-8000-${suffix}`,
      roleAssignments: ready.roleAssignments.map((assignment) => ({
        ...assignment,
        principalId: objectId,
      })),
    });
    extra.push({ tenantId, resource });
  }
  return { scenario, extra };
}

/** One HTTP request as it left the process, seen through undici's diagnostics channel. */
export interface OutgoingRequest {
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

function headerRecord(raw: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (typeof raw === "string") {
    for (const line of raw.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0)
        record[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  } else if (Array.isArray(raw)) {
    for (let index = 0; index + 1 < raw.length; index += 2) {
      record[String(raw[index]).toLowerCase()] = String(raw[index + 1]);
    }
  }
  return record;
}

/** Records every request undici sends until the returned `stop` is called. */
export function recordOutgoingRequests(): { requests: OutgoingRequest[]; stop(): void } {
  const requests: OutgoingRequest[] = [];
  const onCreate = (message: unknown) => {
    const { request } = message as {
      request: { origin: string | URL; path: string; headers: unknown };
    };
    requests.push({
      origin: String(request.origin),
      path: request.path,
      headers: headerRecord(request.headers),
    });
  };
  subscribe("undici:request:create", onCreate);
  return { requests, stop: () => unsubscribe("undici:request:create", onCreate) };
}
