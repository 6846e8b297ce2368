import type { ChecklistItemId } from "../checklist-items.js";
import type { CrossTenantErrorCode } from "../errors.js";

/**
 * Version of the checklist and report JSON shapes (`docs/checklist-json-schema.md`); bumped only
 * on a breaking change.
 *
 * @example
 * ```ts
 * import { CHECKLIST_SCHEMA_VERSION } from "@crosstenant/core";
 * const report = JSON.parse(text);
 * if (report.schemaVersion !== CHECKLIST_SCHEMA_VERSION) throw new Error("unknown report version");
 * ```
 */
export const CHECKLIST_SCHEMA_VERSION = 1;

/** One fact a step needs, shown to the customer's admin exactly as it must be entered. */
export interface ChecklistFact {
  readonly label: string;
  readonly value: string;
}

/** The ways to carry out a step; empty when a way does not apply. */
export interface ChecklistHow {
  /** Azure portal steps, in order. */
  readonly portal: readonly string[];
  /** Azure CLI commands (bash), using the variables of the generated script. */
  readonly azureCli: readonly string[];
  /** Bicep lines, or a comment saying why Bicep cannot express the step. */
  readonly bicep: readonly string[];
  /** Terraform (azurerm / azuread) lines, or a comment saying why it cannot express the step. */
  readonly terraform: readonly string[];
}

/** One step of a checklist, with a stable id from `checklistItemIds`. */
export interface ChecklistStep {
  readonly id: ChecklistItemId;
  readonly title: string;
  readonly owner: "platform" | "customer";
  /** False for recommended steps (local auth disabled). */
  readonly required: boolean;
  readonly why: string;
  readonly what: readonly ChecklistFact[];
  readonly how: ChecklistHow;
  /** How `verifyChecklist` checks the step. */
  readonly verification: string;
}

/** What a checklist is about: one customer tenant and its Azure OpenAI resource. */
export interface ChecklistTarget {
  readonly tenantId: string;
  readonly displayName?: string;
  readonly cloud: string;
  readonly endpoint: string;
  readonly resourceName: string;
  readonly armResourceId?: string;
  readonly resourceGroup?: string;
  readonly subscriptionId?: string;
  readonly accountName?: string;
  readonly deployments: readonly string[];
  readonly apiVersion: string;
}

/**
 * The ordered steps a customer (and the platform) must take for one tenant binding, as
 * `buildChecklist` returns it.
 *
 * @example
 * ```ts
 * import { buildChecklist, type Checklist } from "@crosstenant/core";
 * const checklist: Checklist = buildChecklist({ app, binding, egressIps: ["203.0.113.10"] });
 * for (const step of checklist.steps) console.log(step.id, step.owner, step.title);
 * ```
 */
export interface Checklist {
  readonly schemaVersion: typeof CHECKLIST_SCHEMA_VERSION;
  readonly kind: "checklist";
  readonly app: {
    readonly clientId: string;
    readonly homeTenantId?: string;
    readonly adminConsentUrl: string;
  };
  readonly role: { readonly name: string; readonly id: string };
  readonly target: ChecklistTarget;
  readonly egressIps: readonly string[];
  readonly privateEndpoint: boolean;
  readonly steps: readonly ChecklistStep[];
}

/**
 * Outcome of one step after verification: `pass`; `fail` (must be fixed); `warn` (works, but
 * should change); `unknown` (a probe could not tell, often because an earlier step failed);
 * `skipped` (not checked, by configuration).
 *
 * @example
 * ```ts
 * import type { StepStatus } from "@crosstenant/core";
 * const blocking = (status: StepStatus) => status === "fail";
 * ```
 */
export type StepStatus = "pass" | "fail" | "warn" | "unknown" | "skipped";

/** The verified state of one step. */
export interface StepReport {
  readonly id: ChecklistItemId;
  readonly status: StepStatus;
  /** What the probes observed, one line each; identifiers only, never a token. */
  readonly evidence: readonly string[];
  /** What to do, when the status is not `pass`. */
  readonly fix?: string;
  /** The diagnosed error code behind a failure, when there was one. */
  readonly errorCode?: CrossTenantErrorCode;
}

/** Counts of step statuses, and the overall status (the worst one; `skipped` never counts). */
export interface ReportSummary {
  readonly status: "pass" | "fail" | "warn" | "unknown";
  readonly counts: Readonly<Record<StepStatus, number>>;
  readonly text: string;
}

/**
 * The result of `verifyChecklist`: the checklist, every step's status and evidence, a summary.
 *
 * @example
 * ```ts
 * import { verifyChecklist } from "@crosstenant/core";
 * const report = await verifyChecklist({ app, binding, egressIps: ["203.0.113.10"] });
 * for (const step of report.steps.filter((s) => s.status === "fail")) console.error(step.id, step.fix);
 * ```
 */
export interface ChecklistReport {
  readonly schemaVersion: typeof CHECKLIST_SCHEMA_VERSION;
  readonly kind: "report";
  readonly checklist: Checklist;
  readonly steps: readonly StepReport[];
  /** The platform app's service principal object id in the customer tenant, when a token showed it. */
  readonly principalObjectId?: string;
  readonly summary: ReportSummary;
}

/**
 * Output formats of `renderChecklist`.
 *
 * @example
 * ```ts
 * import { type ChecklistFormat, renderChecklist } from "@crosstenant/core";
 * const format: ChecklistFormat = "terraform";
 * writeFileSync("crosstenant.tf", renderChecklist(checklist, format));
 * ```
 */
export type ChecklistFormat = "markdown" | "text" | "json" | "azure-cli" | "bicep" | "terraform";

/**
 * Every format `renderChecklist` accepts, in the order the CLI lists them.
 *
 * @example
 * ```ts
 * import { checklistFormats, renderChecklist } from "@crosstenant/core";
 * const all = checklistFormats.map((format) => renderChecklist(checklist, format));
 * ```
 */
export const checklistFormats: readonly ChecklistFormat[] = Object.freeze([
  "markdown",
  "text",
  "json",
  "azure-cli",
  "bicep",
  "terraform",
]);
