import { describe, expect, it } from "vitest";
import {
  backoffDelayInMs,
  isRetryableStatus,
  resolveRetryOptions,
  serverRetryDelayInMs,
} from "../src/retry-policy.js";

describe("serverRetryDelayInMs", () => {
  it("reads retry-after-ms as milliseconds", () => {
    expect(serverRetryDelayInMs(new Headers({ "retry-after-ms": "250" }))).toBe(250);
  });

  it("reads Azure's x-ms-retry-after-ms as milliseconds", () => {
    expect(serverRetryDelayInMs(new Headers({ "x-ms-retry-after-ms": "1200" }))).toBe(1200);
  });

  it("reads retry-after in seconds", () => {
    expect(serverRetryDelayInMs(new Headers({ "retry-after": "3" }))).toBe(3000);
  });

  it("reads retry-after as an HTTP date relative to now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const headers = new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" });
    expect(serverRetryDelayInMs(headers, now)).toBe(5000);
  });

  it("prefers the millisecond headers over retry-after", () => {
    const headers = new Headers({ "retry-after": "10", "retry-after-ms": "40" });
    expect(serverRetryDelayInMs(headers)).toBe(40);
  });

  it("ignores values that are not numbers or dates", () => {
    expect(serverRetryDelayInMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(serverRetryDelayInMs(new Headers({ "retry-after-ms": "-5" }))).toBeUndefined();
    expect(serverRetryDelayInMs(new Headers())).toBeUndefined();
  });
});

describe("isRetryableStatus", () => {
  it("retries throttling and transient server failures only", () => {
    for (const status of [408, 429, 500, 502, 503, 504])
      expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 501]) expect(isRetryableStatus(status)).toBe(false);
  });
});

describe("backoffDelayInMs", () => {
  const options = resolveRetryOptions({ initialRetryDelayInMs: 100, maxRetryDelayInMs: 1000 });

  it("doubles the upper bound with each retry", () => {
    expect(backoffDelayInMs(0, options, () => 1)).toBe(100);
    expect(backoffDelayInMs(2, options, () => 1)).toBe(400);
  });

  it("never exceeds the ceiling", () => {
    expect(backoffDelayInMs(10, options, () => 1)).toBe(1000);
  });

  it("jitters down to zero", () => {
    expect(backoffDelayInMs(3, options, () => 0)).toBe(0);
  });
});

describe("resolveRetryOptions", () => {
  it("applies the documented defaults", () => {
    expect(resolveRetryOptions()).toEqual({
      maxRetries: 4,
      initialRetryDelayInMs: 500,
      maxRetryDelayInMs: 60_000,
    });
  });

  it("turns negative or non-finite values into zero", () => {
    expect(resolveRetryOptions({ maxRetries: -1, maxRetryDelayInMs: Number.NaN })).toMatchObject({
      maxRetries: 0,
      maxRetryDelayInMs: 0,
    });
  });
});
