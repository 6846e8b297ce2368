import { RateLimitError } from "@crosstenant/core";
import { createChatModel, type TenantChatModel } from "@crosstenant/langchain";
import type { FaultOptions, JournalEntry } from "@crosstenant/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Fleet, type FleetTenant, startFleet } from "../support/fleet.js";
import { activeHandleCounts, handlesLeftSince } from "../support/open-handles.js";
import { type CallOutcome, describeOutcome, outcomeOf } from "../support/outcome.js";
import { trackUnhandledRejections } from "../support/unhandled.js";

// The caller's deadline for every call here: generous, since the machines are shared; what is
// checked is that each call ends in a success or a typed error, not how fast.
const deadlineInMs = 15_000;

let fleet: Fleet;
let tenant: FleetTenant;
let baseline: Record<string, number>;
let rejections: ReturnType<typeof trackUnhandledRejections>;

beforeEach(async () => {
  baseline = activeHandleCounts();
  rejections = trackUnhandledRejections();
  fleet = await startFleet({ tenants: 1, journalSize: 10_000 });
  const first = fleet.tenants[0];
  if (!first) throw new Error("the fleet has one tenant");
  tenant = first;
});

afterEach(async () => {
  await fleet.close();
  rejections.stop();
  expect(rejections.reasons).toEqual([]);
  expect(await handlesLeftSince(baseline)).toEqual({});
});

const model = (): TenantChatModel =>
  createChatModel({
    app: fleet.app,
    binding: tenant.binding,
    deployment: fleet.chatDeployment,
    timeout: deadlineInMs,
    initialRetryDelayInMs: 20,
  });

const invoke = (chat: TenantChatModel, prompt: string) =>
  outcomeOf(() => chat.invoke(prompt, { signal: AbortSignal.timeout(deadlineInMs) }));

/** A fault on the tenant's resource (data plane) or, for Entra routes, on its tenant. */
const fault = (options: Omit<FaultOptions, "resource" | "tenantId">) =>
  fleet.mock.faults.add(
    options.route === "chat"
      ? { ...options, resource: tenant.resource }
      : { ...options, tenantId: tenant.tenantId },
  );

/** Journal entries of one route for the tenant, from `since` on. */
const entries = (route: "token" | "chat", since = 0): JournalEntry[] =>
  fleet.mock.journal
    .entries()
    .slice(since)
    .filter((entry) =>
      route === "token"
        ? entry.route === "token" && entry.tenantId === tenant.tenantId
        : entry.route === "chat" && entry.host.startsWith(`${tenant.resource}.`),
    );

const mark = () => fleet.mock.journal.entries().length;

function expectSuccess(outcome: CallOutcome<unknown>) {
  expect(outcome.kind, describeOutcome(outcome)).toBe("success");
}

function expectTyped(outcome: CallOutcome<unknown>, codes: readonly string[]) {
  expect(outcome.kind, describeOutcome(outcome)).toBe("typed");
  if (outcome.kind === "typed") expect(codes).toContain(outcome.code);
}

describe("token endpoint down or slow for a window", () => {
  it("keeps serving the held token while Entra ID is down, and recovers afterwards", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "before the outage"));
    const since = mark();

    const outage = fault({ route: "token", effect: { type: "outage" } });
    for (let call = 0; call < 5; call++) expectSuccess(await invoke(chat, `during ${call}`));
    expect(entries("token", since)).toEqual([]);

    fleet.app.invalidate(tenant.tenantId);
    expectTyped(await invoke(chat, "no token held, Entra down"), [
      "AUTHORITY_UNREACHABLE",
      "TOKEN_REQUEST_FAILED",
    ]);
    expect(outage.hits).toBeGreaterThan(0);

    outage.remove();
    expectSuccess(await invoke(chat, "after the outage"));
    expect(entries("token", since).at(-1)?.status).toBe(200);
  });

  it("serves the held token at once while the token endpoint is slow", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "warm"));
    const since = mark();

    const slow = fault({
      route: "token",
      effect: { type: "latency", latencyInMs: 60_000 },
    });
    for (let call = 0; call < 5; call++) expectSuccess(await invoke(chat, `slow ${call}`));
    expect(slow.hits).toBe(0);
    expect(entries("token", since)).toEqual([]);
  });

  it("ends a call at the caller's deadline while the token endpoint hangs, then recovers", async () => {
    // The token endpoint answers long after the caller's deadline (but within the test's time).
    const slow = fault({ route: "token", effect: { type: "latency", latencyInMs: 5_000 } });
    const chat = model();

    const outcome = await outcomeOf(() =>
      chat.invoke("nobody answers in time", { signal: AbortSignal.timeout(300) }),
    );
    const answeredBeforeTheCallEnded = entries("token").length;

    expectTyped(outcome, ["ABORTED", "TIMEOUT"]);
    expect(slow.hits).toBe(1);
    expect(answeredBeforeTheCallEnded).toBe(0);
    slow.remove();
    expectSuccess(await invoke(model(), "after the slow window"));
  });
});

describe("throttling and transient failures of the resource", () => {
  it.each([
    ["retry-after-ms only", { "retry-after-ms": "30" }],
    ["retry-after only", { "retry-after": "1" }],
    ["both", { "retry-after-ms": "30", "retry-after": "1" }],
  ])("rides out a 429 storm with %s", async (_name, headers) => {
    const chat = model();
    expectSuccess(await invoke(chat, "warm"));
    const since = mark();

    fault({ route: "chat", count: 3, effect: { type: "status", status: 429, headers } });
    expectSuccess(await invoke(chat, "through the storm"));

    expect(entries("chat", since).map((entry) => entry.status)).toEqual([429, 429, 429, 200]);
  });

  it("gives up on an endless 429 storm with a RateLimitError after a bounded number of attempts", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "warm"));
    const since = mark();

    fault({
      route: "chat",
      effect: { type: "status", status: 429, headers: { "retry-after-ms": "10" } },
    });
    const outcome = await invoke(chat, "into the storm");

    expectTyped(outcome, ["RATE_LIMITED"]);
    if (outcome.kind === "typed") expect(outcome.error).toBeInstanceOf(RateLimitError);
    expect(entries("chat", since)).toHaveLength(5);
  });

  it("does not wait when a 429 asks for longer than the ceiling, and says how long to wait", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "warm"));
    const since = mark();

    fault({
      route: "chat",
      effect: { type: "status", status: 429, headers: { "retry-after": "3600" } },
    });
    const outcome = await invoke(chat, "asked to wait an hour");

    expectTyped(outcome, ["RATE_LIMITED"]);
    if (outcome.kind === "typed") {
      expect((outcome.error as RateLimitError).retryAfterMs).toBe(3_600_000);
    }
    expect(entries("chat", since)).toHaveLength(1);
  });

  it.each([500, 502, 503, 504])("rides out a burst of %i answers", async (status) => {
    const chat = model();
    const since = mark();

    fault({ route: "chat", count: 3, effect: { type: "status", status } });
    expectSuccess(await invoke(chat, `through ${status}s`));

    expect(entries("chat", since).map((entry) => entry.status)).toEqual([
      status,
      status,
      status,
      200,
    ]);
  });

  it("ends an endless 503 with a typed error after a bounded number of attempts", async () => {
    const chat = model();
    const since = mark();

    fault({ route: "chat", effect: { type: "status", status: 503 } });
    const outcome = await invoke(chat, "into the outage");

    expectTyped(outcome, ["SERVICE_UNAVAILABLE"]);
    expect(entries("chat", since)).toHaveLength(5);
  });

  it("rides out connection resets", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "warm"));
    const since = mark();

    fault({ route: "chat", count: 2, effect: { type: "reset" } });
    expectSuccess(await invoke(chat, "through resets"));

    expect(entries("chat", since).map((entry) => entry.status)).toEqual([0, 0, 200]);
  });

  it("ends endless connection resets with a typed error after a bounded number of attempts", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "warm"));
    const since = mark();

    fault({ route: "chat", effect: { type: "reset" } });
    const outcome = await invoke(chat, "into resets");

    expectTyped(outcome, ["CONNECTION_FAILED"]);
    expect(entries("chat", since)).toHaveLength(5);
  });

  it("ends a stream cut mid-way with a typed error, not a hang or a silent truncation", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "warm"));

    fault({ route: "chat", count: 1, effect: { type: "cutStream", afterChunks: 2 } });
    const received: string[] = [];
    const outcome = await outcomeOf(async () => {
      const stream = await chat.stream("a long answer that will be cut", {
        signal: AbortSignal.timeout(deadlineInMs),
      });
      for await (const chunk of stream) received.push(String(chunk.content));
    });

    expectTyped(outcome, ["CONNECTION_FAILED"]);
    expectSuccess(await invoke(chat, "the next call is whole"));
  });
});

describe("credentials and permissions changing while running", () => {
  it("renews the token once after a signing-key rotation and succeeds", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "before the rotation"));
    const since = mark();

    await fleet.mock.scenario.rotateSigningKey(tenant.tenantId);
    expectSuccess(await invoke(chat, "after the rotation"));

    expect(entries("chat", since).map((entry) => entry.status)).toEqual([401, 200]);
    expect(entries("token", since).map((entry) => entry.status)).toEqual([200]);
  });

  it("retries a revoked token exactly once, then reports it typed without looping", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "before the revocation"));
    const since = mark();

    // Every token the tenant issues is refused from now on, as after a key compromise.
    fault({
      route: "chat",
      effect: {
        type: "status",
        status: 401,
        body: { statusCode: 401, message: "Unauthorized. Access token is missing, invalid." },
      },
    });
    const outcome = await invoke(chat, "with a revoked token");

    expectTyped(outcome, ["TOKEN_REJECTED"]);
    expect(entries("chat", since)).toHaveLength(2);
    expect(entries("token", since)).toHaveLength(1);
  });

  it("reports a role removed while running as ROLE_MISSING, with no retry", async () => {
    const chat = model();
    expectSuccess(await invoke(chat, "before the removal"));
    const since = mark();

    fleet.mock.scenario.removeRole(tenant.resource, tenant.principalId);
    const outcome = await invoke(chat, "after the removal");

    expectTyped(outcome, ["ROLE_MISSING"]);
    expect(entries("chat", since).map((entry) => entry.decision)).toEqual(["PermissionDenied"]);
    expect(entries("token", since)).toEqual([]);
  });

  it.each([300, -300])(
    "works with the mock's clock skewed by %i seconds",
    async (skewInSeconds) => {
      fleet.mock.faults.add({ effect: { type: "clockSkew", skewInSeconds } });
      const chat = model();

      expectSuccess(await invoke(chat, "with a skewed clock"));
      expectSuccess(await invoke(chat, "again"));

      expect(entries("token").map((entry) => entry.status)).toEqual([200]);
    },
  );
});
