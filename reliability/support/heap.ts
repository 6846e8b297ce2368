import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/**
 * `global.gc`, without needing `--expose-gc` on the command line: the flag is set at run time
 * and the function taken from a fresh context, which is created after the flag and so has it.
 */
function garbageCollector(): () => void {
  if (collect) return collect;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === "function") {
    collect = existing;
    return collect;
  }
  setFlagsFromString("--expose-gc");
  collect = runInNewContext("gc") as () => void;
  return collect;
}

/** Heap in use after full collections, in bytes. */
export async function settledHeapUsed(): Promise<number> {
  const gc = garbageCollector();
  // A few rounds, with turns of the event loop between them for finalizers and closed sockets.
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}
