import { type ChecklistItemId, checklistItemIds } from "../checklist-items.js";
import type { CrossTenantErrorCode } from "../errors.js";
import type { ReportSummary, StepReport, StepStatus } from "./types.js";

const severity: Readonly<Record<StepStatus, number>> = {
  skipped: 0,
  unknown: 1,
  pass: 2,
  warn: 3,
  fail: 4,
};

interface MutableStep {
  status: StepStatus;
  evidence: string[];
  fix: string | undefined;
  errorCode: CrossTenantErrorCode | undefined;
}

/** One finding of a probe about a step. */
export interface Finding {
  readonly status: StepStatus;
  readonly evidence: string;
  readonly fix?: string;
  readonly errorCode?: CrossTenantErrorCode;
  /** Its fix is more exact than an earlier one of the same severity, and replaces it. */
  readonly preferred?: boolean;
}

/**
 * Collects the findings of every probe per step. A step's status is the most severe finding
 * (fail > warn > pass > unknown > skipped): a probe that could not tell never hides one that
 * could, and a pass from one probe never hides a failure seen by another.
 */
export class ReportState {
  readonly #steps = new Map<ChecklistItemId, MutableStep>(
    checklistItemIds.map((id) => [
      id,
      { status: "skipped", evidence: [], fix: undefined, errorCode: undefined },
    ]),
  );

  add(id: ChecklistItemId, finding: Finding): void {
    const step = this.#steps.get(id);
    if (!step) return;
    if (!step.evidence.includes(finding.evidence)) step.evidence.push(finding.evidence);
    if (severity[finding.status] < severity[step.status]) return;
    if (severity[finding.status] > severity[step.status] || step.fix === undefined) {
      step.fix = finding.fix;
      step.errorCode = finding.errorCode;
    } else if (finding.preferred && finding.fix !== undefined) {
      step.fix = finding.fix;
      step.errorCode = finding.errorCode ?? step.errorCode;
    }
    step.status = finding.status;
  }

  status(id: ChecklistItemId): StepStatus {
    return this.#steps.get(id)?.status ?? "unknown";
  }

  steps(): StepReport[] {
    return checklistItemIds.map((id) => {
      const step = this.#steps.get(id) as MutableStep;
      const needsFix = step.status !== "pass" && step.status !== "skipped";
      return {
        id,
        status: step.status,
        evidence: [...step.evidence],
        ...(needsFix && step.fix ? { fix: step.fix } : {}),
        ...(step.errorCode ? { errorCode: step.errorCode } : {}),
      };
    });
  }
}

/** Counts the statuses; the overall status is the worst of fail, warn, unknown, else pass. */
export function summarize(steps: readonly StepReport[]): ReportSummary {
  const counts: Record<StepStatus, number> = { pass: 0, fail: 0, warn: 0, unknown: 0, skipped: 0 };
  for (const step of steps) counts[step.status] += 1;

  const status = counts.fail ? "fail" : counts.warn ? "warn" : counts.unknown ? "unknown" : "pass";
  const named = (wanted: StepStatus) =>
    steps.filter((step) => step.status === wanted).map((step) => step.id);
  const parts = [`${counts.pass}/${steps.length} steps pass`];
  if (counts.fail) parts.push(`fix: ${named("fail").join(", ")}`);
  if (counts.warn) parts.push(`review: ${named("warn").join(", ")}`);
  if (counts.unknown) parts.push(`not verified: ${named("unknown").join(", ")}`);
  if (counts.skipped) parts.push(`skipped: ${named("skipped").join(", ")}`);
  return { status, counts, text: `${status.toUpperCase()}: ${parts.join("; ")}.` };
}
