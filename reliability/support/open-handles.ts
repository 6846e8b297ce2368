import { setTimeout as delay } from "node:timers/promises";

// Handle kinds a leaked connection or a forgotten timer shows up as.
const watchedKinds = new Set(["TLSWrap", "TCPSocketWrap", "TCPWRAP", "Timeout"]);

/** Counts of the process's active handles of the watched kinds. */
export function activeHandleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (watchedKinds.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/**
 * The watched handles still open beyond `baseline`, after giving closed sockets a bounded number
 * of turns to finish closing (a destroyed socket leaves the handle list on a later tick).
 */
export async function handlesLeftSince(
  baseline: Record<string, number>,
): Promise<Record<string, number>> {
  let extra: Record<string, number> = {};
  for (let turn = 0; turn < 50; turn++) {
    extra = {};
    for (const [kind, count] of Object.entries(activeHandleCounts())) {
      const over = count - (baseline[kind] ?? 0);
      if (over > 0) extra[kind] = over;
    }
    if (Object.keys(extra).length === 0) return extra;
    await delay(20);
  }
  return extra;
}
