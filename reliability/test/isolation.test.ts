import {
  ConfigurationError,
  CrossTenantError,
  readTokenClaims,
  type TenantBindingInput,
} from "@crosstenant/core";
import { createChatModel, createTenantModelFactory } from "@crosstenant/langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fleet, type FleetTenant, startFleet } from "../support/fleet.js";
import { isCrossTenant } from "../support/journal-tally.js";
import { describeOutcome, outcomeOf } from "../support/outcome.js";
import { isLoopback, recordOutgoingRequests } from "../support/outgoing.js";
import { profile } from "../support/profile.js";
import { seededRandom } from "../support/seeded-random.js";

// Tenants that only ever appear behind an invalid binding: the mock would issue them tokens, so
// any token request for them in the journal means validation let something through.
const rejectedOnlyCount = 4;

let fleet: Fleet;
let served: readonly FleetTenant[];
let rejectedOnly: readonly FleetTenant[];

beforeAll(async () => {
  fleet = await startFleet({ tenants: profile.isolationTenants + rejectedOnlyCount });
  served = fleet.tenants.slice(0, profile.isolationTenants);
  rejectedOnly = fleet.tenants.slice(profile.isolationTenants);
}, 300_000);
afterAll(async () => {
  await fleet?.close();
});

/** A binding input that validation must refuse, for one of the rejected-only tenants. */
function invalidInput(tenant: FleetTenant, variant: number): TenantBindingInput {
  const valid = {
    tenantId: tenant.tenantId,
    endpoint: tenant.binding.endpoint.url,
    deployments: [fleet.chatDeployment],
    cloud: fleet.mock.cloud,
  };
  switch (variant % 4) {
    case 0:
      return { ...valid, endpoint: "https://contoso.openai.azure.com" };
    case 1:
      return { ...valid, endpoint: `${tenant.binding.endpoint.url}.attacker.example` };
    case 2:
      return { ...valid, cloud: "public" };
    default:
      return { ...valid, deployments: ["../../admin"] };
  }
}

describe("tenant isolation", () => {
  it("never presents a token to another tenant's resource under randomized interleavings and evictions", async () => {
    const random = seededRandom();
    const context = `seed ${random.seed} (replay with RELIABILITY_SEED=${random.seed})`;
    const store = new Map<string, TenantBindingInput>();
    for (const tenant of served) {
      store.set(tenant.resource, {
        tenantId: tenant.tenantId,
        endpoint: tenant.binding.endpoint.url,
        deployments: [fleet.chatDeployment, fleet.embeddingsDeployment],
        cloud: fleet.mock.cloud,
      });
    }
    rejectedOnly.forEach((tenant, index) => {
      store.set(tenant.resource, invalidInput(tenant, index));
    });
    const factory = createTenantModelFactory({
      app: fleet.app,
      // A store that answers after a random number of turns, so look-ups interleave.
      resolveTenant: async (key) => {
        for (let turn = random.below(3); turn > 0; turn--) await Promise.resolve();
        const input = store.get(key);
        if (!input) throw new Error(`no tenant ${key} in the platform's store`);
        return input;
      },
      // Far fewer slots than tenants: bindings and models are evicted all the time.
      maxTenants: Math.max(2, Math.floor(served.length / 4)),
      chatDefaults: { deployment: fleet.chatDeployment, initialRetryDelayInMs: 10 },
      embeddingsDefaults: { deployment: fleet.embeddingsDeployment },
    });

    const problems: string[] = [];
    const operation = async (index: number) => {
      const useRejected = random.next() < 0.05;
      const tenant = useRejected ? random.pick(rejectedOnly) : random.pick(served);
      const key = tenant.resource;
      const kind = random.below(6);
      const prompt = `interleaving ${index} for ${key}`;
      const outcome = await outcomeOf(async () => {
        if (kind === 0) {
          factory.forget(random.pick(served).resource);
          return "forgot";
        }
        if (kind === 1) {
          fleet.app.invalidate(random.pick(served).tenantId);
          return "invalidated";
        }
        if (kind === 2) {
          const vector = await (await factory.embeddings(key)).embedQuery(prompt);
          return vector.length > 0 ? "embedded" : "empty";
        }
        if (kind === 3) {
          let text = "";
          for await (const chunk of await (await factory.chatModel(key)).stream(prompt)) {
            text += String(chunk.content);
          }
          return text;
        }
        return String((await (await factory.chatModel(key)).invoke(prompt)).content);
      });

      if (useRejected && kind >= 2) {
        const refused =
          outcome.kind === "typed" &&
          (outcome.error instanceof ConfigurationError || outcome.code.startsWith("ENDPOINT_"));
        if (!refused) problems.push(`${key} (invalid): ${describeOutcome(outcome)}`);
        return;
      }
      if (outcome.kind !== "success") {
        problems.push(`${key}: ${describeOutcome(outcome)}`);
        return;
      }
      if (kind >= 3 && outcome.value !== `Echo: ${prompt}`) {
        problems.push(`${key} got another answer: ${outcome.value}`);
      }
    };

    // Bursts of concurrent operations in random order, so no two runs interleave alike.
    const recording = recordOutgoingRequests();
    let index = 0;
    try {
      while (index < profile.isolationCalls) {
        const burst = 1 + random.below(24);
        await Promise.all(Array.from({ length: burst }, () => operation(index++)));
      }
    } finally {
      recording.stop();
    }

    const dataPlane = fleet.mock.journal
      .entries()
      .filter((entry) => entry.route === "chat" || entry.route === "embeddings");
    const tokenCounts = fleet.mock.journal.tokenRequestCounts();
    expect(problems, context).toEqual([]);
    expect(
      recording.requests.filter((request) => !isLoopback(request.origin)),
      context,
    ).toEqual([]);
    expect(dataPlane.length, context).toBeGreaterThan(0);
    expect(dataPlane.filter(isCrossTenant), context).toEqual([]);
    expect(
      dataPlane.filter((entry) => entry.tenantId === undefined),
      context,
    ).toEqual([]);
    for (const tenant of rejectedOnly) {
      expect(tokenCounts[tenant.tenantId], `${context}: ${tenant.tenantId}`).toBeUndefined();
    }
  }, 300_000);

  it("hands out, for every tenant, only tokens whose tid is that tenant, under concurrent first calls", async () => {
    const random = seededRandom();
    const order = served.flatMap((tenant) => [tenant, tenant, tenant]);
    for (let index = order.length - 1; index > 0; index--) {
      const other = random.below(index + 1);
      [order[index], order[other]] = [order[other] as FleetTenant, order[index] as FleetTenant];
    }
    for (const tenant of served) fleet.app.invalidate(tenant.tenantId);

    const tokens = await Promise.all(
      order.map(async (tenant) => ({ tenant, token: await fleet.app.getToken(tenant.tenantId) })),
    );

    const wrong = tokens.filter(
      ({ tenant, token }) =>
        token.tenantId !== tenant.tenantId ||
        readTokenClaims(token.token)?.tenantId !== tenant.tenantId,
    );
    expect(
      wrong.map(({ tenant }) => tenant.tenantId),
      `seed ${random.seed}`,
    ).toEqual([]);
  });

  it("refuses to build a model from a binding of another cloud, before any token request", async () => {
    const [tenant] = rejectedOnly;
    if (!tenant) throw new Error("the fleet has rejected-only tenants");
    const before = fleet.mock.journal.tokenRequestCounts()[tenant.tenantId];

    const outcome = await outcomeOf(async () =>
      createChatModel({
        app: fleet.app,
        binding: { ...tenant.binding, cloud: { ...tenant.binding.cloud, name: "elsewhere" } },
        deployment: fleet.chatDeployment,
      }),
    );

    expect(outcome.kind === "typed" && outcome.error).toBeInstanceOf(CrossTenantError);
    expect(outcome.kind === "typed" && outcome.code).toBe("CLOUD_MISMATCH");
    expect(fleet.mock.journal.tokenRequestCounts()[tenant.tenantId]).toBe(before);
  });
});
