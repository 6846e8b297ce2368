import { OperationCancelledError } from "./errors.js";
import type { TenantAccessToken } from "./token-source.js";

// Settles as soon as the signal aborts, even if the promise never does (a credential that
// ignores its abort signal).
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

// A caller that aborts stops waiting; the shared request goes on for the other callers.
export function waitUnlessAborted(
  inflight: Promise<TenantAccessToken>,
  abortSignal: AbortSignal | undefined,
  tenantId: string,
): Promise<TenantAccessToken> {
  if (abortSignal === undefined) return inflight;
  return abortable(inflight, abortSignal).catch((error: unknown) => {
    throw error === abortSignal.reason ? abortedError(tenantId, abortSignal) : error;
  });
}

export function abortedError(tenantId: string, abortSignal: AbortSignal) {
  return new OperationCancelledError(
    "ABORTED",
    `Waiting for the token of tenant ${tenantId} was aborted by the caller; the request goes on for other callers.`,
    { cause: abortSignal.reason, tenantId },
  );
}
