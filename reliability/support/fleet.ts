import {
  createPlatformApp,
  createTenantBinding,
  type PlatformApp,
  type PlatformAppCacheOptions,
  type TenantBinding,
  type TokenEvent,
} from "@crosstenant/core";
import {
  defaultScenario,
  type MockAzure,
  type Scenario,
  startMockAzure,
} from "@crosstenant/testing";

/** One ready customer of a fleet: consented, role assigned, egress IP allowed. */
export interface FleetTenant {
  readonly tenantId: string;
  /** Object id of the platform app's service principal in that tenant. */
  readonly principalId: string;
  /** The tenant's Azure OpenAI resource (custom subdomain). */
  readonly resource: string;
  readonly binding: TenantBinding;
}

/** Options of {@link startFleet}. */
export interface FleetOptions {
  /** Ready customer tenants besides the default scenario's. */
  readonly tenants: number;
  readonly tokenLifetimeInSeconds?: number;
  /** Requests the mock journal keeps; large enough for a whole run by default. */
  readonly journalSize?: number;
  readonly cache?: PlatformAppCacheOptions;
  /** How the platform app authenticates; the client secret by default. */
  readonly credential?: "secret" | "certificate";
}

/** The mock serving many ready tenants, and the platform app calling them. */
export interface Fleet {
  readonly mock: MockAzure;
  readonly app: PlatformApp;
  readonly tenants: readonly FleetTenant[];
  /** Every token event the app reported, in order. */
  readonly events: TokenEvent[];
  /** When each of {@link Fleet.events} was reported, in milliseconds since the epoch. */
  readonly eventTimes: number[];
  readonly chatDeployment: string;
  readonly embeddingsDeployment: string;
  close(): Promise<void>;
}

const guidOf = (prefix: string, index: number) =>
  `${prefix}-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;

/** The default scenario plus `count` ready tenants, each with a resource of its own. */
export function fleetScenario(count: number): {
  readonly scenario: Scenario;
  readonly added: readonly Omit<FleetTenant, "binding">[];
} {
  const scenario = defaultScenario();
  const app = scenario.apps[0];
  const template = scenario.resources[0];
  if (!app || !template) throw new Error("the default scenario has an app and a ready resource");

  const added: Omit<FleetTenant, "binding">[] = [];
  for (let index = 0; index < count; index++) {
    const tenantId = guidOf("f1ee7000", index);
    const principalId = guidOf("5e7a1000", index);
    const resource = `fleet-${index}-openai`;
    scenario.tenants.push({
      tenantId,
      displayName: `Fleet customer ${index}`,
      servicePrincipals: [{ appId: app.clientId, objectId: principalId, disabled: false }],
    });
    scenario.resources.push({
      ...structuredClone(template),
      name: resource,
      tenantId,
      subscriptionId: guidOf("5ab50000", index),
      roleAssignments: template.roleAssignments.map((assignment) => ({
        ...assignment,
        principalId,
      })),
    });
    added.push({ tenantId, principalId, resource });
  }
  return { scenario, added };
}

/**
 * Starts the mock on a scenario of `tenants` ready customers and a platform app on it. The mock
 * generates a signing key per tenant at start, which takes a while for a thousand tenants.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const { scenario, added } = fleetScenario(options.tenants);
  const mock = await startMockAzure({
    scenario,
    journalSize: options.journalSize ?? 1_000_000,
    ...(options.tokenLifetimeInSeconds === undefined
      ? {}
      : { tokenLifetimeInSeconds: options.tokenLifetimeInSeconds }),
  });
  const { clientId, homeTenantId, clientSecret, certificate, tenants } = mock.defaults;
  const events: TokenEvent[] = [];
  const eventTimes: number[] = [];
  const app = createPlatformApp({
    clientId,
    homeTenantId,
    credential:
      options.credential === "certificate"
        ? { kind: "certificate", certificatePem: certificate }
        : { kind: "secret", clientSecret },
    cloud: mock.cloud,
    onEvent: (event) => {
      events.push(event);
      eventTimes.push(Date.now());
    },
    ...(options.cache === undefined ? {} : { cache: options.cache }),
  });
  const chatDeployment = tenants.ready.deployments.chat;
  const embeddingsDeployment = tenants.ready.deployments.embeddings;
  const fleetTenants = added.map((tenant) => ({
    ...tenant,
    binding: createTenantBinding({
      tenantId: tenant.tenantId,
      endpoint: mock.endpoints[tenant.resource] ?? "",
      deployments: [chatDeployment, embeddingsDeployment],
      cloud: mock.cloud,
    }),
  }));

  return {
    mock,
    app,
    tenants: fleetTenants,
    events,
    eventTimes,
    chatDeployment,
    embeddingsDeployment,
    close: async () => {
      await app.close();
      await mock.close();
    },
  };
}

/** The app's token events counted by kind: acquisitions by trigger, failures by code. */
export function tokenEventCounts(events: readonly TokenEvent[]): {
  readonly misses: number;
  readonly refreshes: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly evictions: number;
} {
  let misses = 0;
  let refreshes = 0;
  let evictions = 0;
  const failures: Record<string, number> = {};
  for (const event of events) {
    if (event.type === "token-acquired" && event.trigger === "miss") misses += 1;
    else if (event.type === "token-acquired") refreshes += 1;
    else if (event.type === "token-failed") {
      const key = `${event.trigger} ${event.code}`;
      failures[key] = (failures[key] ?? 0) + 1;
    } else evictions += 1;
  }
  return { misses, refreshes, failures, evictions };
}

// The token source hands a token out until at most this long before its expiry.
const maxExpiryMarginInMs = 30_000;

/**
 * A tenant's acquisitions after its first, split by whether the token it held before could no
 * longer be used (`afterExpiry`: the tenant was idle past its token's life) or still could
 * (`premature`: a request the cache should have saved).
 */
export function reacquisitions(
  events: readonly TokenEvent[],
  eventTimes: readonly number[],
): { readonly afterExpiry: number; readonly premature: number } {
  const held = new Map<string, number>();
  let afterExpiry = 0;
  let premature = 0;
  events.forEach((event, index) => {
    if (event.type !== "token-acquired") return;
    const previousExpiry = held.get(event.tenantId);
    held.set(event.tenantId, event.expiresOnTimestamp);
    if (previousExpiry === undefined || event.trigger !== "miss") return;
    const startedAt = (eventTimes[index] ?? 0) - event.durationInMs;
    if (startedAt >= previousExpiry - maxExpiryMarginInMs) afterExpiry += 1;
    else premature += 1;
  });
  return { afterExpiry, premature };
}
