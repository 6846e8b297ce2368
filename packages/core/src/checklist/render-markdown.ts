import { targetLabel } from "./script-values.js";
import type { Checklist, ChecklistReport, StepReport, StepStatus } from "./types.js";

const statusBadge: Readonly<Record<StepStatus, string>> = {
  pass: "✅ pass",
  fail: "❌ fail",
  warn: "⚠️ warn",
  unknown: "❔ unknown",
  skipped: "⏭️ skipped",
};

/** Inline code that cannot be broken out of: backticks and line breaks are removed. */
const code = (value: string) => `\`${value.replace(/[`\r\n]+/g, " ")}\``;

/** Plain text safe inside Markdown (no HTML, no table breaks). */
const plain = (value: string) => value.replace(/[<>&|\r\n]/g, (c) => markdownEscapes[c] ?? " ");

const markdownEscapes: Readonly<Record<string, string>> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  "|": "\\|",
};

const fence = (language: string, lines: readonly string[]) => [
  `\`\`\`${language}`,
  ...lines.map((line) => line.replaceAll("```", "'''")),
  "```",
];

function reportLines(step: StepReport | undefined): string[] {
  if (!step) return [];
  const lines = [`**Status:** ${statusBadge[step.status]}`, ""];
  for (const evidence of step.evidence) lines.push(`- ${plain(evidence)}`);
  if (step.fix) lines.push("", `**To fix:** ${plain(step.fix)}`);
  lines.push("");
  return lines;
}

/**
 * Renders the checklist (or a verification report) as Markdown to send to a customer's Azure
 * admin: a summary table, then one section per step with why, what, how and its status.
 */
export function renderMarkdown(checklist: Checklist, report?: ChecklistReport): string {
  const { target, app } = checklist;
  const lines = [
    `# Azure OpenAI access checklist: ${plain(targetLabel(target))}`,
    "",
    `The platform app ${code(app.clientId)} will call ${code(target.endpoint)} with tokens issued by your tenant ${code(target.tenantId)}. No key or secret is exchanged.`,
    "",
  ];
  if (report) lines.push(`**Verification:** ${plain(report.summary.text)}`, "");

  lines.push(
    report ? "| # | Step | Owner | Status |" : "| # | Step | Owner | Required |",
    "|---|---|---|---|",
  );
  checklist.steps.forEach((step, index) => {
    const status = report?.steps.find((s) => s.id === step.id)?.status;
    const last = status ? statusBadge[status] : step.required ? "yes" : "recommended";
    lines.push(
      `| ${index + 1} | ${plain(step.title)} (${code(step.id)}) | ${step.owner} | ${last} |`,
    );
  });

  checklist.steps.forEach((step, index) => {
    lines.push(
      "",
      `## ${index + 1}. ${plain(step.title)}`,
      "",
      `Step ${code(step.id)} · owner: ${step.owner} · ${step.required ? "required" : "recommended"}`,
      "",
      ...reportLines(report?.steps.find((s) => s.id === step.id)),
      `**Why:** ${plain(step.why)}`,
      "",
      "**What:**",
      "",
      ...step.what.map((fact) => `- ${plain(fact.label)}: ${code(fact.value)}`),
      "",
      "**In the Azure portal:**",
      "",
      ...step.how.portal.map((line, n) => `${n + 1}. ${plain(line)}`),
      "",
      "**With the Azure CLI:**",
      "",
      ...fence("bash", step.how.azureCli),
      "",
      "<details><summary>Bicep and Terraform</summary>",
      "",
      ...fence("bicep", step.how.bicep),
      "",
      ...fence("hcl", step.how.terraform),
      "",
      "</details>",
      "",
      `**How it is verified:** ${plain(step.verification)}`,
    );
  });
  lines.push("");
  return lines.join("\n");
}
