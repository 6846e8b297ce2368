import { setTimeout as delay } from "node:timers/promises";
import type { TenantBindingInput } from "@crosstenant/core";
import { createTenantModelFactory } from "@crosstenant/langchain";
import type { FaultEffect, FaultHandle } from "@crosstenant/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fleet, reacquisitions, startFleet, tokenEventCounts } from "../support/fleet.js";
import { settledHeapUsed } from "../support/heap.js";
import { JournalTally } from "../support/journal-tally.js";
import { describeOutcome, outcomeOf, quantile } from "../support/outcome.js";
import { profile } from "../support/profile.js";
import { type LoadFigures, writeReliabilityReport } from "../support/reliability-report.js";
import { seededRandom } from "../support/seeded-random.js";

const random = seededRandom();
// Short tokens, so that the run also goes through background refreshes at scale.
const tokenLifetimeInSeconds = 60;

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet({ tenants: profile.loadTenants, tokenLifetimeInSeconds });
}, 600_000);
afterAll(async () => {
  await fleet?.close();
});

/** The transient faults injected, each recoverable by the tenant model's retry policy. */
const transientFaults: readonly { readonly name: string; readonly effect: FaultEffect }[] = [
  {
    name: "429 retry-after-ms",
    effect: { type: "status", status: 429, headers: { "retry-after-ms": "5" } },
  },
  { name: "500", effect: { type: "status", status: 500 } },
  { name: "503", effect: { type: "status", status: 503 } },
  { name: "reset", effect: { type: "reset" } },
];

/** Runs `count` jobs with at most `concurrency` in flight; each job gets its index. */
async function runPool(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

describe(`load (${profile.name} profile)`, () => {
  it(`serves every one of ${profile.loadCalls} calls across ${profile.loadTenants} tenants through transient faults`, async () => {
    const context = `seed ${random.seed} (replay with RELIABILITY_SEED=${random.seed})`;
    const tenants = fleet.tenants;
    const inputs = new Map<string, TenantBindingInput>(
      tenants.map((tenant) => [
        `customer-${tenant.resource}`,
        {
          tenantId: tenant.tenantId,
          endpoint: tenant.binding.endpoint.url,
          deployments: [fleet.chatDeployment],
          cloud: fleet.mock.cloud,
        },
      ]),
    );
    const keys = [...inputs.keys()];
    const resourceOf = new Map(tenants.map((tenant) => [`customer-${tenant.resource}`, tenant]));
    const factory = createTenantModelFactory({
      app: fleet.app,
      resolveTenant: (key) => {
        const input = inputs.get(key);
        if (!input) throw new Error(`no tenant ${key} in the platform's store`);
        return input;
      },
      maxTenants: tenants.length,
      chatDefaults: {
        deployment: fleet.chatDeployment,
        initialRetryDelayInMs: 10,
        maxRetryDelayInMs: 1_000,
        timeout: 60_000,
      },
    });
    const tally = new JournalTally(fleet.mock);
    const call = async (key: string, prompt: string) => {
      const model = await factory.chatModel(key);
      const reply = await model.invoke(prompt);
      if (reply.content !== `Echo: ${prompt}`) {
        throw new Error(`tenant ${key} got another answer than its own`);
      }
    };

    // Warm-up, until every tenant is in the steady state of the run: a first call resolves its
    // binding, builds its model and gets its token; once tokens are past their refresh point
    // (a tenth of their life, with these short tokens), a second call starts each tenant's
    // first background refresh.
    const warmUpFailures: string[] = [];
    const warmUpPass = (pass: number) =>
      runPool(keys.length, profile.loadConcurrency, async (index) => {
        const key = keys[index] ?? "";
        const outcome = await outcomeOf(() => call(key, `warm-up ${pass} ${index}`));
        if (outcome.kind !== "success") warmUpFailures.push(`${key}: ${describeOutcome(outcome)}`);
      });
    await warmUpPass(1);
    await delay(tokenLifetimeInSeconds * 100 + 1_000);
    await warmUpPass(2);
    for (let wait = 0; wait < 300; wait++) {
      if (tokenEventCounts(fleet.events).refreshes >= tenants.length) break;
      await delay(100);
    }
    expect(warmUpFailures, context).toEqual([]);
    tally.drain();

    const faults: { readonly name: string; readonly handle: FaultHandle }[] = [];
    const durations: number[] = [];
    const typedFailures: Record<string, number> = {};
    const untyped: string[] = [];
    let successes = 0;
    let untypedCount = 0;
    const oneCall = async (index: number) => {
      const key = random.pick(keys);
      if (random.next() < profile.loadFaultRate) {
        const fault = random.pick(transientFaults);
        const resource = resourceOf.get(key)?.resource ?? "";
        faults.push({
          name: fault.name,
          handle: fleet.mock.faults.add({
            route: "chat",
            resource,
            count: 1,
            effect: fault.effect,
          }),
        });
      }
      const outcome = await outcomeOf(() => call(key, `call ${index} for ${key}`));
      durations.push(outcome.durationInMs);
      if (outcome.kind === "success") successes += 1;
      else if (outcome.kind === "typed") {
        typedFailures[outcome.code] = (typedFailures[outcome.code] ?? 0) + 1;
      } else {
        untypedCount += 1;
        if (untyped.length < 20) untyped.push(describeOutcome(outcome));
      }
      if (index % 500 === 0) tally.drain();
    };

    // Then a quarter of the run's calls, same mix, faults included, not counted in the figures:
    // connection pools, retry paths and caches reach their working size before the heap is read.
    const quarter = Math.ceil(profile.loadCalls / 4);
    await runPool(quarter, profile.loadConcurrency, (index) => oneCall(profile.loadCalls + index));
    expect({ successes, untyped, typedFailures }, context).toEqual({
      successes: quarter,
      untyped: [],
      typedFailures: {},
    });
    expect(
      faults.every((fault) => fault.handle.hits === 1),
      context,
    ).toBe(true);
    const warmUpFaults = faults.length;
    faults.length = 0;
    durations.length = 0;
    successes = 0;
    tally.drain();
    const heapAfterWarmUpInBytes = await settledHeapUsed();

    // Four quarters with the heap measured after each: steady growth is a leak, a step is not.
    const heapCheckpointsInBytes = [heapAfterWarmUpInBytes];
    let durationInMs = 0;
    for (let first = 0; first < profile.loadCalls; first += quarter) {
      const size = Math.min(quarter, profile.loadCalls - first);
      const started = performance.now();
      await runPool(size, profile.loadConcurrency, (offset) => oneCall(first + offset));
      durationInMs += performance.now() - started;
      tally.drain();
      heapCheckpointsInBytes.push(await settledHeapUsed());
    }
    const heapAfterRunInBytes = heapCheckpointsInBytes.at(-1) ?? 0;

    const faultsInjected: Record<string, number> = {};
    for (const fault of faults) {
      faultsInjected[fault.name] = (faultsInjected[fault.name] ?? 0) + fault.handle.hits;
    }
    const tokenEvents = tokenEventCounts(fleet.events);
    const tokenRefreshes = tokenEvents.refreshes;
    const reacquired = reacquisitions(fleet.events, fleet.eventTimes);
    const figures: LoadFigures = {
      profile: profile.name,
      seed: random.seed,
      calls: profile.loadCalls,
      tenants: tenants.length,
      concurrency: profile.loadConcurrency,
      warmUpCalls: 2 * tenants.length + quarter,
      warmUpFaults,
      faultsInjected,
      successes,
      typedFailures,
      untypedFailures: untypedCount,
      dataPlaneRequests: tally.dataPlaneRequests,
      tokenRequests: tally.tokenRequests,
      tokenRefreshes,
      tokenMisses: tokenEvents.misses,
      tokenReacquisitionsAfterExpiry: reacquired.afterExpiry,
      tokenPrematureReacquisitions: reacquired.premature,
      tokenFailures: tokenEvents.failures,
      tokenStatuses: Object.fromEntries(tally.tokenStatuses),
      dataPlaneStatuses: Object.fromEntries(tally.dataPlaneStatuses),
      crossTenantPresentations: tally.crossTenant.length,
      heapAfterWarmUpInBytes,
      heapAfterRunInBytes,
      heapCheckpointsInBytes,
      p50InMs: quantile(durations, 0.5),
      p99InMs: quantile(durations, 0.99),
      durationInMs,
    };
    if (profile.name === "full") writeReliabilityReport(figures);

    expect(untyped, context).toEqual([]);
    expect(typedFailures, context).toEqual({});
    expect(successes, context).toBe(profile.loadCalls);
    expect(
      faults.every((fault) => fault.handle.hits === 1),
      context,
    ).toBe(true);
    expect(tally.crossTenant, context).toEqual([]);
    expect(tally.tokenRequestsByTenant.size, context).toBe(tenants.length);
    // One request per tenant, one per refresh, and one more only where a tenant sat idle past
    // its token's life; none while a usable token was held; none the app did not account for.
    expect(reacquired.premature, context).toBe(0);
    expect(tally.tokenRequests, context).toBeLessThanOrEqual(
      tenants.length + tokenRefreshes + reacquired.afterExpiry,
    );
    expect(tally.tokenRequests, context).toBe(
      tokenEvents.misses +
        tokenRefreshes +
        Object.values(tokenEvents.failures).reduce((a, b) => a + b, 0),
    );
    expect(heapAfterRunInBytes / heapAfterWarmUpInBytes, context).toBeLessThanOrEqual(1.2);
  }, 900_000);
});
