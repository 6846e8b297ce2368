import type { ChecklistItemId } from "./checklist-items.js";
import { consentStep, type ResolvedContext, tenantLabel } from "./diagnose-context.js";
import { type TokenAcquisitionCode, TokenAcquisitionError } from "./errors.js";

/** What one Entra ID failure looks like once found in an error, its causes or a response body. */
export interface EntraFailure {
  readonly aadstsCode: number | undefined;
  readonly msalCode: string | undefined;
  readonly status: number | undefined;
  /** Entra ID's own description, first line only (the rest is trace and correlation ids). */
  readonly description: string | undefined;
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

const aadstsInText = (value: unknown) => {
  const match = /AADSTS(\d{5,8})/.exec(text(value) ?? "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

const firstLine = (value: unknown) =>
  text(value)
    ?.split(/\r?\n/)[0]
    ?.replace(/\s*Trace ID:.*$/i, "")
    .slice(0, 300);

/**
 * Finds an Entra ID failure by duck typing, never `instanceof`: `@azure/identity`'s
 * AuthenticationError (`errorResponse.errorCodes`), MSAL's ServerError (`errorNo`, `errorCode`,
 * `status`) anywhere in the cause chain, or an `AADSTS` number in a message.
 */
export function findEntraFailure(error: unknown): EntraFailure | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let structured: number | undefined;
  let inText: number | undefined;
  let msalCode: string | undefined;
  let status: number | undefined;
  let description: string | undefined;

  // Walk the whole (bounded) chain: a wrapper's message names the code, its cause has the status.
  while (queue.length > 0 && seen.size < 16) {
    const node = queue.shift();
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);

    const response = field(node, "errorResponse");
    const codes = field(response, "errorCodes");
    const errorNo = text(field(node, "errorNo"));
    const errorCode = text(field(node, "errorCode"));
    const nodeStructured =
      (Array.isArray(codes) && typeof codes[0] === "number" ? codes[0] : undefined) ??
      (errorNo && /^\d+$/.test(errorNo) ? Number(errorNo) : undefined) ??
      (errorCode && /^\d+$/.test(errorCode) ? Number(errorCode) : undefined);
    const nodeInText =
      aadstsInText(field(response, "errorDescription")) ??
      aadstsInText(field(node, "errorMessage")) ??
      aadstsInText(field(node, "message"));
    const nodeMsal =
      errorCode === "endpoints_resolution_error" ||
      /endpoints_resolution_error/.test(text(field(node, "message")) ?? "");
    const nodeStatus = field(node, "statusCode") ?? field(node, "status");

    if (nodeStructured !== undefined || nodeInText !== undefined || nodeMsal) {
      structured ??= nodeStructured;
      inText ??= nodeInText;
      if (nodeMsal) msalCode ??= "endpoints_resolution_error";
      if (typeof nodeStatus === "number") status ??= nodeStatus;
      description ??= firstLine(field(response, "errorDescription") ?? field(node, "errorMessage"));
    }
    queue.push(field(node, "cause"));
    const errors = field(node, "errors");
    if (Array.isArray(errors)) queue.push(...errors);
  }

  const aadstsCode = structured ?? inText;
  if (aadstsCode === undefined && msalCode === undefined) return undefined;
  return { aadstsCode, msalCode, status, description };
}

/** Reads an Entra ID token endpoint error body (`error_codes`, `error_description`). */
export function entraFailureFromBody(body: unknown, status: number): EntraFailure | undefined {
  const codes = field(body, "error_codes");
  const aadstsCode =
    (Array.isArray(codes) && typeof codes[0] === "number" ? codes[0] : undefined) ??
    aadstsInText(field(body, "error_description"));
  if (aadstsCode === undefined) return undefined;
  return {
    aadstsCode,
    msalCode: undefined,
    status,
    description: firstLine(field(body, "error_description")),
  };
}

interface Explanation {
  readonly code: TokenAcquisitionCode;
  readonly checklistItem?: ChecklistItemId;
  readonly message: (context: ResolvedContext) => string;
}

const appLabel = (context: ResolvedContext) =>
  context.clientId ? `the platform app ${context.clientId}` : "the platform app";
const capitalized = (sentence: string) => sentence.charAt(0).toUpperCase() + sentence.slice(1);

const federated: Explanation = {
  code: "PLATFORM_FEDERATED_TOKEN_INVALID",
  checklistItem: "platform-credential",
  message: (c) =>
    `Entra ID refused the federated assertion of ${appLabel(c)}: no federated identity credential on the app registration matches the presented token's issuer, subject and audience (audience must be ${c.cloud.federatedTokenAudience}), the token is not app-only, or it has expired. Check the app's federated credentials (az ad app federated-credential list --id ${c.clientId ?? "<client id>"}) against the managed or workload identity that signs in.`,
};

const explanations: ReadonlyMap<number, Explanation> = new Map<number, Explanation>([
  [
    700016,
    {
      code: "CONSENT_MISSING",
      checklistItem: "app-consent",
      message: (c) =>
        `${capitalized(appLabel(c))} is not provisioned in ${tenantLabel(c)}: no admin has consented to it there, or the tenant id is wrong. ${consentStep(c)}`,
    },
  ],
  [
    7000215,
    {
      code: "PLATFORM_SECRET_INVALID",
      checklistItem: "platform-credential",
      message: (c) =>
        `Entra ID rejected the client secret of ${appLabel(c)}. It is wrong; a common slip is using the secret's ID instead of its value. Configure the secret's value, or better, move to a certificate or a federated managed identity.`,
    },
  ],
  [
    7000222,
    {
      code: "PLATFORM_SECRET_EXPIRED",
      checklistItem: "platform-credential",
      message: (c) =>
        `The client secret of ${appLabel(c)} has expired. Add a new one (az ad app credential reset --id ${c.clientId ?? "<client id>"} --append) and deploy it, or move to a certificate or a federated managed identity, which do not expire this way.`,
    },
  ],
  [
    700027,
    {
      code: "PLATFORM_CERTIFICATE_NOT_REGISTERED",
      checklistItem: "platform-credential",
      message: (c) =>
        `The certificate that signed the client assertion is not registered on ${appLabel(c)}. Upload its public certificate to the app registration (az ad app credential reset --id ${c.clientId ?? "<client id>"} --cert @platform.pem --append), or sign with a certificate that is registered.`,
    },
  ],
  [
    7000112,
    {
      code: "APP_DISABLED",
      checklistItem: "app-consent",
      message: (c) =>
        `${capitalized(appLabel(c))} is disabled in ${tenantLabel(c)} (its service principal has sign-in turned off, or the app registration was disabled). The customer's admin enables the enterprise application again ("Enabled for users to sign in": yes), or the platform re-enables its app registration.`,
    },
  ],
  [
    90002,
    {
      code: "TENANT_NOT_FOUND",
      checklistItem: "tenant",
      message: (c) =>
        `Entra ID at ${c.cloud.authorityHost} does not know ${tenantLabel(c)}. The tenant id in the binding is wrong, or the tenant lives in another national cloud: check the id with the customer and the binding's cloud (now ${c.cloud.name}).`,
    },
  ],
  [
    90038,
    {
      code: "TENANT_IN_OTHER_CLOUD",
      checklistItem: "tenant",
      message: (c) =>
        `${capitalized(tenantLabel(c))} belongs to another national cloud than ${c.cloud.name}. Set the binding's cloud to the tenant's cloud; the platform then needs an app registered in that cloud too.`,
    },
  ],
  [
    500011,
    {
      code: "RESOURCE_NOT_IN_TENANT",
      checklistItem: "tenant",
      message: (c) =>
        `${capitalized(tenantLabel(c))} has no service principal for ${c.cloud.cognitiveServicesAudience}: the tenant has no Azure AI services resource, or the binding names the wrong tenant (not the one that owns the resource) or the wrong cloud. Check which tenant owns the resource's subscription.`,
    },
  ],
  [
    70011,
    {
      code: "SCOPE_INVALID",
      message: (c) =>
        `Entra ID rejected the requested scope. Azure OpenAI tokens of cloud ${c.cloud.name} are asked with scope ${c.cloud.cognitiveServicesScope}; check the cloud definition and any scope given explicitly.`,
    },
  ],
  [
    90033,
    {
      code: "TOKEN_REQUEST_FAILED",
      message: (c) =>
        `Entra ID had a transient failure while issuing a token for ${tenantLabel(c)}. Nothing in the setup is wrong: retry with backoff, and check the Azure status page if it lasts.`,
    },
  ],
  ...[70021, 700024, 700211, 700212, 700213, 700229, 700238].map(
    (code) => [code, federated] as const,
  ),
]);

function authorityUnreachable(context: ResolvedContext): string {
  return `Entra ID could not be used to get a token for ${tenantLabel(context)}: MSAL could not resolve the authority's endpoints at ${context.cloud.authorityHost} (endpoints_resolution_error). The real cause is one of: the tenant id does not exist; the tenant is in another cloud than ${context.cloud.name}; the authority host is wrong or unreachable (DNS, proxy, firewall); TLS failed (a private CA that is not trusted: give the cloud's caPem); or instance discovery could not reach login.microsoftonline.com (disable it for a defined cloud). Check the tenant id and cloud first, then the network.`;
}

/** Turns an Entra ID failure into the typed error, with a remediation for the context. */
export function explainEntraFailure(
  failure: EntraFailure,
  context: ResolvedContext,
  cause: unknown,
): TokenAcquisitionError {
  const options = {
    cause,
    ...(context.tenantId === undefined ? {} : { tenantId: context.tenantId }),
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.aadstsCode === undefined ? {} : { aadstsCode: failure.aadstsCode }),
  };
  const known = failure.aadstsCode === undefined ? undefined : explanations.get(failure.aadstsCode);
  if (known) {
    return new TokenAcquisitionError(
      known.code,
      `Token request failed with AADSTS${failure.aadstsCode}. ${known.message(context)}`,
      { ...options, ...(known.checklistItem ? { checklistItem: known.checklistItem } : {}) },
    );
  }
  if (failure.aadstsCode === undefined) {
    return new TokenAcquisitionError("AUTHORITY_UNREACHABLE", authorityUnreachable(context), {
      ...options,
      checklistItem: "tenant",
    });
  }
  return new TokenAcquisitionError(
    "TOKEN_REQUEST_FAILED",
    `Entra ID refused a token for ${tenantLabel(context)} with AADSTS${failure.aadstsCode}${failure.description ? `: ${failure.description}` : ""}. Look the code up at https://login.microsoftonline.com/error?code=${failure.aadstsCode}.`,
    options,
  );
}
