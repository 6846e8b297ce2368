import { randomUUID } from "node:crypto";
import {
  createPlatformApp,
  OperationCancelledError,
  type PlatformAppOptions,
  readTokenClaims,
  TokenAcquisitionError,
  type TokenEvent,
} from "@crosstenant/core";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTokenCredential, fakeJwt, sleep, until } from "./fake-token-credential.js";

const clientId = "5a1c0b2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const homeTenantId = "0e1d2c3b-4a59-4867-9564-738291a0b1c2";
const tenantA = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const tenantB = "9a8b7c6d-5e4f-4321-8fed-cba987654321";
const scope = "https://cognitiveservices.azure.com/.default";

const apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function setup(
  options: Partial<PlatformAppOptions> & { cache?: PlatformAppOptions["cache"] } = {},
) {
  const credential = new FakeTokenCredential();
  const events: TokenEvent[] = [];
  const app = createPlatformApp({
    clientId,
    homeTenantId,
    credential,
    onEvent: (event) => events.push(event),
    ...options,
    cache: { refreshJitterInMs: 0, ...options.cache },
  });
  apps.push(app);
  return { app, credential, events };
}

const tidOf = (token: string) => readTokenClaims(token)?.tenantId;

describe("token source: cache", () => {
  it("answers repeated calls from the cache with a single token request", async () => {
    const { app, credential } = setup();
    const provider = app.tokenProvider(tenantA);

    const tokens = [];
    for (let call = 0; call < 50; call++) tokens.push(await provider());

    expect(new Set(tokens).size).toBe(1);
    expect(credential.calls).toHaveLength(1);
    expect(credential.calls[0]).toMatchObject({ scope, tenantId: tenantA });
  });

  it("keeps one token per tenant and per scope, each issued by its own tenant", async () => {
    const { app, credential } = setup();
    const armScope = "https://management.azure.com/.default";

    const a = await app.getToken(tenantA);
    const b = await app.getToken(tenantB);
    const aArm = await app.getToken(tenantA, { scope: armScope });

    expect(tidOf(a.token)).toBe(tenantA);
    expect(tidOf(b.token)).toBe(tenantB);
    expect(aArm).toMatchObject({ tenantId: tenantA, scope: armScope });
    expect(aArm.token).not.toBe(a.token);
    expect(credential.calls.map((call) => [call.tenantId, call.scope])).toEqual([
      [tenantA, scope],
      [tenantB, scope],
      [tenantA, armScope],
    ]);
  });

  it("shares one request among concurrent first calls (single flight)", async () => {
    const { app, credential } = setup();
    credential.hold();
    const provider = app.tokenProvider(tenantA);

    const pending = Array.from({ length: 500 }, () => provider());
    await until(() => credential.calls.length > 0);
    credential.open();
    const tokens = await Promise.all(pending);

    expect(credential.calls).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it("lowercases a tenant id given in upper case before asking for its token", async () => {
    const { app, credential } = setup();

    const held = await app.getToken(tenantA.toUpperCase());

    expect(held.tenantId).toBe(tenantA);
    expect(credential.calls[0]?.tenantId).toBe(tenantA);
  });

  it("fetches a fresh token after invalidate", async () => {
    const { app, credential } = setup();
    const first = await app.getToken(tenantA);

    app.invalidate(tenantA);
    const second = await app.getToken(tenantA);

    expect(second.token).not.toBe(first.token);
    expect(credential.calls).toHaveLength(2);
  });
});

describe("token source: refresh", () => {
  it("refreshes ahead of expiry in the background while callers keep the held token", async () => {
    const { app, credential, events } = setup({ cache: { refreshBeforeExpiryInMs: 4_000 } });
    credential.defaultLifetimeInMs = 6_000;
    const provider = app.tokenProvider(tenantA);
    const first = await provider();

    await sleep(2_100);
    credential.hold();
    const duringRefresh = await provider();
    await until(() => credential.calls.length === 2);
    const stillDuringRefresh = await provider();
    credential.open();
    await until(() => events.filter((event) => event.type === "token-acquired").length === 2);
    const afterRefresh = await provider();

    expect(duringRefresh).toBe(first);
    expect(stillDuringRefresh).toBe(first);
    expect(afterRefresh).not.toBe(first);
    expect(tidOf(afterRefresh)).toBe(tenantA);
    expect(events.map((event) => event.type === "token-acquired" && event.trigger)).toEqual([
      "miss",
      "refresh",
    ]);
  });

  it("keeps serving the held token when a refresh fails, and retries after a backoff", async () => {
    const { app, credential, events } = setup({
      cache: { refreshBeforeExpiryInMs: 6_000, minRetryDelayInMs: 200, maxRetryDelayInMs: 400 },
    });
    credential.defaultLifetimeInMs = 8_000;
    const provider = app.tokenProvider(tenantA);
    const first = await provider();

    await sleep(2_100);
    credential.reply({ error: new Error("token service unavailable") });
    expect(await provider()).toBe(first);
    await until(() => events.some((event) => event.type === "token-failed"));
    const failed = events.find((event) => event.type === "token-failed");
    const callsAfterFailure = credential.calls.length;
    expect(await provider()).toBe(first);
    expect(credential.calls).toHaveLength(callsAfterFailure);

    await sleep(450);
    expect(await provider()).toBe(first);
    await until(() => events.filter((event) => event.type === "token-acquired").length === 2);

    expect(failed).toMatchObject({ trigger: "refresh", code: "TOKEN_REQUEST_FAILED" });
    expect(failed?.type === "token-failed" && failed.retryAfterInMs).toBeGreaterThanOrEqual(100);
    expect(credential.calls).toHaveLength(3);
    expect(await provider()).not.toBe(first);
  });

  it("doubles the backoff after each failed refresh, up to the maximum", async () => {
    const { app, credential, events } = setup({
      cache: { refreshBeforeExpiryInMs: 9_000, minRetryDelayInMs: 100, maxRetryDelayInMs: 200 },
    });
    credential.defaultLifetimeInMs = 12_000;
    const provider = app.tokenProvider(tenantA);
    await provider();
    credential.reply(
      ...Array.from({ length: 3 }, () => ({ error: new Error("token service unavailable") })),
    );

    await sleep(3_100);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await provider();
      await until(() => events.filter((event) => event.type === "token-failed").length === attempt);
      await sleep(210);
    }

    const delays = events.flatMap((event) =>
      event.type === "token-failed" ? [event.retryAfterInMs ?? -1] : [],
    );
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[2]).toBeLessThanOrEqual(200);
  }, 15_000);
});

describe("token source: failures", () => {
  it("rejects a caller with a typed error when no token is held, and tries again next call", async () => {
    const { app, credential, events } = setup();
    credential.reply({ error: new Error("AADSTS700016: application not found in the directory") });

    const failure = await app.getToken(tenantA).catch((error: unknown) => error);
    const retried = await app.getToken(tenantA);

    expect(failure).toBeInstanceOf(TokenAcquisitionError);
    expect(failure).toMatchObject({ tenantId: tenantA });
    expect(String((failure as Error).message)).toContain(tenantA);
    expect(retried.tenantId).toBe(tenantA);
    expect(events[0]).toMatchObject({ type: "token-failed", trigger: "miss", tenantId: tenantA });
  });

  it("refuses a token issued by another tenant and never hands it out", async () => {
    const { app, credential } = setup();
    credential.reply({ lifetimeInMs: 3_600_000, tid: homeTenantId });

    const failure = await app
      .tokenProvider(tenantA)()
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TokenAcquisitionError);
    expect(failure).toMatchObject({ code: "TOKEN_TENANT_MISMATCH", tenantId: tenantA });
    expect((failure as Error).message).toContain(homeTenantId);
    expect((failure as Error).message).toContain("AZURE_IDENTITY_DISABLE_MULTITENANTAUTH");
    expect(tidOf(await app.tokenProvider(tenantA)())).toBe(tenantA);
  });

  it("refuses a token that is not a JWT, unless allowOpaqueTokens is set", async () => {
    const strict = setup();
    strict.credential.reply({ token: "opaque-token-value", lifetimeInMs: 60_000 });
    const lenient = setup({ allowOpaqueTokens: true });
    lenient.credential.reply({ token: "opaque-token-value", lifetimeInMs: 60_000 });

    const failure = await strict.app.getToken(tenantA).catch((error: unknown) => error);
    const accepted = await lenient.app.getToken(tenantA);

    expect(failure).toMatchObject({ code: "TOKEN_TENANT_MISMATCH" });
    expect((failure as Error).message).not.toContain("opaque-token-value");
    expect(accepted.token).toBe("opaque-token-value");
  });

  it("stops waiting for an aborted caller while the shared request goes on for the others", async () => {
    const { app, credential } = setup();
    credential.hold();
    const controller = new AbortController();

    const aborted = app.getToken(tenantA, { abortSignal: controller.signal });
    const patient = app.getToken(tenantA);
    await until(() => credential.calls.length === 1);
    controller.abort();
    const failure = await aborted.catch((error: unknown) => error);
    credential.open();
    const held = await patient;

    expect(failure).toBeInstanceOf(OperationCancelledError);
    expect(failure).toMatchObject({ code: "ABORTED", tenantId: tenantA });
    expect(held.tenantId).toBe(tenantA);
    expect(credential.calls).toHaveLength(1);
    expect(credential.calls[0]?.abortSignal?.aborted).toBe(false);
  });

  it("rejects at once when the caller's signal is already aborted", async () => {
    const { app, credential } = setup();

    const failure = await app
      .getToken(tenantA, { abortSignal: AbortSignal.abort() })
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: "ABORTED" });
    expect(credential.calls).toHaveLength(0);
  });

  it("times out a request that never answers and aborts the credential's signal", async () => {
    const { app, credential, events } = setup({ tokenRequestTimeoutInMs: 100 });
    credential.reply({ never: true });

    const failure = await app.getToken(tenantA).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OperationCancelledError);
    expect(failure).toMatchObject({ code: "TIMEOUT", tenantId: tenantA });
    expect((failure as Error).message).toContain("tokenRequestTimeoutInMs");
    expect(credential.calls[0]?.abortSignal?.aborted).toBe(true);
    expect(events[0]).toMatchObject({ type: "token-failed", code: "TIMEOUT" });
  });
});

describe("token source: eviction and close", () => {
  it("drops a tenant left idle longer than idleTimeoutInMs", async () => {
    const { app, credential, events } = setup({ cache: { idleTimeoutInMs: 40 } });
    await app.getToken(tenantA);

    await until(() => events.some((event) => event.type === "tenant-evicted"));
    await app.getToken(tenantA);

    expect(events.find((event) => event.type === "tenant-evicted")).toMatchObject({
      tenantId: tenantA,
      scope,
      reason: "idle",
    });
    expect(credential.calls).toHaveLength(2);
  });

  it("drops the least recently used tenant when maxTenants is reached", async () => {
    const { app, credential, events } = setup({ cache: { maxTenants: 2 } });
    const tenantC = randomUUID();

    await app.getToken(tenantA);
    await app.getToken(tenantB);
    await app.getToken(tenantC);
    await app.getToken(tenantB);

    expect(events.filter((event) => event.type === "tenant-evicted")).toEqual([
      { type: "tenant-evicted", tenantId: tenantA, scope, reason: "capacity" },
    ]);
    expect(credential.calls.map((call) => call.tenantId)).toEqual([tenantA, tenantB, tenantC]);
  });

  it("fetches again through a provider whose tenant was evicted", async () => {
    const { app, credential } = setup({ cache: { maxTenants: 1 } });
    const providerA = app.tokenProvider(tenantA);

    const first = await providerA();
    await app.getToken(tenantB);
    const second = await providerA();

    expect(second).not.toBe(first);
    expect(tidOf(second)).toBe(tenantA);
    expect(credential.calls.map((call) => call.tenantId)).toEqual([tenantA, tenantB, tenantA]);
  });

  it("after close, aborts requests in flight and refuses every later call with CLOSED", async () => {
    const { app, credential } = setup();
    const provider = app.tokenProvider(tenantA);
    credential.reply({ never: true });
    const inflight = app.getToken(tenantA).catch((error: unknown) => error);
    await until(() => credential.calls.length === 1);

    await app.close();

    expect(await inflight).toMatchObject({ code: "CLOSED" });
    expect(credential.calls[0]?.abortSignal?.aborted).toBe(true);
    await expect(provider()).rejects.toMatchObject({ code: "CLOSED" });
    await expect(app.getToken(tenantB)).rejects.toBeInstanceOf(OperationCancelledError);
  });
});

describe("token events", () => {
  it("reports each acquisition with its tenant, trigger, duration and expiry, never the token", async () => {
    const { app, events } = setup();

    const held = await app.getToken(tenantA);

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "token-acquired",
      tenantId: tenantA,
      scope,
      trigger: "miss",
      expiresOnTimestamp: held.expiresOnTimestamp,
    });
    expect(events[0]?.type === "token-acquired" && events[0].durationInMs).toBeGreaterThanOrEqual(
      0,
    );
    expect(JSON.stringify(events)).not.toContain(held.token);
  });

  it("keeps working when the onEvent listener throws", async () => {
    const { app } = setup({
      onEvent: () => {
        throw new Error("listener failure");
      },
    });

    const held = await app.getToken(tenantA);

    expect(held.tenantId).toBe(tenantA);
  });
});

describe("readTokenClaims", () => {
  it("reads tid (lowercased), exp, aud and appid without verifying the signature", () => {
    const token = fakeJwt({ tid: tenantA.toUpperCase(), exp: 2_000_000_000 });

    expect(readTokenClaims(token)).toEqual({
      tenantId: tenantA,
      expiresOnTimestamp: 2_000_000_000_000,
      audience: "https://cognitiveservices.azure.com",
      appId: undefined,
    });
  });

  it("returns undefined for values that are not JWTs", () => {
    for (const value of ["", "opaque", "a.b", "a.b.c.d", "e30.bm90IGpzb24.c2ln", ".e30.c2ln"]) {
      expect(readTokenClaims(value)).toBeUndefined();
    }
  });
});
