/**
 * The signal that ends one call: the caller's signal, the model's timeout, both, or neither.
 * A token wait cannot be cancelled inside the openai client, so this signal is also raced
 * against the call itself: the caller gets control back at its deadline, whatever is pending.
 */
export function callSignal(
  signal: AbortSignal | undefined,
  timeoutInMs: number | undefined,
): AbortSignal | undefined {
  const deadline = timeoutInMs === undefined ? undefined : AbortSignal.timeout(timeoutInMs);
  if (!deadline) return signal;
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts. The
 * abandoned promise's eventual failure is swallowed: it has no one left to report to.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
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
