import { formatWithOptions } from "node:util";
import { AzureLogger, type AzureLogLevel, getLogLevel, setLogLevel } from "@azure/logger";

const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const;

// The console is replaced, not written to: what libraries print through it is captured too.
const sinks = globalThis.console as unknown as Record<string, (...args: unknown[]) => void>;

/**
 * Turns every Azure SDK and crosstenant logger up to `verbose` (as `AZURE_LOG_LEVEL=verbose`
 * does) and keeps every line they write, and everything written through `console`, in memory.
 * `stop()` puts the level, the log sink and the console back.
 */
export function captureLogs(): { readonly lines: string[]; stop(): void } {
  const lines: string[] = [];
  const format = (args: unknown[]) => formatWithOptions({ depth: 8 }, ...args);
  const previousLevel: AzureLogLevel | undefined = getLogLevel();
  const previousSink = AzureLogger.log;
  const previousConsole = consoleMethods.map((method) => [method, sinks[method]] as const);

  AzureLogger.log = (...args: unknown[]) => {
    lines.push(format(args));
  };
  for (const method of consoleMethods) {
    sinks[method] = (...args: unknown[]) => {
      lines.push(format(args));
    };
  }
  setLogLevel("verbose");

  return {
    lines,
    stop: () => {
      setLogLevel(previousLevel);
      AzureLogger.log = previousSink;
      for (const [method, original] of previousConsole) if (original) sinks[method] = original;
    },
  };
}
