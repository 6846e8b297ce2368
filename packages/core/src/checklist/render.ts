import { ConfigurationError } from "../errors.js";
import { renderAzureCli } from "./render-azure-cli.js";
import { renderBicep } from "./render-bicep.js";
import { renderMarkdown } from "./render-markdown.js";
import { renderTerraform } from "./render-terraform.js";
import { renderText } from "./render-text.js";
import {
  type Checklist,
  type ChecklistFormat,
  type ChecklistReport,
  checklistFormats,
} from "./types.js";

/** Options of {@link renderChecklist}. */
export interface RenderChecklistOptions {
  /** ANSI colours in the `text` format. Default false. */
  readonly color?: boolean;
}

/**
 * Renders a checklist, or a verification report, in one format:
 *
 * - `markdown`: a document to send to the customer's Azure admin;
 * - `text`: for a terminal (colour only with `color: true`);
 * - `json`: the object itself, in the stable schema of `docs/checklist-json-schema.md`;
 * - `azure-cli`: a bash script (`set -euo pipefail`, values in variables at the top);
 * - `bicep`: a resource-group-scoped template (the role assignment; the rest as comments);
 * - `terraform`: azurerm + azuread configuration (consent, role assignment, checks).
 *
 * Given a report, every format shows each step's status, and the human formats its evidence.
 *
 * @throws {ConfigurationError} for an unknown format.
 * @example
 * ```ts
 * import { renderChecklist } from "@crosstenant/core";
 * const script = renderChecklist(checklist, "azure-cli");
 * const status = renderChecklist(await verifyChecklist(options), "text", { color: true });
 * ```
 */
export function renderChecklist(
  checklistOrReport: Checklist | ChecklistReport,
  format: ChecklistFormat,
  options: RenderChecklistOptions = {},
): string {
  const report = checklistOrReport.kind === "report" ? checklistOrReport : undefined;
  const checklist = report ? report.checklist : (checklistOrReport as Checklist);

  switch (format) {
    case "markdown":
      return renderMarkdown(checklist, report);
    case "text":
      return renderText(checklist, report, options);
    case "json":
      return `${JSON.stringify(report ?? checklist, null, 2)}\n`;
    case "azure-cli":
      return renderAzureCli(checklist, report);
    case "bicep":
      return renderBicep(checklist, report);
    case "terraform":
      return renderTerraform(checklist, report);
    default:
      throw new ConfigurationError(
        `Unknown checklist format "${String(format)}". Use one of: ${checklistFormats.join(", ")}.`,
        { issues: [{ path: "format", message: `must be one of ${checklistFormats.join(", ")}` }] },
      );
  }
}
