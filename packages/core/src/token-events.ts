import type { CrossTenantErrorCode } from "./errors.js";
import { logger } from "./logger.js";

/** Why a token was requested: a caller had none to use (`miss`) or a held one neared expiry. */
export type TokenRequestTrigger = "miss" | "refresh";

/** A customer tenant issued a token to the platform app. */
export interface TokenAcquiredEvent {
  readonly type: "token-acquired";
  readonly tenantId: string;
  readonly scope: string;
  readonly trigger: TokenRequestTrigger;
  /** Time the token request took, from start to the checked token. */
  readonly durationInMs: number;
  readonly expiresOnTimestamp: number;
}

/** A token request failed. A failed `refresh` leaves the held token in use until it expires. */
export interface TokenFailedEvent {
  readonly type: "token-failed";
  readonly tenantId: string;
  readonly scope: string;
  readonly trigger: TokenRequestTrigger;
  readonly durationInMs: number;
  /** The code of the diagnosed error. */
  readonly code: CrossTenantErrorCode;
  /** For a failed refresh: when the next attempt may start, after backoff. */
  readonly retryAfterInMs?: number;
}

/** A tenant's token was dropped from the cache: idle too long, or the cache was full. */
export interface TenantEvictedEvent {
  readonly type: "tenant-evicted";
  readonly tenantId: string;
  readonly scope: string;
  readonly reason: "idle" | "capacity";
}

/**
 * What the platform app reports through `onEvent`. Events never carry a token. Cache hits are not
 * reported: they are the hot path and cost about a Map look-up.
 *
 * @example
 * ```ts
 * const app = createPlatformApp({
 *   ...options,
 *   onEvent: (event) => {
 *     if (event.type === "token-failed") alerts.notify(event.tenantId, event.code);
 *   },
 * });
 * ```
 */
export type TokenEvent = TokenAcquiredEvent | TokenFailedEvent | TenantEvictedEvent;

/** Receives {@link TokenEvent}s. Called synchronously; an exception it throws is logged, not raised. */
export type TokenEventListener = (event: TokenEvent) => void;

interface MetricInstruments {
  readonly requests: { add(value: number, attributes: Record<string, string>): void };
  readonly duration: { record(value: number, attributes: Record<string, string>): void };
  readonly evictions: { add(value: number, attributes: Record<string, string>): void };
}

let instruments: MetricInstruments | undefined;
let instrumentsLoading: Promise<void> | undefined;

// @opentelemetry/api is an optional peer: when it is not installed the import fails and metrics
// stay off. Without a registered MeterProvider the API hands out no-op instruments anyway.
function loadInstruments(): Promise<void> {
  instrumentsLoading ??= import("@opentelemetry/api").then(
    ({ metrics }) => {
      const meter = metrics.getMeter("@crosstenant/core");
      instruments = {
        requests: meter.createCounter("crosstenant.token.requests", {
          description: "Token requests sent to customer tenants, by outcome",
        }),
        duration: meter.createHistogram("crosstenant.token.request.duration", {
          description: "Duration of token requests sent to customer tenants",
          unit: "s",
        }),
        evictions: meter.createCounter("crosstenant.token.evictions", {
          description: "Tenant tokens dropped from the cache",
        }),
      };
    },
    () => {
      logger.verbose("@opentelemetry/api is not installed; token metrics are off");
    },
  );
  return instrumentsLoading;
}

function recordMetrics(event: TokenEvent, metrics: MetricInstruments) {
  const attributes: Record<string, string> = {
    "crosstenant.tenant_id": event.tenantId,
    "crosstenant.scope": event.scope,
  };
  if (event.type === "tenant-evicted") {
    metrics.evictions.add(1, { ...attributes, "crosstenant.reason": event.reason });
    return;
  }

  attributes["crosstenant.trigger"] = event.trigger;
  attributes["crosstenant.outcome"] = event.type === "token-acquired" ? "success" : "failure";
  if (event.type === "token-failed") attributes["error.type"] = event.code;
  metrics.requests.add(1, attributes);
  metrics.duration.record(event.durationInMs / 1000, attributes);
}

/**
 * Returns the function the token source reports through: it calls the listener (if any) and
 * records OpenTelemetry metrics when `@opentelemetry/api` is installed. Loading the API is
 * started here and never awaited, so events before it lands only reach the listener.
 */
export function createTokenEventSink(listener: TokenEventListener | undefined) {
  void loadInstruments();

  return (event: TokenEvent) => {
    if (instruments) recordMetrics(event, instruments);
    if (!listener) return;
    try {
      listener(event);
    } catch (error) {
      logger.warning(
        `The onEvent listener threw on a ${event.type} event; the event was dropped: ${String(error)}`,
      );
    }
  };
}
