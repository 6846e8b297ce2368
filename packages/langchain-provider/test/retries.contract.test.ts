import {
  CrossTenantError,
  createPlatformApp,
  OperationCancelledError,
  type PlatformApp,
  RateLimitError,
} from "@crosstenant/core";
import { type ChatModelOptions, createChatModel } from "@crosstenant/langchain";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type MockPlatform, startMockPlatform } from "./support/mock-tenants.js";

let platform: MockPlatform;
beforeAll(async () => {
  platform = await startMockPlatform();
});
afterEach(() => {
  platform.mock.faults.clear();
});
afterAll(async () => {
  await platform.close();
});

/** The platform app, with every invalidate() recorded. */
function observedApp() {
  const invalidated: string[] = [];
  const { app } = platform;
  const observed: PlatformApp = {
    clientId: app.clientId,
    homeTenantId: app.homeTenantId,
    cloud: app.cloud,
    tokenProvider: (tenantId, options) => app.tokenProvider(tenantId, options),
    getToken: (tenantId, options) => app.getToken(tenantId, options),
    invalidate: (tenantId, options) => {
      invalidated.push(tenantId);
      app.invalidate(tenantId, options);
    },
    close: () => app.close(),
  };
  return { app: observed, invalidated };
}

const model = (options: Partial<ChatModelOptions> = {}) =>
  createChatModel({
    app: platform.app,
    binding: platform.ready,
    deployment: platform.chat,
    initialRetryDelayInMs: 10,
    ...options,
  });

const chatStatuses = () =>
  platform.mock.journal
    .filter({ route: "chat", host: new URL(platform.ready.endpoint.url).host })
    .map((entry) => entry.status);

const since = <T>(before: readonly T[], after: readonly T[]) => after.slice(before.length);

describe("retries of a tenant chat model", () => {
  it("drops a rejected token and retries once with a fresh one", async () => {
    const { app, invalidated } = observedApp();
    const tenantModel = model({ app });
    await tenantModel.invoke("warm the token cache");
    const tokensBefore = platform.mock.journal.tokenRequestCounts()[platform.ready.tenantId] ?? 0;
    const before = chatStatuses();

    await platform.mock.scenario.rotateSigningKey(platform.ready.tenantId);
    const reply = await tenantModel.invoke("after the key rotation");

    expect(reply.content).toBe("Echo: after the key rotation");
    expect(invalidated).toEqual([platform.ready.tenantId]);
    expect(since(before, chatStatuses())).toEqual([401, 200]);
    expect(platform.mock.journal.tokenRequestCounts()[platform.ready.tenantId]).toBe(
      tokensBefore + 1,
    );
  });

  it.each([
    ["retry-after-ms", "30"],
    ["x-ms-retry-after-ms", "30"],
    ["retry-after", "1"],
  ])("waits as a 429's %s header asks, then succeeds", async (header, value) => {
    platform.mock.faults.add({
      route: "chat",
      count: 1,
      effect: { type: "status", status: 429, headers: { [header]: value } },
    });
    const before = chatStatuses();

    const reply = await model().invoke("throttled once");

    expect(reply.content).toBe("Echo: throttled once");
    expect(since(before, chatStatuses())).toEqual([429, 200]);
  });

  it("fails at once with RateLimitError when the 429 asks for more than the ceiling", async () => {
    platform.mock.faults.add({
      route: "chat",
      effect: { type: "status", status: 429, headers: { "retry-after": "90" } },
    });
    const before = chatStatuses();

    const failure = await model({ maxRetryDelayInMs: 5_000 })
      .invoke("too long")
      .catch((e) => e);

    expect(failure).toBeInstanceOf(RateLimitError);
    expect(failure).toMatchObject({ tenantId: platform.ready.tenantId, retryAfterMs: 90_000 });
    expect(since(before, chatStatuses())).toEqual([429]);
  });

  it("stops retrying at the caller's deadline and reports the throttling", async () => {
    platform.mock.faults.add({
      route: "chat",
      effect: { type: "status", status: 429, headers: { "retry-after-ms": "3000" } },
    });
    const before = chatStatuses();

    const failure = await model({ timeout: 1_000 })
      .invoke("deadline")
      .catch((e) => e);

    expect(failure).toBeInstanceOf(RateLimitError);
    expect(since(before, chatStatuses())).toEqual([429]);
  });

  it("retries transient server errors", async () => {
    platform.mock.faults.add({ route: "chat", count: 2, effect: { type: "status", status: 503 } });
    const before = chatStatuses();

    const reply = await model().invoke("flaky");

    expect(reply.content).toBe("Echo: flaky");
    expect(since(before, chatStatuses())).toEqual([503, 503, 200]);
  });

  it("retries a connection reset", async () => {
    const fault = platform.mock.faults.add({ route: "chat", count: 1, effect: { type: "reset" } });

    const reply = await model().invoke("reset once");

    expect(reply.content).toBe("Echo: reset once");
    expect(fault.hits).toBe(1);
  });

  it("retries the opening of a stream", async () => {
    platform.mock.faults.add({ route: "chat", count: 1, effect: { type: "status", status: 502 } });

    let text = "";
    for await (const chunk of await model().stream("stream after 502"))
      text += String(chunk.content);

    expect(text).toBe("Echo: stream after 502");
  });

  it("fails a stream cut after it started rather than ending it short", async () => {
    platform.mock.faults.add({
      route: "chat",
      count: 1,
      effect: { type: "cutStream", afterChunks: 2 },
    });

    const reading = (async () => {
      let text = "";
      for await (const chunk of await model().stream("one two three four five")) {
        text += String(chunk.content);
      }
      return text;
    })();

    await expect(reading).rejects.toMatchObject({
      code: "CONNECTION_FAILED",
      tenantId: platform.ready.tenantId,
    });
  });

  it("gives up after maxRetries with SERVICE_UNAVAILABLE and the last status", async () => {
    platform.mock.faults.add({ route: "chat", effect: { type: "status", status: 503 } });
    const before = chatStatuses();

    const failure = await model({ maxRetries: 2 })
      .invoke("down")
      .catch((e) => e);

    expect(failure).toBeInstanceOf(CrossTenantError);
    expect(failure).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      status: 503,
      tenantId: platform.ready.tenantId,
    });
    expect(since(before, chatStatuses())).toEqual([503, 503, 503]);
  });

  it("gives up on endless connection resets with CONNECTION_FAILED", async () => {
    const fault = platform.mock.faults.add({ route: "chat", effect: { type: "reset" } });

    const failure = await model({ maxRetries: 2 })
      .invoke("unreachable")
      .catch((e) => e);

    expect(failure).toBeInstanceOf(CrossTenantError);
    expect(failure).toMatchObject({ code: "CONNECTION_FAILED", tenantId: platform.ready.tenantId });
    expect(fault.hits).toBe(3);
  });

  it("ends a call at the model's timeout even while the token request hangs", async () => {
    const { clientId, homeTenantId, clientSecret } = platform.mock.defaults;
    const coldApp = createPlatformApp({
      clientId,
      homeTenantId,
      credential: { kind: "secret", clientSecret },
      cloud: platform.mock.cloud,
    });
    const hanging = platform.mock.faults.add({
      route: "token",
      tenantId: platform.ready.tenantId,
      effect: { type: "latency", latencyInMs: 3_000 },
    });
    try {
      const failure = await model({ app: coldApp, timeout: 300 })
        .invoke("no token in time")
        .catch((e) => e);

      expect(failure).toBeInstanceOf(OperationCancelledError);
      expect(failure).toMatchObject({ code: "TIMEOUT", tenantId: platform.ready.tenantId });
      expect(hanging.hits).toBe(1);
    } finally {
      hanging.remove();
      await coldApp.close();
    }
  });

  it("ends a call that outlives its timeout with OperationCancelledError TIMEOUT", async () => {
    platform.mock.faults.add({ route: "chat", effect: { type: "latency", latencyInMs: 3_000 } });

    const failure = await model({ timeout: 300 })
      .invoke("slow")
      .catch((e) => e);

    expect(failure).toBeInstanceOf(OperationCancelledError);
    expect(failure).toMatchObject({ code: "TIMEOUT", tenantId: platform.ready.tenantId });
  });

  it("ends an aborted call with OperationCancelledError ABORTED", async () => {
    platform.mock.faults.add({ route: "chat", effect: { type: "latency", latencyInMs: 3_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const failure = await model()
      .invoke("abort me", { signal: controller.signal })
      .catch((e) => e);

    expect(failure).toBeInstanceOf(OperationCancelledError);
    expect(failure).toMatchObject({ code: "ABORTED", tenantId: platform.ready.tenantId });
  });
});
