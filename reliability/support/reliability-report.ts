import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";

/** What the load run measured; written to RELIABILITY.md by the full profile. */
export interface LoadFigures {
  readonly profile: string;
  readonly seed: number;
  readonly calls: number;
  readonly tenants: number;
  readonly concurrency: number;
  /** Calls before the measured run: two per tenant, then a quarter of the run's mix. */
  readonly warmUpCalls: number;
  /** Faults injected during the warm-up (not in `faultsInjected`). */
  readonly warmUpFaults: number;
  readonly faultsInjected: Readonly<Record<string, number>>;
  readonly successes: number;
  readonly typedFailures: Readonly<Record<string, number>>;
  readonly untypedFailures: number;
  readonly dataPlaneRequests: number;
  readonly tokenRequests: number;
  readonly tokenRefreshes: number;
  /** Token acquisitions for a caller that had no usable token (first call, or after invalidation). */
  readonly tokenMisses: number;
  /** Misses of a tenant whose previous token had run out (idle past its life). */
  readonly tokenReacquisitionsAfterExpiry: number;
  /** Misses while the tenant's previous token was still usable: must be 0. */
  readonly tokenPrematureReacquisitions: number;
  /** Failed token requests, by trigger and code. */
  readonly tokenFailures: Readonly<Record<string, number>>;
  /** Statuses of the token requests in the journal. */
  readonly tokenStatuses: Readonly<Record<string, number>>;
  /** Statuses of the data-plane requests in the journal (0: connection reset). */
  readonly dataPlaneStatuses: Readonly<Record<string, number>>;
  readonly crossTenantPresentations: number;
  readonly heapAfterWarmUpInBytes: number;
  readonly heapAfterRunInBytes: number;
  /** Heap after warm-up, then after each quarter of the run. */
  readonly heapCheckpointsInBytes: readonly number[];
  readonly p50InMs: number;
  readonly p99InMs: number;
  readonly durationInMs: number;
}

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const milliseconds = (value: number) => `${value.toFixed(1)} ms`;
const thousands = (value: number) => value.toLocaleString("en-US");
const listed = (record: Readonly<Record<string, number>>) =>
  Object.entries(record).length === 0
    ? "none"
    : Object.entries(record)
        .map(([name, count]) => `${name} ${thousands(count)}`)
        .join(", ");

/** The Markdown of RELIABILITY.md for one load run. */
export function renderReliabilityReport(figures: LoadFigures, date: Date = new Date()): string {
  const faultTotal = Object.values(figures.faultsInjected).reduce((sum, count) => sum + count, 0);
  const heapRatio = figures.heapAfterRunInBytes / figures.heapAfterWarmUpInBytes;
  const bound = figures.tenants + figures.tokenRefreshes + figures.tokenReacquisitionsAfterExpiry;
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const rows: [string, string, string][] = [
    [
      "calls",
      thousands(figures.calls),
      `across ${thousands(figures.tenants)} tenants, ${figures.concurrency} in flight`,
    ],
    [
      "warm-up, not counted below",
      `${thousands(figures.warmUpCalls)} calls`,
      `two per tenant (first token, first refresh), then a quarter of the run's mix with ${thousands(figures.warmUpFaults)} faults`,
    ],
    ["transient faults injected", thousands(faultTotal), listed(figures.faultsInjected)],
    ["successes", thousands(figures.successes), "every call that could succeed must"],
    ["typed failures", listed(figures.typedFailures), "by code"],
    ["untyped failures", thousands(figures.untypedFailures), "must be 0"],
    [
      "data-plane requests",
      thousands(figures.dataPlaneRequests),
      `whole run, warm-up included; attempts with retries; statuses: ${listed(figures.dataPlaneStatuses)}`,
    ],
    [
      "token requests",
      thousands(figures.tokenRequests),
      `whole run, warm-up included; bound: tenants + refreshes + re-acquisitions after expiry = ${thousands(figures.tenants)} + ${thousands(figures.tokenRefreshes)} + ${thousands(figures.tokenReacquisitionsAfterExpiry)} = ${thousands(bound)}`,
    ],
    [
      "token acquisitions reported by the app",
      `${thousands(figures.tokenMisses)} misses, ${thousands(figures.tokenRefreshes)} refreshes`,
      `failures: ${listed(figures.tokenFailures)}; journal statuses: ${listed(figures.tokenStatuses)}; premature re-acquisitions (must be 0): ${thousands(figures.tokenPrematureReacquisitions)}`,
    ],
    [
      "tokens presented to another tenant's resource",
      thousands(figures.crossTenantPresentations),
      "must be 0",
    ],
    [
      "heap after the run / after warm-up",
      `${heapRatio.toFixed(2)}×`,
      `${megabytes(figures.heapAfterRunInBytes)} / ${megabytes(figures.heapAfterWarmUpInBytes)}; goal ≤ 1.2×`,
    ],
    [
      "heap after warm-up, then after each quarter",
      figures.heapCheckpointsInBytes.map(megabytes).join(" → "),
      "full collections before each reading",
    ],
    ["call latency p50", milliseconds(figures.p50InMs), "reported, not asserted"],
    ["call latency p99", milliseconds(figures.p99InMs), "reported, not asserted"],
    [
      "duration",
      `${(figures.durationInMs / 1000).toFixed(1)} s`,
      "the measured run, after warm-up",
    ],
  ];
  return [
    "# Reliability",
    "",
    "Written by the full profile of the reliability suite:",
    "",
    "```sh",
    "pnpm build && pnpm test:reliability   # RELIABILITY_PROFILE=full vitest run --project reliability",
    "```",
    "",
    `- Date: ${date.toISOString()}`,
    `- Machine: ${cpu}, ${cpus().length} cores, Node ${process.version} (${process.platform} ${process.arch})`,
    `- Profile: ${figures.profile}; seed ${figures.seed} (replay with RELIABILITY_SEED=${figures.seed})`,
    "",
    "## Load with transient faults",
    "",
    "`reliability/test/load.test.ts`: LangChain chat calls through `createTenantModelFactory` to the",
    "mock Azure OpenAI on loopback, each tenant with its own resource and its own token, while",
    "injected faults (429 with `retry-after-ms`, 500, 503, connection resets) hit a share of the",
    "calls. Token requests and cross-tenant presentations are counted in the mock's journal; the heap",
    "is measured after full collections: after the warm-up (every tenant's first call and first",
    "token refresh, then a quarter of the run's mix), then after each quarter of the run.",
    "",
    "| figure | value | note |",
    "|---|---|---|",
    ...rows.map(([figure, value, note]) => `| ${figure} | ${value} | ${note} |`),
    "",
    "Latency and duration depend on the machine and its load: they are reported, never asserted.",
    "The other figures are asserted by the test (see its expectations).",
    "",
  ].join("\n");
}

/** Writes RELIABILITY.md at the repository root. */
export function writeReliabilityReport(figures: LoadFigures): string {
  const file = path.resolve(import.meta.dirname, "../../RELIABILITY.md");
  writeFileSync(file, renderReliabilityReport(figures));
  return file;
}
