import type { JournalEntry, MockAzure } from "@crosstenant/testing";

/** A data-plane request whose token came from another tenant than the resource's. */
export interface CrossTenantPresentation {
  readonly tokenTenantId: string;
  readonly resourceTenantId: string;
  readonly resource: string | undefined;
}

/**
 * Running totals over the mock's journal, drained as it goes so that a long run keeps only
 * counts, not entries (the heap is measured during the run).
 */
export class JournalTally {
  readonly #mock: MockAzure;
  readonly tokenRequestsByTenant = new Map<string, number>();
  readonly tokenStatuses = new Map<number, number>();
  readonly dataPlaneStatuses = new Map<number, number>();
  readonly crossTenant: CrossTenantPresentation[] = [];
  dataPlaneRequests = 0;
  tokenRequests = 0;

  constructor(mock: MockAzure) {
    this.#mock = mock;
  }

  /** Adds the journal's entries to the totals and empties the journal. */
  drain(): void {
    const entries = this.#mock.journal.entries();
    this.#mock.journal.clear();
    for (const entry of entries) this.#add(entry);
  }

  #add(entry: JournalEntry) {
    if (entry.route === "token" && entry.tenantId) {
      this.tokenRequests += 1;
      const count = this.tokenRequestsByTenant.get(entry.tenantId) ?? 0;
      this.tokenRequestsByTenant.set(entry.tenantId, count + 1);
      this.tokenStatuses.set(entry.status, (this.tokenStatuses.get(entry.status) ?? 0) + 1);
      return;
    }
    if (entry.route !== "chat" && entry.route !== "embeddings") return;
    this.dataPlaneRequests += 1;
    this.dataPlaneStatuses.set(entry.status, (this.dataPlaneStatuses.get(entry.status) ?? 0) + 1);
    if (isCrossTenant(entry)) {
      this.crossTenant.push({
        tokenTenantId: entry.tenantId ?? "",
        resourceTenantId: entry.resourceTenantId ?? "",
        resource: entry.resource,
      });
    }
  }
}

/** Whether a data-plane entry shows a token of one tenant presented to another tenant's resource. */
export function isCrossTenant(entry: JournalEntry): boolean {
  return (
    entry.tenantId !== undefined &&
    entry.resourceTenantId !== undefined &&
    entry.tenantId !== entry.resourceTenantId
  );
}
