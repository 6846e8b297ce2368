import {
  deploymentStep,
  networkStep,
  type ResolvedContext,
  resourceLabel,
  roleStep,
  tenantLabel,
} from "./diagnose-context.js";
import {
  ContentFilterError,
  type CrossTenantError,
  type CrossTenantErrorOptions,
  RateLimitError,
  type ResourceAccessCode,
  ResourceAccessError,
} from "./errors.js";

/** One failed Azure OpenAI response, whichever layer (openai, LangChain, fetch) reported it. */
export interface ServiceFailure {
  readonly status: number;
  /** `error.code` of the body, when there is one. */
  readonly code: string | undefined;
  /** `error.message`, or the top-level `message` of the 401 shape, or the raw text. */
  readonly message: string;
  /** `error.innererror.code`, for the content filter. */
  readonly innerCode: string | undefined;
  readonly header: (name: string) => string | undefined;
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;

function headerReader(headers: unknown): (name: string) => string | undefined {
  const get = field(headers, "get");
  if (typeof get === "function") {
    return (name) => text(get.call(headers, name)) ?? undefined;
  }
  return (name) => {
    if (typeof headers !== "object" || headers === null) return undefined;
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
    return text(entry?.[1]);
  };
}

/**
 * Reads a failure from an Azure OpenAI response body (already parsed, or text) and headers. The
 * body's `error` object is the usual shape; the 401 for a bad token has `statusCode`/`message` at
 * the top level instead.
 */
export function serviceFailureFromBody(
  status: number,
  body: unknown,
  headers: unknown,
): ServiceFailure {
  const error = field(body, "error");
  const detail = typeof error === "object" && error !== null ? error : body;
  return {
    status,
    code: text(field(detail, "code")),
    message: text(field(detail, "message")) ?? (typeof body === "string" ? body : ""),
    innerCode: text(field(field(detail, "innererror"), "code")),
    header: headerReader(headers),
  };
}

/**
 * Reads a failure from an openai `APIError` by duck typing (two copies of openai can coexist):
 * numeric `status`, `headers`, and `error`, which the client sets to the body's `error` object,
 * or to the whole body when it had none (the 401 shape). LangChain's wrapping keeps all three.
 */
export function serviceFailureFromError(error: unknown): ServiceFailure | undefined {
  const status = field(error, "status");
  const headers = field(error, "headers");
  if (typeof status !== "number" || typeof headers !== "object" || headers === null)
    return undefined;

  const body = field(error, "error");
  const failure = serviceFailureFromBody(
    status,
    body === undefined ? "" : { error: body },
    headers,
  );
  if (failure.message !== "") return failure;
  // A body that was not JSON ends up in the message, after the status the SDK puts first.
  const message = text(field(error, "message")) ?? "";
  return { ...failure, message: message.replace(/^\d{3}\s+/, "") };
}

function retryAfterMs(failure: ServiceFailure): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number.parseFloat(failure.header(name) ?? "");
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = failure.header("retry-after")?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function access(
  code: ResourceAccessCode,
  message: string,
  options: CrossTenantErrorOptions,
): ResourceAccessError {
  return new ResourceAccessError(code, message, options);
}

/** Turns an Azure OpenAI failure into the typed error, or `undefined` when it is not one we know. */
export function explainServiceFailure(
  failure: ServiceFailure,
  context: ResolvedContext,
  cause: unknown,
): CrossTenantError | undefined {
  const { status, code, message } = failure;
  const base = {
    cause,
    status,
    ...(context.tenantId === undefined ? {} : { tenantId: context.tenantId }),
  };
  const where = resourceLabel(context);
  const tenant = tenantLabel(context);

  if (status === 401 && code === "PermissionDenied") {
    return access(
      "ROLE_MISSING",
      `${where} accepted the platform app's token from ${tenant} but the app holds no role that allows inference there (401 PermissionDenied). ${roleStep(context)}`,
      { ...base, checklistItem: "role-assignment" },
    );
  }
  if (
    status === 401 &&
    /access token is missing|audience is incorrect|have expired/i.test(message)
  ) {
    return access(
      "TOKEN_REJECTED",
      `${where} rejected the access token (401: missing, invalid, expired or for the wrong audience). Tokens must be requested from ${tenant} with scope ${context.cloud.cognitiveServicesScope} (cloud ${context.cloud.name}); check that the binding's cloud matches the resource's and that the token is fresh.`,
      { ...base, checklistItem: "tenant" },
    );
  }
  if (
    status === 400 &&
    (code === "Tenant provided in token does not match resource token" ||
      /token tenant .* does not match resource tenant/i.test(message))
  ) {
    const issuer = /token tenant ([0-9a-f-]{36})/i.exec(message)?.[1];
    return access(
      "TENANT_MISMATCH",
      `${where} belongs to another tenant than the one that issued the token${issuer ? ` (${issuer})` : ""}. The binding's tenant id must be the tenant that owns the resource's subscription: ask the customer which tenant that is and fix the binding.`,
      { ...base, checklistItem: "tenant" },
    );
  }
  if (status === 400 && /custom subdomain/i.test(message)) {
    return access(
      "CUSTOM_SUBDOMAIN_REQUIRED",
      `${where} refused Entra ID authentication because the call went to a regional endpoint. Use the resource's custom subdomain endpoint (https://{resource}${context.cloud.openAIHostSuffixes[0] ?? ".openai.azure.com"}); if the resource has none, the customer creates one (az cognitiveservices account update --custom-domain <name>).`,
      { ...base, checklistItem: "custom-subdomain" },
    );
  }
  if (
    status === 400 &&
    (code === "content_filter" || failure.innerCode === "ResponsibleAIPolicyViolation")
  ) {
    return new ContentFilterError(
      `${where} blocked the prompt with its content filter (ResponsibleAIPolicyViolation). This is not a setup problem: change the prompt, or ask the customer to review the deployment's content filter policy.`,
      base,
    );
  }
  if (
    status === 403 &&
    (failure.header("policy-id") === "ThrowExceptionDueToTrafficDenied" ||
      /virtual network\/firewall rules/i.test(message))
  ) {
    return access(
      "NETWORK_ACCESS_DENIED",
      `${where} refused the call from this network (403, Virtual Network/Firewall rules): the platform's egress IP is not allowed. ${networkStep(context)}`,
      { ...base, checklistItem: "network-access" },
    );
  }
  if (status === 403 && /public access is disabled/i.test(message)) {
    return access(
      "PUBLIC_ACCESS_DISABLED",
      `${where} has public network access disabled, so it only answers through a private endpoint. Connect the platform through a private endpoint to the resource, or have the customer enable public access for selected networks. ${networkStep(context)}`,
      { ...base, checklistItem: "network-access" },
    );
  }
  if (status === 403 && code === "AuthenticationTypeDisabled") {
    return access(
      "KEY_AUTH_DISABLED",
      `${where} has key authentication disabled, and the call sent an API key instead of an Entra ID token. The platform must never send keys: remove AZURE_OPENAI_API_KEY (and any apiKey option) from the process so the token provider is used.`,
      { ...base, checklistItem: "platform-credential" },
    );
  }
  if (status === 404 && code === "DeploymentNotFound") {
    const deployment = context.deployment;
    return access(
      "DEPLOYMENT_NOT_FOUND",
      `${where} has no deployment${deployment ? ` named "${deployment}"` : " of the requested name"} (404 DeploymentNotFound); a deployment created in the last few minutes may not be ready yet. ${deploymentStep(context, deployment)}`,
      { ...base, checklistItem: "deployment" },
    );
  }
  if (status === 429) {
    const delay = retryAfterMs(failure);
    return new RateLimitError(
      `${where} throttled the call for ${tenant} (429)${delay === undefined ? "" : `; it asks to retry after ${delay} ms`}. Retry later, spread the load, or ask the customer to raise the deployment's tokens-per-minute quota.`,
      { ...base, ...(delay === undefined ? {} : { retryAfterMs: delay }) },
    );
  }
  return undefined;
}

/** openai's own error for a completion the content filter cut (200 with finish_reason content_filter). */
export function isFilteredCompletion(error: unknown): boolean {
  return /rejected by the content filter/i.test(text(field(error, "message")) ?? "");
}
