import { ClientSecretCredential } from "@azure/identity";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import { decodeJwt } from "jose";
import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let mock: MockAzure;
let token: string;

beforeAll(async () => {
  mock = await startMockAzure();
  const credential = new ClientSecretCredential(
    mock.defaults.homeTenantId,
    mock.defaults.clientId,
    mock.defaults.clientSecret,
    { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
  );
  const tenantId = mock.defaults.tenants.ready.tenantId;
  token = (await credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId })).token;
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.faults.clear();
  mock.journal.clear();
});

const client = (maxRetries = 0) =>
  new AzureOpenAI({
    endpoint: mock.defaults.tenants.ready.endpoint,
    apiVersion: "2024-10-21",
    deployment: mock.defaults.tenants.ready.deployments.chat,
    azureADTokenProvider: async () => token,
    fetch: mock.fetch,
    maxRetries,
  });
const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };

describe("faults", () => {
  it("answers an injected status once, then recovers (the openai client retries it)", async () => {
    const fault = mock.faults.add({
      route: "chat",
      count: 1,
      effect: { type: "status", status: 503, headers: { "retry-after-ms": "10" } },
    });
    const completion = await client(1).chat.completions.create(hello);

    expect(completion.choices[0]?.message.content).toBe("Echo: hello");
    expect(fault.hits).toBe(1);
    expect(mock.journal.filter({ route: "chat" }).map((entry) => entry.status)).toEqual([503, 200]);
  });

  it("scopes a fault to one resource", async () => {
    mock.faults.add({
      route: "chat",
      resource: "another-resource",
      effect: { type: "status", status: 500 },
    });
    await expect(client().chat.completions.create(hello)).resolves.toBeDefined();
  });

  it("resets the connection", async () => {
    mock.faults.add({ route: "chat", count: 1, effect: { type: "reset" } });
    await expect(client().chat.completions.create(hello)).rejects.toThrow(/Connection error/);
    expect(mock.journal.filter({ route: "chat" }).at(-1)?.decision).toBe("FaultReset");
  });

  it("cuts a stream after a number of chunks", async () => {
    mock.faults.add({ route: "chat", count: 1, effect: { type: "cutStream", afterChunks: 2 } });
    const received: unknown[] = [];
    const consume = async () => {
      const stream = await client().chat.completions.create({ ...hello, stream: true });
      for await (const chunk of stream) received.push(chunk);
    };
    await expect(consume()).rejects.toThrow();
    expect(received).toHaveLength(2);
  });

  it("adds latency to the matching requests only", async () => {
    const fault = mock.faults.add({ route: "token", effect: { type: "latency", latencyInMs: 20 } });
    await client().chat.completions.create(hello);
    expect(fault.hits).toBe(0);
  });

  it("ends a latency fault's delay when the caller goes away, leaving no timer behind", async () => {
    const fault = mock.faults.add({
      route: "chat",
      effect: { type: "latency", latencyInMs: 60_000 },
    });
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout");
    const caller = new AbortController();

    const call = client().chat.completions.create(hello, { signal: caller.signal });
    await expect.poll(() => fault.hits).toBe(1);
    caller.abort();
    await expect(call).rejects.toThrow();

    await expect
      .poll(() => mock.journal.filter({ route: "chat", decision: "ConnectionClosed" }).length)
      .toBe(1);
    const timersAfter = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout");
    expect(timersAfter.length).toBeLessThanOrEqual(timersBefore.length);
  });

  it("takes the token endpoint down with AADSTS90033 during an outage", async () => {
    mock.faults.add({ route: "token", effect: { type: "outage" } });
    const credential = new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      mock.defaults.clientSecret,
      { ...mock.identityOptions(), retryOptions: { maxRetries: 0 } },
    );
    await expect(credential.getToken(mock.cloud.cognitiveServicesScope)).rejects.toThrow();
    expect(mock.journal.filter({ route: "token" }).at(-1)).toMatchObject({
      status: 503,
      decision: "FaultOutage",
    });
  });

  it("issues tokens on a skewed clock", async () => {
    mock.faults.add({ route: "token", effect: { type: "clockSkew", skewInSeconds: -7200 } });
    const credential = new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      mock.defaults.clientSecret,
      mock.identityOptions(),
    );
    const skewed = await credential.getToken(mock.cloud.armScope);
    const claims = decodeJwt(skewed.token);
    const wallClock = Math.floor(Date.now() / 1000);

    expect(wallClock - (claims.iat ?? 0)).toBeGreaterThanOrEqual(7200);
    expect(claims.exp).toBeLessThan(wallClock);
  });

  it("ends a fault after its time window", async () => {
    const fault = mock.faults.add({
      route: "chat",
      durationInMs: 0,
      effect: { type: "status", status: 500 },
    });
    await expect(client().chat.completions.create(hello)).resolves.toBeDefined();
    expect(fault.hits).toBe(0);
  });

  it("removes a fault through its handle", async () => {
    const fault = mock.faults.add({ route: "chat", effect: { type: "status", status: 500 } });
    fault.remove();
    await expect(client().chat.completions.create(hello)).resolves.toBeDefined();
  });
});
