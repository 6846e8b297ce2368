import { describe, expect, it } from "vitest";
import { withTimeout } from "../src/checklist/probes.js";

const never = () => new Promise<never>(() => undefined);

describe("probe timeouts", () => {
  it("ends a probe that ignores its signal with TIMEOUT, naming the probe and the limit", async () => {
    const result = withTimeout("The token request", 20, undefined, never);

    await expect(result).rejects.toMatchObject({
      name: "OperationCancelledError",
      code: "TIMEOUT",
    });
    await expect(result).rejects.toThrow(/The token request got no answer within 20 ms/);
  });

  it("ends a probe with ABORTED when the caller aborts, even if the probe ignores it", async () => {
    const controller = new AbortController();
    const result = withTimeout("ARM GET", 60_000, controller.signal, never);
    controller.abort();

    await expect(result).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("returns the probe's value and passes it a signal", async () => {
    const seen: AbortSignal[] = [];
    const value = await withTimeout("probe", 1_000, undefined, async (signal) => {
      seen.push(signal);
      return 42;
    });

    expect(value).toBe(42);
    expect(seen[0]?.aborted).toBe(false);
  });

  it("passes a probe's own error through unchanged", async () => {
    const failure = new Error("connection refused");
    await expect(
      withTimeout("probe", 1_000, undefined, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });
});
