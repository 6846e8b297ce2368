import { createTenantModelFactory } from "@crosstenant/langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ExtraTenant,
  type MockPlatform,
  scenarioWithTenants,
  startMockPlatform,
} from "./support/mock-tenants.js";

const tenantCount = 50;
const callCount = 2_000;

let platform: MockPlatform;
let tenants: ExtraTenant[];
beforeAll(async () => {
  const { scenario, extra } = scenarioWithTenants(tenantCount);
  tenants = extra;
  platform = await startMockPlatform(scenario);
  // Fifty tenants mean fifty signing keys to generate: generous, not a speed requirement.
}, 120_000);
afterAll(async () => {
  await platform.close();
});

describe("a model factory serving many tenants", () => {
  it("keeps every token on its own tenant's resource across 2,000 interleaved calls", async () => {
    const endpoints = new Map(
      tenants.map((tenant) => [tenant.tenantId, platform.mock.endpoints[tenant.resource]]),
    );
    const factory = createTenantModelFactory({
      app: platform.app,
      resolveTenant: async (tenantId) => ({
        tenantId,
        endpoint: endpoints.get(tenantId) ?? "",
        deployments: [platform.chat],
        cloud: platform.mock.cloud,
      }),
      chatDefaults: { deployment: platform.chat },
    });
    const journalBefore = platform.mock.journal.entries().length;

    // 100 calls in flight at a time, each wave spread over every tenant.
    const results: { tenant: ExtraTenant; reply: string; index: number }[] = [];
    for (let start = 0; start < callCount; start += 100) {
      const wave = Array.from({ length: 100 }, (_, offset) => {
        const index = start + offset;
        const tenant = tenants[(index * 7) % tenantCount] as ExtraTenant;
        return factory
          .chatModel(tenant.tenantId)
          .then((model) => model.invoke(`call ${index} for ${tenant.resource}`))
          .then((reply) => ({ tenant, reply: String(reply.content), index }));
      });
      results.push(...(await Promise.all(wave)));
    }

    for (const { tenant, reply, index } of results) {
      expect(reply).toBe(`Echo: call ${index} for ${tenant.resource}`);
    }
    const chatEntries = platform.mock.journal
      .entries()
      .slice(journalBefore)
      .filter((entry) => entry.route === "chat");
    expect(chatEntries).toHaveLength(callCount);
    const resourceTenant = new Map(tenants.map((tenant) => [tenant.resource, tenant.tenantId]));
    for (const entry of chatEntries) {
      expect(entry.decision).toBe("allowed");
      expect(entry.tenantId).toBe(entry.resourceTenantId);
      expect(entry.tenantId).toBe(resourceTenant.get(entry.resource ?? ""));
    }
    const tokenCounts = platform.mock.journal.tokenRequestCounts();
    for (const tenant of tenants) expect(tokenCounts[tenant.tenantId]).toBe(1);
    expect(factory.size).toBe(tenantCount);
  }, 120_000);

  it("serves embeddings too, and forgetting a tenant drops its cached token", async () => {
    const [tenant] = tenants;
    if (!tenant) throw new Error("the scenario has extra tenants");
    const factory = createTenantModelFactory({
      app: platform.app,
      resolveTenant: async (tenantId) => ({
        tenantId,
        endpoint: platform.mock.endpoints[tenant.resource] ?? "",
        deployments: [platform.chat, platform.embeddings],
        cloud: platform.mock.cloud,
      }),
      chatDefaults: { deployment: platform.chat },
      embeddingsDefaults: { deployment: platform.embeddings },
    });
    const tokens = () => platform.mock.journal.tokenRequestCounts()[tenant.tenantId] ?? 0;

    await (await factory.chatModel(tenant.tenantId)).invoke("before off-boarding");
    const vector = await (await factory.embeddings(tenant.tenantId)).embedQuery("vector");
    const tokensBefore = tokens();
    factory.forget(tenant.tenantId);
    await (await factory.chatModel(tenant.tenantId)).invoke("after re-onboarding");

    expect(vector.length).toBeGreaterThan(0);
    expect(tokens()).toBe(tokensBefore + 1);
  });
});
