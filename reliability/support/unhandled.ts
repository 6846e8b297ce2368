/**
 * Records every unhandled promise rejection until `stop()`. Vitest fails a run on one too, but
 * only at the end and without saying which test caused it; this pins it to the test.
 */
export function trackUnhandledRejections(): { readonly reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const onRejection = (reason: unknown) => reasons.push(reason);
  process.on("unhandledRejection", onRejection);
  return { reasons, stop: () => process.off("unhandledRejection", onRejection) };
}
