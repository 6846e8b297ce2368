/**
 * The two sizes of the reliability suite. `RELIABILITY_PROFILE=full` (`pnpm test:reliability`)
 * runs the figures of the issue; anything else runs the short profile that CI runs with every
 * `pnpm test`, the same tests with smaller numbers.
 */
export interface ReliabilityProfile {
  readonly name: "full" | "short";
  /** Calls of the load test. */
  readonly loadCalls: number;
  /** Tenants of the load test. */
  readonly loadTenants: number;
  /** Share of load calls that meet an injected transient fault. */
  readonly loadFaultRate: number;
  /** Calls in flight at once during the load test. */
  readonly loadConcurrency: number;
  /** Tenants of the isolation test. */
  readonly isolationTenants: number;
  /** Randomized interleaved calls of the isolation test. */
  readonly isolationCalls: number;
}

const profiles: Record<ReliabilityProfile["name"], ReliabilityProfile> = {
  full: {
    name: "full",
    loadCalls: 20_000,
    loadTenants: 1_000,
    loadFaultRate: 0.05,
    loadConcurrency: 64,
    isolationTenants: 60,
    isolationCalls: 3_000,
  },
  short: {
    name: "short",
    loadCalls: 2_000,
    loadTenants: 100,
    loadFaultRate: 0.05,
    loadConcurrency: 32,
    isolationTenants: 12,
    isolationCalls: 400,
  },
};

/** The profile this run uses. */
export const profile: ReliabilityProfile =
  process.env.RELIABILITY_PROFILE === "full" ? profiles.full : profiles.short;
