import type { ScenarioResource } from "./scenario.js";

/** Outcome of one request against a resource's requests-per-minute quota. */
export interface QuotaDecision {
  readonly allowed: boolean;
  readonly retryAfterInSeconds: number;
  /** Headers Azure sends with the answer (`x-ratelimit-remaining-*`, and `retry-after*` on 429). */
  readonly headers: Readonly<Record<string, string>>;
}

const windowInMs = 60_000;
// Azure reports remaining tokens too; the mock does not count tokens, so it scales requests.
const tokensPerRequest = 1000;

/** A sliding one-minute window of request times per resource, for `quota.requestsPerMinute`. */
export class RateLimiter {
  readonly #requests = new Map<string, number[]>();

  /** Counts a request at `nowInMs` if the resource's quota allows it. */
  take(resource: ScenarioResource, nowInMs: number): QuotaDecision {
    const limit = resource.quota?.requestsPerMinute;
    if (limit === undefined) return { allowed: true, retryAfterInSeconds: 0, headers: {} };

    const recent = (this.#requests.get(resource.name) ?? []).filter(
      (time) => time > nowInMs - windowInMs,
    );
    this.#requests.set(resource.name, recent);
    if (recent.length >= limit) {
      const oldest = recent[0] ?? nowInMs;
      const retryAfterInMs = Math.max(1, oldest + windowInMs - nowInMs);
      const retryAfterInSeconds = Math.ceil(retryAfterInMs / 1000);
      return {
        allowed: false,
        retryAfterInSeconds,
        headers: {
          "retry-after": String(retryAfterInSeconds),
          "retry-after-ms": String(retryAfterInMs),
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-remaining-tokens": "0",
        },
      };
    }

    recent.push(nowInMs);
    const remaining = limit - recent.length;
    return {
      allowed: true,
      retryAfterInSeconds: 0,
      headers: {
        "x-ratelimit-remaining-requests": String(remaining),
        "x-ratelimit-remaining-tokens": String(remaining * tokensPerRequest),
      },
    };
  }

  /** Forgets every counted request. */
  clear(): void {
    this.#requests.clear();
  }
}
