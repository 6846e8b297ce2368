import { targetLabel, withoutControlCharacters } from "./script-values.js";
import type { Checklist, ChecklistReport, StepStatus } from "./types.js";

/** Options of the text renderer. */
export interface TextRenderOptions {
  /** Use ANSI colours. Off unless asked for: the output is often piped or logged. */
  readonly color?: boolean;
}

const colours: Readonly<Record<StepStatus, string>> = {
  pass: "32",
  fail: "31",
  warn: "33",
  unknown: "35",
  skipped: "90",
};

/** Values shown on a terminal lose their control characters, so no value can inject escapes. */
const safe = (value: string) => withoutControlCharacters(value);

/**
 * Renders the checklist (or a verification report) as plain text for a terminal: one block per
 * step with its status, evidence, fix and the Azure CLI commands.
 */
export function renderText(
  checklist: Checklist,
  report?: ChecklistReport,
  options: TextRenderOptions = {},
): string {
  const paint = (status: StepStatus, text: string) =>
    options.color ? `\u001b[${colours[status]}m${text}\u001b[0m` : text;
  const { target, app } = checklist;
  const lines = [
    `Azure OpenAI access checklist: ${safe(targetLabel(target))}`,
    `  app ${app.clientId} -> ${safe(target.endpoint)} (cloud ${safe(target.cloud)})`,
  ];
  if (report) lines.push(`  ${safe(report.summary.text)}`);

  checklist.steps.forEach((step, index) => {
    const result = report?.steps.find((s) => s.id === step.id);
    const badge = result ? paint(result.status, `[${result.status.toUpperCase()}]`) : "[ ]";
    const kind = step.required ? "" : " (recommended)";
    lines.push(
      "",
      `${index + 1}. ${badge} ${safe(step.title)}${kind}  <${step.id}, ${step.owner}>`,
    );
    for (const evidence of result?.evidence ?? []) lines.push(`     - ${safe(evidence)}`);
    if (result?.fix) lines.push(`     fix: ${safe(result.fix)}`);
    lines.push(`     why: ${safe(step.why)}`);
    for (const fact of step.what) lines.push(`     ${safe(fact.label)}: ${safe(fact.value)}`);
    if (result?.status !== "pass") {
      for (const command of step.how.azureCli) lines.push(`       ${safe(command)}`);
    }
  });
  lines.push("");
  return lines.join("\n");
}
