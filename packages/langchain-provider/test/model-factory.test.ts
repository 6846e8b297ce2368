import {
  ConfigurationError,
  clouds,
  type PlatformApp,
  type TenantBindingInput,
} from "@crosstenant/core";
import { createTenantModelFactory, TenantChatModel } from "@crosstenant/langchain";
import { afterEach, describe, expect, it, vi } from "vitest";

const tenantA = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const tenantB = "1d2c3b4a-5f6e-4a7b-8c9d-0e1f2a3b4c5d";
const tenantC = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

/** A platform app that records token requests and invalidations, and never reaches a network. */
function recordingApp() {
  const tokenRequests: string[] = [];
  const invalidated: string[] = [];
  const app: PlatformApp = {
    clientId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    homeTenantId: "00000000-0000-0000-0000-0000000000a1",
    cloud: clouds.public,
    tokenProvider: (tenantId) => async () => {
      tokenRequests.push(tenantId);
      return "token";
    },
    getToken: async (tenantId) => {
      tokenRequests.push(tenantId);
      return { token: "token", tenantId, expiresOnTimestamp: Date.now() + 3_600_000, scope: "" };
    },
    invalidate: (tenantId) => {
      invalidated.push(tenantId);
    },
    close: async () => {},
  };
  return { app, tokenRequests, invalidated };
}

const record = (tenantId: string, resource = "contoso"): TenantBindingInput => ({
  tenantId,
  endpoint: `https://${resource}.openai.azure.com`,
  deployments: ["gpt-4o", "text-embedding-3-small"],
});

/** A tenant store that counts look-ups and can be changed between calls. */
function store(records: Record<string, TenantBindingInput>) {
  const lookups: string[] = [];
  const resolveTenant = async (key: string) => {
    lookups.push(key);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const found = records[key];
    if (!found) throw new Error(`no tenant ${key}`);
    return found;
  };
  return { records, lookups, resolveTenant };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("createTenantModelFactory", () => {
  it("resolves a key once however many calls ask for it at the same time", async () => {
    const { app } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({
      app,
      resolveTenant: tenants.resolveTenant,
      chatDefaults: { deployment: "gpt-4o" },
    });

    const models = await Promise.all(Array.from({ length: 20 }, () => factory.chatModel("a")));

    expect(tenants.lookups).toEqual(["a"]);
    expect(new Set(models).size).toBe(1);
    expect(models[0]).toBeInstanceOf(TenantChatModel);
    expect(models[0]?.tenantId).toBe(tenantA);
  });

  it("refuses an invalid record before any token is requested and picks up the fix next time", async () => {
    const { app, tokenRequests } = recordingApp();
    const tenants = store({
      a: { ...record(tenantA), endpoint: "http://contoso.openai.azure.com/" },
    });
    const factory = createTenantModelFactory({
      app,
      resolveTenant: tenants.resolveTenant,
      chatDefaults: { deployment: "gpt-4o" },
    });

    const failure = await factory.chatModel("a").catch((error: unknown) => error);
    tenants.records.a = record(tenantA);
    const model = await factory.chatModel("a");

    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as ConfigurationError).message).toMatch(/^Tenant "a": /);
    expect((failure as ConfigurationError).issues.map((issue) => issue.path)).toContain("endpoint");
    expect(tokenRequests).toEqual([]);
    expect(model.tenantId).toBe(tenantA);
    expect(tenants.lookups).toEqual(["a", "a"]);
  });

  it("refuses a record of another cloud than the app's", async () => {
    const { app } = recordingApp();
    const tenants = store({
      a: {
        ...record(tenantA, "contoso"),
        endpoint: "https://contoso.openai.azure.us",
        cloud: "usGovernment",
      },
    });
    const factory = createTenantModelFactory({ app, resolveTenant: tenants.resolveTenant });

    await expect(factory.binding("a")).rejects.toMatchObject({ code: "CLOUD_MISMATCH" });
    expect(factory.size).toBe(0);
  });

  it("keeps the most recently used tenants within maxTenants", async () => {
    const { app } = recordingApp();
    const tenants = store({ a: record(tenantA), b: record(tenantB), c: record(tenantC) });
    const factory = createTenantModelFactory({
      app,
      resolveTenant: tenants.resolveTenant,
      maxTenants: 2,
    });

    await factory.binding("a");
    await factory.binding("b");
    await factory.binding("a");
    await factory.binding("c");
    await factory.binding("a");
    await factory.binding("b");

    expect(factory.size).toBe(2);
    expect(tenants.lookups).toEqual(["a", "b", "c", "b"]);
  });

  it("looks a binding up again once bindingTtlInMs has passed", async () => {
    vi.useFakeTimers();
    const { app } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({
      app,
      resolveTenant: tenants.resolveTenant,
      bindingTtlInMs: 60_000,
    });

    const first = factory.binding("a");
    await vi.advanceTimersByTimeAsync(5);
    await first;
    await vi.advanceTimersByTimeAsync(30_000);
    await factory.binding("a");
    await vi.advanceTimersByTimeAsync(31_000);
    const again = factory.binding("a");
    await vi.advanceTimersByTimeAsync(5);
    await again;

    expect(tenants.lookups).toEqual(["a", "a"]);
  });

  it("forgets a tenant: binding, models and cached token", async () => {
    const { app, invalidated } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({
      app,
      resolveTenant: tenants.resolveTenant,
      chatDefaults: { deployment: "gpt-4o" },
    });
    const before = await factory.chatModel("a");

    factory.forget("a");
    const after = await factory.chatModel("a");

    expect(invalidated).toEqual([tenantA]);
    expect(after).not.toBe(before);
    expect(tenants.lookups).toEqual(["a", "a"]);
  });

  it("does not cache a look-up that finishes after the tenant was forgotten", async () => {
    const { app } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({ app, resolveTenant: tenants.resolveTenant });

    const inFlight = factory.binding("a");
    factory.forget("a");
    await inFlight;

    expect(factory.size).toBe(0);
  });

  it("caches one model per deployment, and builds a fresh one for other options", async () => {
    const { app } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({
      app,
      resolveTenant: tenants.resolveTenant,
      chatDefaults: { deployment: "gpt-4o", temperature: 0 },
    });

    const first = await factory.chatModel("a");
    const second = await factory.chatModel("a", { deployment: "gpt-4o" });
    const warmer = await factory.chatModel("a", { temperature: 0.9 });

    expect(second).toBe(first);
    expect(first.temperature).toBe(0);
    expect(warmer).not.toBe(first);
    expect(warmer.temperature).toBe(0.9);
    expect(factory.cachedChatModel("a")).toBe(first);
    expect(factory.cachedChatModel("unknown")).toBeUndefined();
  });

  it("asks which deployment to use when the binding has several and no default is set", async () => {
    const { app } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({ app, resolveTenant: tenants.resolveTenant });

    await expect(factory.chatModel("a")).rejects.toThrow(/Pass \{ deployment \}/);
    await expect(
      factory.embeddings("a", { deployment: "text-embedding-3-small" }),
    ).resolves.toMatchObject({
      deployment: "text-embedding-3-small",
    });
  });

  it("refuses a deployment the binding does not list", async () => {
    const { app, tokenRequests } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({ app, resolveTenant: tenants.resolveTenant });

    await expect(factory.chatModel("a", { deployment: "o3" })).rejects.toMatchObject({
      code: "DEPLOYMENT_NOT_ALLOWED",
    });
    expect(tokenRequests).toEqual([]);
  });

  it("stops one caller's wait on abort while the shared look-up goes on", async () => {
    const { app } = recordingApp();
    const tenants = store({ a: record(tenantA) });
    const factory = createTenantModelFactory({ app, resolveTenant: tenants.resolveTenant });
    const controller = new AbortController();

    const aborted = factory.binding("a", { abortSignal: controller.signal });
    const patient = factory.binding("a");
    controller.abort();

    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    await expect(patient).resolves.toMatchObject({ tenantId: tenantA });
    expect(tenants.lookups).toEqual(["a"]);
  });
});
