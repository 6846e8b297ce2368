import type { MockRoute } from "./journal.js";

/**
 * What a fault does to the requests it matches.
 * @example
 * ```ts
 * mock.faults.add({ route: "chat", effect: { type: "cutStream", afterChunks: 2 } });
 * ```
 */
export type FaultEffect =
  /** Waits before answering. */
  | { readonly type: "latency"; readonly latencyInMs: number }
  /** Answers with this status, headers and body instead of the real answer. */
  | {
      readonly type: "status";
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: unknown;
    }
  /** Destroys the connection without an answer. */
  | { readonly type: "reset" }
  /** Streams `afterChunks` SSE events, then destroys the connection. */
  | { readonly type: "cutStream"; readonly afterChunks: number }
  /** Entra is down: 503 from the token endpoint (and discovery), as during an outage. */
  | { readonly type: "outage" }
  /** Shifts the mock's clock (token `iat`/`exp` and token validation) by this many seconds. */
  | { readonly type: "clockSkew"; readonly skewInSeconds: number };

/**
 * Which requests a fault applies to, how often and for how long.
 * @example
 * ```ts
 * mock.faults.add({ route: "token", tenantId, durationInMs: 5_000, effect: { type: "outage" } });
 * ```
 */
export interface FaultOptions {
  /** Route the fault applies to; `any` (the default) for every route. */
  readonly route?: "token" | "discovery" | "chat" | "embeddings" | "arm" | "any";
  /** Only requests for this tenant (Entra path tenant, or token tenant on the data plane). */
  readonly tenantId?: string;
  /** Only requests to this Azure OpenAI resource (custom subdomain). */
  readonly resource?: string;
  /** Number of matching requests the fault applies to; unlimited if left out. */
  readonly count?: number;
  /** How long the fault lasts from now; forever (until removed) if left out. */
  readonly durationInMs?: number;
  readonly effect: FaultEffect;
}

/**
 * A fault in place; `remove()` takes it away.
 * @example
 * ```ts
 * const fault = mock.faults.add({ route: "chat", effect: { type: "reset" } });
 * fault.hits; // requests it applied to
 * fault.remove();
 * ```
 */
export interface FaultHandle {
  /** Number of requests the fault has applied to so far. */
  readonly hits: number;
  remove(): void;
}

/** What a request is, as far as fault matching goes. */
export interface FaultTarget {
  readonly route: MockRoute;
  readonly tenantId?: string;
  readonly resource?: string;
}

interface ActiveFault {
  readonly options: FaultOptions;
  readonly until: number | undefined;
  remaining: number | undefined;
  hits: number;
}

/**
 * The mock's fault controls. A fault applies to the requests matching its route and, if given,
 * its tenant and resource, for a count of requests or a time window.
 *
 * @example
 * ```ts
 * const fault = mock.faults.add({ route: "chat", count: 1, effect: { type: "status", status: 500 } });
 * fault.remove();
 * mock.faults.clear();
 * ```
 */
export class MockFaults {
  #active: ActiveFault[] = [];

  /** Adds a fault and returns its handle. */
  add(options: FaultOptions): FaultHandle {
    const fault: ActiveFault = {
      options,
      until: options.durationInMs === undefined ? undefined : Date.now() + options.durationInMs,
      remaining: options.count,
      hits: 0,
    };
    this.#active.push(fault);
    return {
      get hits() {
        return fault.hits;
      },
      remove: () => {
        this.#active = this.#active.filter((candidate) => candidate !== fault);
      },
    };
  }

  /** Removes every fault. */
  clear(): void {
    this.#active = [];
  }

  /**
   * The effects applying to a request, consuming one use of each counted fault. Clock skew is
   * not consumed here: it is read through {@link MockFaults.skewInSeconds}.
   */
  take(target: FaultTarget): FaultEffect[] {
    const effects: FaultEffect[] = [];
    for (const fault of this.#matching(target)) {
      if (fault.options.effect.type === "clockSkew") continue;
      fault.hits += 1;
      if (fault.remaining !== undefined) fault.remaining -= 1;
      effects.push(fault.options.effect);
    }
    this.#active = this.#active.filter((fault) => fault.remaining !== 0);
    return effects;
  }

  /** Total clock skew applying to a request, in seconds. */
  skewInSeconds(target: FaultTarget): number {
    let skew = 0;
    for (const fault of this.#matching(target)) {
      if (fault.options.effect.type === "clockSkew") {
        fault.hits += 1;
        skew += fault.options.effect.skewInSeconds;
      }
    }
    return skew;
  }

  #matching(target: FaultTarget): ActiveFault[] {
    const now = Date.now();
    this.#active = this.#active.filter((fault) => fault.until === undefined || fault.until > now);
    return this.#active.filter((fault) => {
      const { options } = fault;
      const route = options.route ?? "any";
      const routeMatches =
        route === "any" || route === target.route || (route === "token" && target.route === "keys");
      if (!routeMatches) return false;
      if (options.tenantId !== undefined && options.tenantId !== target.tenantId) return false;
      if (options.resource !== undefined && options.resource !== target.resource) return false;
      return fault.remaining === undefined || fault.remaining > 0;
    });
  }
}
