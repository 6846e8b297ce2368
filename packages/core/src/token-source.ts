import type { AccessToken } from "@azure/core-auth";
import { type CrossTenantError, OperationCancelledError } from "./errors.js";
import { logger } from "./logger.js";
import type { PlatformAppCacheOptions } from "./platform-app-options.js";
import { checkTenantToken } from "./tenant-token-guard.js";
import type { TokenEvent, TokenRequestTrigger } from "./token-events.js";
import { abortable, abortedError, waitUnlessAborted } from "./token-wait.js";

/**
 * A token issued by one customer tenant for one scope.
 *
 * @example
 * ```ts
 * const { token, expiresOnTimestamp } = await app.getToken(tenantId);
 * const headers = { authorization: `Bearer ${token}` };
 * ```
 */
export interface TenantAccessToken {
  /** The bearer token. Never log it. */
  readonly token: string;
  /** When the token expires, in milliseconds since the epoch. */
  readonly expiresOnTimestamp: number;
  /** The tenant that issued it (checked against the token's `tid`), lowercased. */
  readonly tenantId: string;
  readonly scope: string;
}

/** Sends one token request to a customer tenant; the source caches, checks and refreshes. */
export type TenantTokenRequester = (
  tenantId: string,
  scope: string,
  abortSignal: AbortSignal,
) => Promise<AccessToken | null>;

/** What a {@link TokenSource} needs; built by the platform app from its validated options. */
export interface TokenSourceOptions {
  readonly requestToken: TenantTokenRequester;
  readonly cache: Required<PlatformAppCacheOptions>;
  readonly tokenRequestTimeoutInMs: number;
  readonly allowOpaqueTokens: boolean;
  readonly emit: (event: TokenEvent) => void;
  /** Turns whatever a request threw into the typed error callers see (diagnose). */
  readonly explainError: (error: unknown, tenantId: string) => CrossTenantError;
}

// The fields a hit reads come first, so they share the object's first cache line.
interface CacheEntry {
  /** Before this instant a call is a pure hit; 0 while no token is held or once dropped. */
  refreshAt: number;
  touchedAt: number;
  /**
   * The token, next to the times: a hit reads this entry and nothing else of the cache, then
   * wraps the string in a new promise (young-generation allocation, cheap and cache-warm). A
   * settled promise shared by every hit would cost a read of one more, older object per hit.
   */
  tokenString: string;
  readonly key: string;
  readonly tenantId: string;
  readonly scope: string;
  token: TenantAccessToken | undefined;
  /** Until this instant the held token is handed out, even while a refresh runs. */
  usableUntil: number;
  inflight: Promise<TenantAccessToken> | undefined;
  failedRefreshes: number;
  /** Set once the entry left the cache (evicted, or the source closed). */
  dropped: boolean;
}

// Upper bound of the safety margin kept before a token's expiry, for clock skew and transit.
const maxExpiryMarginInMs = 30_000;

/**
 * The per-(tenant, scope) token cache behind the platform app.
 *
 * A hit through a provider is a clock read and a compare on the entry it keeps (through
 * `token()`, a Map look-up more). Entries are kept in least-recently-used
 * order by re-inserting them in the Map at most once per `touchIntervalInMs`, so eviction pops
 * from the front and an idle sweep stops at the first recent entry: neither scans the whole cache.
 * Refreshes are started by use, ahead of expiry with per-token jitter, so idle tenants cost no
 * requests and tenants spread out instead of refreshing in the same second.
 */
export class TokenSource {
  readonly #options: TokenSourceOptions;
  readonly #entries = new Map<string, CacheEntry>();
  readonly #closing = new AbortController();
  readonly #touchIntervalInMs: number;
  readonly #sweepTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: TokenSourceOptions) {
    this.#options = options;
    this.#touchIntervalInMs = Math.max(1, Math.min(1_000, options.cache.idleTimeoutInMs / 4));

    const sweepEveryInMs = Math.max(10, Math.min(60_000, options.cache.idleTimeoutInMs / 2));
    this.#sweepTimer = setInterval(() => this.#sweepIdle(Date.now()), sweepEveryInMs);
    this.#sweepTimer.unref();
  }

  /**
   * The function behind `tokenProvider`. It keeps a reference to its cache entry, so a hit does
   * not even hash the key: a clock read, a compare and the same settled promise every time.
   */
  provider(key: string, tenantId: string, scope: string): () => Promise<string> {
    // Made now, with the provider, so both sit together in memory for the hits to come.
    let entry: CacheEntry | undefined = this.#closed
      ? undefined
      : (this.#entries.get(key) ?? this.#create(key, tenantId, scope, Date.now()));
    const slowPath = async () => {
      const held = await this.token(key, tenantId, scope);
      entry = this.#entries.get(key);
      return held.token;
    };

    return () => {
      if (entry !== undefined) {
        const now = Date.now();
        if (now < entry.refreshAt) {
          if (now - entry.touchedAt > this.#touchIntervalInMs) this.#touch(entry, now);
          return Promise.resolve(entry.tokenString);
        }
      }
      return slowPath();
    };
  }

  /** The held token for a key, fetching it if none is usable; waits at most until aborted. */
  async token(
    key: string,
    tenantId: string,
    scope: string,
    abortSignal?: AbortSignal,
  ): Promise<TenantAccessToken> {
    if (this.#closed) throw closedError(tenantId);
    if (abortSignal?.aborted) throw abortedError(tenantId, abortSignal);

    const now = Date.now();
    const entry = this.#entries.get(key) ?? this.#create(key, tenantId, scope, now);
    if (now - entry.touchedAt > this.#touchIntervalInMs) this.#touch(entry, now);

    if (entry.token !== undefined && now < entry.usableUntil) {
      if (now >= entry.refreshAt && entry.inflight === undefined) this.#refreshInBackground(entry);
      return entry.token;
    }
    const inflight = entry.inflight ?? this.#start(entry, "miss");
    return waitUnlessAborted(inflight, abortSignal, tenantId);
  }

  /** Drops the held token of a key; the next call fetches a fresh one. */
  invalidate(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;

    entry.token = undefined;
    entry.tokenString = "";
    entry.refreshAt = 0;
    entry.usableUntil = 0;
  }

  /** Stops the sweep timer, aborts requests in flight and forgets every token. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweepTimer);

    const inflight = [...this.#entries.values()].flatMap((entry) => {
      drop(entry);
      return entry.inflight ?? [];
    });
    this.#closing.abort(closedError(undefined));
    this.#entries.clear();
    await Promise.allSettled(inflight);
  }

  #create(key: string, tenantId: string, scope: string, now: number): CacheEntry {
    while (this.#entries.size >= this.#options.cache.maxTenants) {
      const oldest = this.#entries.values().next().value;
      if (oldest === undefined) break;
      this.#evict(oldest, "capacity");
    }

    // The times start as non-integers so that V8 stores them as doubles from the start: their
    // boxes are allocated with the entry and updated in place, next to it, instead of wherever
    // the first token lands. A hit reads them.
    const entry: CacheEntry = {
      refreshAt: -0.5,
      touchedAt: now + 0.5,
      tokenString: "",
      key,
      tenantId,
      scope,
      token: undefined,
      usableUntil: 0,
      inflight: undefined,
      failedRefreshes: 0,
      dropped: false,
    };
    this.#entries.set(key, entry);
    return entry;
  }

  #touch(entry: CacheEntry, now: number) {
    entry.touchedAt = now;
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    this.#entries.set(entry.key, entry);
  }

  #evict(entry: CacheEntry, reason: "idle" | "capacity") {
    drop(entry);
    this.#entries.delete(entry.key);
    logger.verbose(`Dropped the token of tenant ${entry.tenantId} (${entry.scope}): ${reason}`);
    this.#options.emit({
      type: "tenant-evicted",
      tenantId: entry.tenantId,
      scope: entry.scope,
      reason,
    });
  }

  #sweepIdle(now: number) {
    const idleBefore = now - this.#options.cache.idleTimeoutInMs;
    for (const entry of this.#entries.values()) {
      if (entry.touchedAt > idleBefore) break;
      if (entry.inflight === undefined) this.#evict(entry, "idle");
    }
  }

  #refreshInBackground(entry: CacheEntry) {
    // Hits stay on the fast path while the refresh runs; success or backoff resets refreshAt.
    entry.refreshAt = entry.usableUntil;
    // The failure is handled (logged, reported, retried after backoff) inside #request.
    this.#start(entry, "refresh").catch(() => undefined);
  }

  #start(entry: CacheEntry, trigger: TokenRequestTrigger): Promise<TenantAccessToken> {
    const inflight: Promise<TenantAccessToken> = this.#request(entry, trigger).finally(() => {
      if (entry.inflight === inflight) entry.inflight = undefined;
    });
    entry.inflight = inflight;
    return inflight;
  }

  async #request(entry: CacheEntry, trigger: TokenRequestTrigger): Promise<TenantAccessToken> {
    const { tenantId, scope } = entry;
    // A refresh is started by a caller that must not pay for it: building the request (a new
    // credential, TLS) runs in a later macrotask, after that caller got its token.
    if (trigger === "refresh") await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    const signal = AbortSignal.any([
      this.#closing.signal,
      AbortSignal.timeout(this.#options.tokenRequestTimeoutInMs),
    ]);

    try {
      const accessToken = await abortable(
        this.#options.requestToken(tenantId, scope, signal),
        signal,
      );
      const held = checkTenantToken(accessToken, tenantId, scope, this.#options.allowOpaqueTokens);
      this.#hold(entry, held);

      const durationInMs = performance.now() - started;
      logger.verbose(
        `${trigger === "miss" ? "Acquired" : "Refreshed"} the token of tenant ${tenantId} (${scope}) in ${Math.round(durationInMs)} ms`,
      );
      this.#options.emit({
        type: "token-acquired",
        tenantId,
        scope,
        trigger,
        durationInMs,
        expiresOnTimestamp: held.expiresOnTimestamp,
      });
      return held;
    } catch (thrown) {
      const error = this.#explain(thrown, tenantId, signal);
      this.#reportFailure(entry, trigger, error, performance.now() - started);
      throw error;
    }
  }

  #explain(thrown: unknown, tenantId: string, signal: AbortSignal): CrossTenantError {
    if (signal.aborted && this.#closing.signal.aborted) return closedError(tenantId);
    if (signal.aborted) {
      return new OperationCancelledError(
        "TIMEOUT",
        `The token request to tenant ${tenantId} did not complete within ${this.#options.tokenRequestTimeoutInMs} ms. Check that this host reaches the cloud's authority host (proxy, firewall, DNS), or raise tokenRequestTimeoutInMs.`,
        { cause: thrown, tenantId },
      );
    }
    return this.#options.explainError(thrown, tenantId);
  }

  #reportFailure(
    entry: CacheEntry,
    trigger: TokenRequestTrigger,
    error: CrossTenantError,
    durationInMs: number,
  ) {
    const { tenantId, scope } = entry;
    const now = Date.now();
    const stillUsable = entry.token !== undefined && now < entry.usableUntil;
    if (!stillUsable || this.#closed) {
      logger.verbose(`The token request to tenant ${tenantId} failed: ${error.code}`);
      this.#options.emit({
        type: "token-failed",
        tenantId,
        scope,
        trigger,
        durationInMs,
        code: error.code,
      });
      return;
    }

    entry.failedRefreshes += 1;
    const { minRetryDelayInMs, maxRetryDelayInMs } = this.#options.cache;
    const backoff = Math.min(
      maxRetryDelayInMs,
      minRetryDelayInMs * 2 ** (entry.failedRefreshes - 1),
    );
    const retryAfterInMs = Math.round(backoff / 2 + Math.random() * (backoff / 2));
    entry.refreshAt = Math.min(now + retryAfterInMs, entry.usableUntil);
    logger.warning(
      `Refreshing the token of tenant ${tenantId} (${scope}) failed with ${error.code}; the held token stays in use until ${new Date(entry.usableUntil).toISOString()}, next attempt in ${retryAfterInMs} ms. ${error.message}`,
    );
    this.#options.emit({
      type: "token-failed",
      tenantId,
      scope,
      trigger,
      durationInMs,
      code: error.code,
      retryAfterInMs,
    });
  }

  #hold(entry: CacheEntry, held: TenantAccessToken) {
    // A request that outlived its entry still returns its token to its callers, but a dropped
    // entry stays a miss, so providers holding it look the key up again.
    if (entry.dropped) return;
    const now = Date.now();
    const lifetime = held.expiresOnTimestamp - now;
    const { refreshBeforeExpiryInMs, refreshJitterInMs } = this.#options.cache;
    // Capped so that a lead longer than a short-lived token's life does not refresh on every call.
    const lead = Math.min(
      refreshBeforeExpiryInMs + Math.random() * refreshJitterInMs,
      lifetime * 0.9,
    );

    entry.token = held;
    entry.tokenString = held.token;
    entry.refreshAt = held.expiresOnTimestamp - lead;
    entry.usableUntil = held.expiresOnTimestamp - Math.min(maxExpiryMarginInMs, lifetime / 10);
    entry.failedRefreshes = 0;
  }
}

function drop(entry: CacheEntry) {
  entry.dropped = true;
  entry.refreshAt = 0;
}

function closedError(tenantId: string | undefined) {
  return new OperationCancelledError(
    "CLOSED",
    "The platform app was closed; no token can be requested through it any more. Create a new one with createPlatformApp().",
    tenantId === undefined ? {} : { tenantId },
  );
}
