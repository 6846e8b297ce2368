import { CrossTenantError, type CrossTenantErrorCode } from "@crosstenant/core";

/** How one call ended: its value, a typed crosstenant error, or anything else (a bug). */
export type CallOutcome<T> =
  | { readonly kind: "success"; readonly value: T; readonly durationInMs: number }
  | {
      readonly kind: "typed";
      readonly code: CrossTenantErrorCode;
      readonly error: CrossTenantError;
      readonly durationInMs: number;
    }
  | { readonly kind: "untyped"; readonly error: unknown; readonly durationInMs: number };

/** Runs a call and classifies how it ended; it never rejects. */
export async function outcomeOf<T>(call: () => Promise<T>): Promise<CallOutcome<T>> {
  const started = performance.now();
  try {
    const value = await call();
    return { kind: "success", value, durationInMs: performance.now() - started };
  } catch (error) {
    const durationInMs = performance.now() - started;
    if (error instanceof CrossTenantError) {
      return { kind: "typed", code: error.code, error, durationInMs };
    }
    return { kind: "untyped", error, durationInMs };
  }
}

/** A readable description of an outcome, for assertion messages. */
export function describeOutcome(outcome: CallOutcome<unknown>): string {
  if (outcome.kind === "success") return "success";
  if (outcome.kind === "typed") return `${outcome.code}: ${outcome.error.message}`;
  const error = outcome.error;
  return error instanceof Error ? `untyped ${error.name}: ${error.message}` : String(error);
}

/** The value at quantile `q` (0..1) of a list of numbers, by nearest rank; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
