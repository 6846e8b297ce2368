import type { ChecklistItemId } from "../checklist-items.js";
import type { ChecklistReport, ChecklistTarget } from "./types.js";

const armResourceIdPattern =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)$/i;

/** The subscription, resource group and account name inside an ARM resource id of an account. */
export function splitArmResourceId(
  armResourceId: string,
): { subscriptionId: string; resourceGroup: string; accountName: string } | undefined {
  const match = armResourceIdPattern.exec(armResourceId);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { subscriptionId: match[1], resourceGroup: match[2], accountName: match[3] };
}

/** Quotes a value for bash: single quotes, with embedded single quotes closed and escaped. */
export const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** A double-quoted HCL string; `${` and `%{` are escaped so nothing is interpolated. */
export const hclString = (value: string) =>
  `"${value
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("${", "$${")
    .replaceAll("%{", "%%{")}"`;

/** A single-quoted Bicep string; `${` is escaped so nothing is interpolated. */
export const bicepString = (value: string) =>
  `'${value
    .replaceAll("\\", "\\\\")
    .replaceAll("'", "\\'")
    .replaceAll("\n", "\\n")
    .replaceAll("${", "\\${")}'`;

const isControl = (code: number) =>
  code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;

/** Replaces every control character (ANSI escapes and line breaks included) with `replacement`. */
export const withoutControlCharacters = (value: string, replacement = "") =>
  Array.from(value, (char) => (isControl(char.codePointAt(0) ?? 0) ? replacement : char)).join("");

/** Text made safe for a one-line comment in any of the generated languages. */
export const commentText = (value: string) =>
  withoutControlCharacters(value, " ").replaceAll("*/", "* /");

/**
 * Comment lines with a step's verified status, evidence and fix, for the script formats; none
 * without a report. `marker` is the language's line-comment marker.
 */
export function verifiedComment(
  report: ChecklistReport | undefined,
  id: ChecklistItemId,
  marker: "#" | "//",
): string[] {
  const step = report?.steps.find((s) => s.id === id);
  if (!step) return [];
  const lines = [`${marker} Verified: ${step.status.toUpperCase()}`];
  for (const evidence of step.evidence) lines.push(`${marker}   ${commentText(evidence)}`);
  if (step.fix) lines.push(`${marker}   fix: ${commentText(step.fix)}`);
  return lines;
}

/** A human name for the target, for headings and comments. */
export const targetLabel = (target: ChecklistTarget) =>
  target.displayName ? `${target.displayName} (${target.tenantId})` : target.tenantId;
