import type { VerifyProgressEvent } from "../checklist/verify.js";

const probeNames: Readonly<Record<VerifyProgressEvent["probe"], string>> = {
  token: "token from the customer tenant",
  "data-plane": "data-plane probe",
  arm: "account settings through ARM",
};

/**
 * Progress of `verify` on stderr: on a terminal one line rewritten in place; otherwise plain
 * lines a log keeps (no escape codes).
 */
export function createProgress(
  stderr: { write(text: string): unknown; readonly isTTY?: boolean },
  tenant: string,
) {
  const live = stderr.isTTY === true;
  return {
    update(event: VerifyProgressEvent) {
      const what = probeNames[event.probe];
      if (live) {
        const state =
          event.state === "start" ? "checking" : `done${event.detail ? ` (${event.detail})` : ""}`;
        stderr.write(`\r\u001b[K${tenant}: ${what}: ${state}`);
      } else {
        const state =
          event.state === "start" ? "started" : `done${event.detail ? ` (${event.detail})` : ""}`;
        stderr.write(`crosstenant verify ${tenant}: ${what} ${state}\n`);
      }
    },
    finish(summary: string) {
      stderr.write(
        live ? `\r\u001b[K${tenant}: ${summary}\n` : `crosstenant verify ${tenant}: ${summary}\n`,
      );
    },
  };
}
