/**
 * How a tenant's model retries a failed HTTP attempt. All of it happens in one place (the tenant
 * fetch), below LangChain and the openai client, which are both built with zero retries so the
 * attempts never multiply.
 */
export interface RetryOptions {
  /**
   * Retries after a throttled (429), transient (408, 500, 502, 503, 504) or dropped attempt.
   * The one extra attempt made with a fresh token after a rejected token is not counted.
   * Default 4.
   */
  readonly maxRetries?: number;
  /**
   * First backoff delay when the service does not say how long to wait; it doubles on each retry,
   * with full jitter. Default 500 ms.
   */
  readonly initialRetryDelayInMs?: number;
  /**
   * Ceiling of any single wait. A 429 whose `retry-after-ms`, `x-ms-retry-after-ms` or
   * `retry-after` asks for longer is not waited for: it reaches the caller as a `RateLimitError`
   * carrying the delay. Default 60 000 ms.
   */
  readonly maxRetryDelayInMs?: number;
}

/** {@link RetryOptions} with every default applied. */
export interface ResolvedRetryOptions {
  readonly maxRetries: number;
  readonly initialRetryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
}

const transientStatuses = new Set([408, 500, 502, 503, 504]);

/** Applies the defaults of {@link RetryOptions}; negative or non-finite values become 0. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const nonNegative = (value: number | undefined, fallback: number) =>
    value === undefined ? fallback : Number.isFinite(value) && value > 0 ? value : 0;
  return {
    maxRetries: Math.floor(nonNegative(options.maxRetries, 4)),
    initialRetryDelayInMs: nonNegative(options.initialRetryDelayInMs, 500),
    maxRetryDelayInMs: nonNegative(options.maxRetryDelayInMs, 60_000),
  };
}

/** Whether a response status is worth another attempt with the same request. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || transientStatuses.has(status);
}

/**
 * The delay the service asked for, in milliseconds, from `retry-after-ms`, `x-ms-retry-after-ms`
 * (Azure's millisecond headers) or `retry-after` (seconds, or an HTTP date). Undefined when none
 * is present or parseable.
 */
export function serverRetryDelayInMs(
  headers: Headers,
  now: number = Date.now(),
): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers.get(name);
    if (value === null) continue;
    const milliseconds = Number.parseFloat(value);
    if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  }

  const retryAfter = headers.get("retry-after");
  if (retryAfter === null) return undefined;
  const trimmed = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number.parseFloat(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Exponential backoff with full jitter for retry number `retry` (0 for the first retry), capped
 * by the ceiling. `random` is injectable so the bounds can be tested.
 */
export function backoffDelayInMs(
  retry: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number {
  const exponential = options.initialRetryDelayInMs * 2 ** retry;
  return Math.min(options.maxRetryDelayInMs, exponential) * random();
}
