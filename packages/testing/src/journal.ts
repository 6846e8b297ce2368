/**
 * Which part of the mock a request reached.
 * @example
 * ```ts
 * mock.journal.filter({ route: "token" });
 * ```
 */
export type MockRoute =
  | "discovery"
  | "keys"
  | "token"
  | "chat"
  | "embeddings"
  | "arm"
  | "managed-identity"
  | "unknown";

/**
 * One request the mock answered. Never holds a secret, an assertion or a token.
 * @example
 * ```ts
 * const [entry] = mock.journal.filter({ route: "chat", decision: "FirewallDenied" });
 * entry?.egressIp;
 * ```
 */
export interface JournalEntry {
  /** ISO time the request arrived. */
  readonly time: string;
  readonly route: MockRoute;
  readonly method: string;
  /** Path with query values removed: only parameter names are kept. */
  readonly path: string;
  readonly host: string;
  /** TCP source address of the caller (127.0.0.1, 127.0.0.2, …). */
  readonly sourceAddress: string;
  /** Public egress IP the scenario maps the source address to. */
  readonly egressIp: string;
  /** Entra: the tenant in the path. Data plane and ARM: the token's `tid`. */
  readonly tenantId?: string;
  /** Entra: the client id. Data plane and ARM: the token's `oid`. */
  readonly principal?: string;
  /** Azure OpenAI resource (custom subdomain) addressed, if any. */
  readonly resource?: string;
  /** Tenant that owns the resource addressed, if any. */
  readonly resourceTenantId?: string;
  readonly deployment?: string;
  /** `allowed`, or the reason the request was denied (`AADSTS700016`, `PermissionDenied`, …). */
  readonly decision: string;
  readonly status: number;
  readonly durationInMs: number;
}

/**
 * Criteria for {@link MockJournal.filter}; every given field must match.
 * @example
 * ```ts
 * mock.journal.filter({ route: "chat", tenantId, status: 401 });
 * ```
 */
export type JournalFilter = Partial<
  Pick<
    JournalEntry,
    | "route"
    | "method"
    | "host"
    | "sourceAddress"
    | "egressIp"
    | "tenantId"
    | "principal"
    | "resource"
    | "resourceTenantId"
    | "deployment"
    | "decision"
    | "status"
  >
>;

/**
 * The mock's request journal: a bounded ring of {@link JournalEntry}, oldest dropped first.
 *
 * @example
 * ```ts
 * const denied = mock.journal.filter({ route: "chat", decision: "PermissionDenied" });
 * mock.journal.tokenRequestCounts(); // { "7c1e0f52-…": 1 }
 * ```
 */
export class MockJournal {
  readonly #capacity: number;
  readonly #entries: JournalEntry[] = [];
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Records one entry; past capacity the oldest is overwritten. */
  record(entry: JournalEntry): void {
    if (this.#entries.length < this.#capacity) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** Every entry still held, oldest first. */
  entries(): JournalEntry[] {
    return [...this.#entries.slice(this.#next), ...this.#entries.slice(0, this.#next)];
  }

  /** The entries matching every field of `criteria`, oldest first. */
  filter(criteria: JournalFilter): JournalEntry[] {
    const pairs = Object.entries(criteria).filter(([, value]) => value !== undefined);
    return this.entries().filter((entry) =>
      pairs.every(([key, value]) => entry[key as keyof JournalEntry] === value),
    );
  }

  /** Number of token requests per tenant in the path (answered or refused). */
  tokenRequestCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries()) {
      if (entry.route !== "token" || !entry.tenantId) continue;
      counts[entry.tenantId] = (counts[entry.tenantId] ?? 0) + 1;
    }
    return counts;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.length = 0;
    this.#next = 0;
  }
}

/** Keeps a path and its query parameter names, dropping every query value. */
export function redactPath(url: URL): string {
  const names = [...new Set(url.searchParams.keys())];
  return names.length === 0 ? url.pathname : `${url.pathname}?${names.join("&")}`;
}
