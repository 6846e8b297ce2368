import { ConfigurationError } from "@crosstenant/core";
import { logger } from "./logger.js";
import {
  backoffDelayInMs,
  isRetryableStatus,
  type ResolvedRetryOptions,
  serverRetryDelayInMs,
} from "./retry-policy.js";

/** Options of {@link createTenantFetch}. */
export interface TenantFetchOptions {
  /** The customer tenant whose token this fetch sends. */
  readonly tenantId: string;
  /** Origin of the tenant's endpoint; a request to any other origin is refused. */
  readonly endpointUrl: string;
  /** The tenant's token, from the platform app's cache (cheap when cached); stops at the signal. */
  readonly getToken: (abortSignal: AbortSignal | undefined) => Promise<string>;
  /** Drops the tenant's cached token, so the next `getToken` asks the tenant for a new one. */
  readonly invalidateToken: () => void;
  /** The transport: the cloud's fetch (its CA, its name resolution). */
  readonly fetch: typeof globalThis.fetch;
  readonly retry: ResolvedRetryOptions;
  /**
   * The caller's deadline for one call, retries included. A wait that would end after it is not
   * started: the last failure is returned at once instead of a timeout.
   */
  readonly timeoutInMs?: number;
  /** Injectable for tests of the backoff bounds. */
  readonly random?: () => number;
}

// Headers that would carry a credential or an OpenAI account other than the tenant's token.
const foreignCredentialHeaders = ["api-key", "openai-organization", "openai-project"];

/**
 * Whether a 401 means the token itself was refused (expired, revoked, signed with a rotated key)
 * rather than the principal lacking the role: only then can a new token help. Azure OpenAI sends
 * the role case as `{"error":{"code":"PermissionDenied"}}`.
 */
async function isTokenRejection(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  try {
    const text = await response.clone().text();
    return !/"code"\s*:\s*"PermissionDenied"/.test(text);
  } catch {
    return true;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal ? abortReason(signal) : undefined);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function requestUrl(input: Parameters<typeof globalThis.fetch>[0]): URL {
  if (typeof input === "string") return new URL(input);
  if (input instanceof URL) return input;
  return new URL(input.url);
}

/**
 * Returns the fetch a tenant's openai client sends through. It is the last hop before the
 * network, so it is where the tenant boundary and the retry policy are enforced:
 *
 * - only the tenant's endpoint origin is reachable; anything else is refused before sending,
 *   and a redirect is returned as it is, never followed;
 * - the request carries the tenant's bearer token and nothing else that authenticates
 *   (`api-key`, `OpenAI-Organization` and `OpenAI-Project` are removed, whatever set them);
 * - a 401 that rejects the token drops the tenant's cached token and retries once with a fresh one;
 * - 429 waits as long as `retry-after-ms`, `x-ms-retry-after-ms` or `retry-after` asks, within
 *   `maxRetryDelayInMs`; 408/5xx and dropped connections are retried with jittered backoff;
 * - no wait outlives the request's abort signal or the caller's deadline.
 *
 * It is the only place a token is attached: every attempt asks `getToken` again, so a token
 * refreshed in the meantime is used, and nothing upstream (the openai client) ever holds one.
 *
 * @example
 * ```ts
 * const tenantFetch = createTenantFetch({
 *   tenantId: binding.tenantId,
 *   endpointUrl: binding.endpoint.url,
 *   getToken: async (abortSignal) => (await app.getToken(binding.tenantId, { abortSignal })).token,
 *   invalidateToken: () => app.invalidate(binding.tenantId),
 *   fetch: createCloudFetch(binding.cloud),
 *   retry: resolveRetryOptions(),
 * });
 * ```
 */
export function createTenantFetch(options: TenantFetchOptions): typeof globalThis.fetch {
  const expectedOrigin = new URL(options.endpointUrl).origin;
  const random = options.random ?? Math.random;

  const tenantFetch = async (
    input: Parameters<typeof globalThis.fetch>[0],
    init: RequestInit = {},
  ): Promise<Response> => {
    const url = requestUrl(input);
    if (url.origin !== expectedOrigin) {
      throw new ConfigurationError(
        `Refused to send tenant ${options.tenantId}'s token to ${url.origin}: only its endpoint ${expectedOrigin} may receive it. Check that nothing overrides the model's base URL.`,
        {
          tenantId: options.tenantId,
          issues: [{ path: "url", message: "not the tenant's endpoint" }],
        },
      );
    }

    const signal = init.signal ?? undefined;
    const deadline =
      options.timeoutInMs === undefined
        ? Number.POSITIVE_INFINITY
        : Date.now() + options.timeoutInMs;
    const attempt = async (): Promise<Response> => {
      const headers = new Headers(init.headers);
      for (const name of foreignCredentialHeaders) headers.delete(name);
      headers.set("authorization", `Bearer ${await options.getToken(signal)}`);
      // A redirect is answered, never followed: the token must not travel to its target.
      return options.fetch(url, { ...init, headers, redirect: "manual" });
    };

    let retries = 0;
    let renewedToken = false;
    for (;;) {
      let outcome: { response: Response } | { error: unknown };
      try {
        outcome = { response: await attempt() };
      } catch (error) {
        if (signal?.aborted || !isNetworkFailure(error)) throw error;
        outcome = { error };
      }

      let delay: number;
      if ("response" in outcome) {
        const { response } = outcome;
        if (response.ok) return response;
        if (!renewedToken && (await isTokenRejection(response))) {
          renewedToken = true;
          logger.info(
            `tenant ${options.tenantId}: ${expectedOrigin} rejected the token (401); dropping the cached token and retrying once with a fresh one`,
          );
          options.invalidateToken();
          await response.body?.cancel();
          continue;
        }
        if (!isRetryableStatus(response.status) || retries >= options.retry.maxRetries) {
          return response;
        }
        const requested = serverRetryDelayInMs(response.headers);
        if (requested !== undefined && requested > options.retry.maxRetryDelayInMs) return response;
        delay = requested ?? backoffDelayInMs(retries, options.retry, random);
        if (Date.now() + delay >= deadline) return response;
        await response.body?.cancel();
      } else {
        if (retries >= options.retry.maxRetries) throw outcome.error;
        delay = backoffDelayInMs(retries, options.retry, random);
        if (Date.now() + delay >= deadline) throw outcome.error;
      }

      retries += 1;
      logger.verbose(
        `tenant ${options.tenantId}: ${"response" in outcome ? `status ${outcome.response.status}` : "connection failed"} from ${expectedOrigin}; retry ${retries} of ${options.retry.maxRetries} in ${Math.round(delay)} ms`,
      );
      await sleep(delay, signal);
    }
  };
  return tenantFetch as typeof globalThis.fetch;
}

/**
 * A failure to exchange bytes with the endpoint (reset, refused, socket closed), as undici
 * reports it: a `TypeError` with a cause. Anything else (our own refusals, aborts) is final.
 */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined;
}
