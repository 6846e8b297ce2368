import { createTenantBinding, type TenantBinding } from "../binding.js";
import type { ChecklistItemId } from "../checklist-items.js";
import { type CloudDefinition, resolveCloud } from "../cloud.js";
import { createCloudFetch } from "../cloud-fetch.js";
import { parseEndpoint } from "../endpoint.js";
import { ConfigurationError, CrossTenantError, OperationCancelledError } from "../errors.js";
import { logger } from "../logger.js";
import { buildChecklist } from "./build.js";
import { explainTokenFailure } from "./explain-token-failure.js";
import { probeArm } from "./probe-arm.js";
import { probeDataPlane } from "./probe-data-plane.js";
import { principalObjectIdOf, type VerifierApp, withTimeout } from "./probes.js";
import { ReportState, summarize } from "./report-state.js";
import { CHECKLIST_SCHEMA_VERSION, type ChecklistReport } from "./types.js";

/** A probe starting or ending, for live progress output. */
export interface VerifyProgressEvent {
  readonly probe: "token" | "data-plane" | "arm";
  readonly state: "start" | "done";
  readonly detail?: string;
}

/** Options of {@link verifyChecklist}. */
export interface VerifyChecklistOptions {
  /** The platform app; a `PlatformApp` from `createPlatformApp` fits. */
  readonly app: VerifierApp;
  /**
   * The tenant binding, or the input of `createTenantBinding`. An input whose only problem is
   * its endpoint (a regional endpoint, say) is still verified: `custom-subdomain` fails and
   * every other probe that does not need the endpoint still runs.
   */
  readonly binding: TenantBinding | unknown;
  /** The platform's public egress IPs or CIDR ranges. */
  readonly egressIps: readonly string[];
  /** The platform reaches the resource through a private endpoint. */
  readonly privateEndpoint?: boolean;
  /** Also send a one-token chat completion to each deployment (costs one token each). */
  readonly probeDeployment?: boolean;
  /** Timeout of each probe. Default 15 000 ms. */
  readonly timeoutInMs?: number;
  readonly abortSignal?: AbortSignal;
  /** Called as probes start and end. */
  readonly onProgress?: (event: VerifyProgressEvent) => void;
}

const isTenantBinding = (value: unknown): value is TenantBinding =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { endpoint?: { host?: unknown } }).endpoint?.host === "string" &&
  typeof (value as { cloud?: { name?: unknown } }).cloud?.name === "string";

interface ResolvedBinding {
  readonly binding: TenantBinding;
  readonly endpointError?: CrossTenantError;
}

/**
 * Accepts a binding whose endpoint alone is invalid, so that the rest can still be verified.
 * The stand-in endpoint is never sent a token: the data-plane probe is skipped for it.
 */
function resolveBinding(input: unknown): ResolvedBinding {
  if (isTenantBinding(input)) return { binding: input };
  try {
    return { binding: createTenantBinding(input) };
  } catch (error) {
    const onlyEndpoint =
      error instanceof ConfigurationError &&
      error.issues.length > 0 &&
      error.issues.every(
        (issue) => issue.path === "endpoint" || issue.path.startsWith("endpoint."),
      );
    if (!onlyEndpoint) throw error;

    const raw = input as Record<string, unknown>;
    const cloud = resolveCloud(raw.cloud as never);
    const suffix = cloud.openAIHostSuffixes[0] ?? ".invalid";
    const placeholder = createTenantBinding({ ...raw, endpoint: `https://unset${suffix}` });
    const endpointText = String(raw.endpoint);
    return {
      binding: Object.freeze({
        ...placeholder,
        endpoint: Object.freeze({ ...placeholder.endpoint, url: endpointText, resourceName: "" }),
      }),
      endpointError: endpointErrorOf(raw.endpoint, cloud) ?? error,
    };
  }
}

/** The endpoint's own validation error, with its precise code (ENDPOINT_REGIONAL, …). */
function endpointErrorOf(endpoint: unknown, cloud: CloudDefinition): CrossTenantError | undefined {
  try {
    parseEndpoint(endpoint, { cloud });
    return undefined;
  } catch (error) {
    return error instanceof CrossTenantError ? error : undefined;
  }
}

/**
 * Verifies a customer's setup live, step by step, and returns a report with each step's status
 * (pass / fail / warn / unknown / skipped), evidence and fix. Probes, in order:
 *
 * 1. a data-plane token from the customer tenant (tenant, platform credential, consent);
 * 2. an empty chat request to each deployment, which Azure authorizes (tenant match, role,
 *    network, deployment) and then refuses as invalid, so it costs nothing; with
 *    `probeDeployment`, also a one-token completion;
 * 3. with `binding.armResourceId`: an ARM token, the account (custom subdomain, network rules
 *    against the egress IPs, local auth), its deployments, and the app's role assignments
 *    (least privilege).
 *
 * Every probe has a timeout; a failed probe marks what depends on it `unknown` with the reason
 * and never hides the others. Tokens go only to the binding's endpoint and the cloud's ARM host.
 *
 * @throws {ConfigurationError} for invalid options (egress IPs, binding); never for a failed check.
 * @throws {OperationCancelledError} `ABORTED` when `abortSignal` fires.
 * @example
 * ```ts
 * import { createPlatformApp, renderChecklist, verifyChecklist } from "@crosstenant/core";
 * const report = await verifyChecklist({ app, binding, egressIps: ["203.0.113.10"] });
 * if (report.summary.status !== "pass") console.error(renderChecklist(report, "text"));
 * ```
 */
export async function verifyChecklist(options: VerifyChecklistOptions): Promise<ChecklistReport> {
  const { app, abortSignal } = options;
  const timeoutInMs = options.timeoutInMs ?? 15_000;
  const { binding, endpointError } = resolveBinding(options.binding);
  const checklist = buildChecklist({
    app,
    binding,
    egressIps: options.egressIps,
    privateEndpoint: options.privateEndpoint ?? false,
  });
  const state = new ReportState();
  const progress = (event: VerifyProgressEvent) => options.onProgress?.(event);
  const cloudFetch = createCloudFetch(binding.cloud);

  if (endpointError) {
    state.add("custom-subdomain", {
      status: "fail",
      evidence: `The endpoint ${binding.endpoint.url} is not a custom-subdomain endpoint of cloud ${binding.cloud.name}`,
      fix: endpointError.message,
      errorCode: endpointError.code,
    });
  } else {
    state.add("custom-subdomain", {
      status: "pass",
      evidence: `${binding.endpoint.url} is the custom subdomain "${binding.endpoint.resourceName}" of cloud ${binding.cloud.name}`,
    });
  }

  app.invalidate?.(binding.tenantId, { scope: binding.cloud.cognitiveServicesScope });
  app.invalidate?.(binding.tenantId, { scope: binding.cloud.armScope });

  progress({ probe: "token", state: "start" });
  let token: string | undefined;
  try {
    const result = await withTimeout("The token request", timeoutInMs, abortSignal, (signal) =>
      app.getToken(binding.tenantId, {
        scope: binding.cloud.cognitiveServicesScope,
        abortSignal: signal,
      }),
    );
    token = result.token;
    const objectId = principalObjectIdOf(token);
    state.add("tenant", { status: "pass", evidence: `Tenant ${binding.tenantId} issued a token` });
    state.add("platform-credential", {
      status: "pass",
      evidence: `App ${app.clientId} authenticated with its credential`,
    });
    state.add("app-consent", {
      status: "pass",
      evidence: `The app has a service principal in the tenant${objectId ? ` (object id ${objectId})` : ""}`,
    });
    progress({ probe: "token", state: "done", detail: "pass" });
  } catch (error) {
    rethrowAbort(error);
    const diagnosed = await explainTokenFailure(error, {
      binding,
      clientId: app.clientId,
      fetch: cloudFetch,
      timeoutInMs,
      abortSignal,
    });
    recordTokenFailure(state, diagnosed);
    progress({ probe: "token", state: "done", detail: "fail" });
  }
  const principalObjectId = token ? principalObjectIdOf(token) : undefined;

  if (token && !endpointError) {
    progress({ probe: "data-plane", state: "start" });
    for (const [id, finding] of await probeDataPlane({
      binding,
      token,
      fetch: cloudFetch,
      timeoutInMs,
      abortSignal,
      probeDeployment: options.probeDeployment ?? false,
      clientId: app.clientId,
      egressIps: checklist.egressIps,
      privateEndpoint: checklist.privateEndpoint,
    })) {
      state.add(id, finding);
    }
    progress({ probe: "data-plane", state: "done" });
  } else {
    const reason = token
      ? "the endpoint is invalid, so no token was sent to it"
      : "no data-plane token: fix the token steps first";
    for (const id of ["role-assignment", "network-access", "deployment"] as const) {
      state.add(id, { status: "unknown", evidence: `Data-plane probe not run: ${reason}` });
    }
  }

  if (binding.armResourceId) {
    progress({ probe: "arm", state: "start" });
    for (const [id, finding] of await probeArm({
      app,
      binding,
      checklist,
      fetch: cloudFetch,
      timeoutInMs,
      abortSignal,
      principalObjectId,
      endpointValid: !endpointError,
    })) {
      state.add(id, finding);
    }
    progress({ probe: "arm", state: "done" });
  } else {
    const reason = "no armResourceId in the binding, so the account's settings were not read";
    state.add("local-auth-disabled", { status: "skipped", evidence: reason });
  }

  const steps = state.steps();
  const summary = summarize(steps);
  logger.info(`crosstenant: verified tenant ${binding.tenantId}: ${summary.text}`);
  return {
    schemaVersion: CHECKLIST_SCHEMA_VERSION,
    kind: "report",
    checklist,
    steps,
    ...(principalObjectId ? { principalObjectId } : {}),
    summary,
  };
}

function rethrowAbort(error: unknown): void {
  if (error instanceof OperationCancelledError && error.code === "ABORTED") throw error;
}

const tokenSteps: readonly ChecklistItemId[] = ["tenant", "platform-credential", "app-consent"];

/**
 * Maps a diagnosed token failure to its step. Entra ID resolves the tenant before anything else,
 * so a failure of a later step proves the tenant; the other token steps stay unknown.
 */
function recordTokenFailure(state: ReportState, diagnosed: unknown): void {
  const known = diagnosed instanceof CrossTenantError ? diagnosed : undefined;
  const failed = known?.checklistItem;
  const message =
    known?.message ?? (diagnosed instanceof Error ? diagnosed.message : "unknown error");
  const code = known?.code ?? "unrecognized error";
  logger.info(`crosstenant: token probe failed: ${code}`);

  for (const id of tokenSteps) {
    if (id === failed) {
      state.add(id, {
        status: "fail",
        evidence: `Token request refused: ${code}`,
        fix: message,
        ...(known ? { errorCode: known.code } : {}),
      });
    } else if (id === "tenant" && failed && tokenSteps.includes(failed)) {
      state.add(id, { status: "pass", evidence: "Entra ID found the tenant" });
    } else {
      state.add(id, {
        status: "unknown",
        evidence: failed
          ? `Not verified: the token request failed at ${failed}`
          : `Token request failed (${code}): ${message}`,
        ...(failed ? {} : { fix: message }),
      });
    }
  }
  if (failed && !tokenSteps.includes(failed)) {
    state.add(failed, { status: "fail", evidence: `Token request refused: ${code}`, fix: message });
  }
}
