import { timingSafeEqual } from "node:crypto";
import { type BuiltInCloudName, type CloudDefinition, resolveCloud } from "./cloud.js";
import { ConfigurationError, CrossTenantError } from "./errors.js";

/** Options of {@link adminConsentUrl}. */
export interface AdminConsentUrlOptions {
  /** The platform app's client (application) id. */
  readonly clientId: string;
  /** The customer's tenant: its id, or a verified domain such as `contoso.onmicrosoft.com`. */
  readonly tenantId: string;
  /** The cloud of the customer's tenant. Default `"public"`. */
  readonly cloud?: BuiltInCloudName | CloudDefinition;
  /** Where Entra ID sends the admin afterwards; must be a reply URL of the app registration. */
  readonly redirectUri?: string;
  /** An unguessable value echoed back on the redirect; check it with {@link parseConsentRedirect}. */
  readonly state?: string;
}

/** Options of {@link parseConsentRedirect}. */
export interface ParseConsentRedirectOptions {
  /** The `state` given to {@link adminConsentUrl} for this consent. */
  readonly expectedState: string;
}

/** The outcome of a successful admin consent. */
export interface ConsentResult {
  /** The tenant that consented, lowercase. */
  readonly tenantId: string;
  /** Always `true`: a refusal throws instead. */
  readonly adminConsent: true;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const domainName = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
// These let any tenant's admin consent; the platform asks one specific customer tenant.
const multiTenantAliases = new Set(["common", "organizations", "consumers"]);

function invalid(path: string, message: string): never {
  throw new ConfigurationError(`Invalid admin-consent ${path}: ${message}`, {
    issues: [{ path, message }],
  });
}

function checkRedirectUri(redirectUri: string) {
  if (!URL.canParse(redirectUri)) invalid("redirectUri", "must be an absolute URL");
  const url = new URL(redirectUri);
  const loopback = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    invalid("redirectUri", "must be https (plain http is only allowed for localhost)");
  }
  if (url.username || url.password || url.hash) {
    invalid("redirectUri", "must not carry user info or a fragment");
  }
}

/**
 * Builds the URL a customer's admin opens to consent the platform app into their tenant, which
 * creates the app's service principal there (checklist step `app-consent`). The CLI equivalent is
 * `az ad sp create --id {clientId}`.
 *
 * @throws {ConfigurationError} when the client id is not a GUID, the tenant is not a GUID or a
 *   domain (or is a multi-tenant alias such as `common`), or the redirect URI is not https.
 * @example
 * ```ts
 * import { adminConsentUrl } from "@crosstenant/core";
 * adminConsentUrl({
 *   clientId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
 *   tenantId: "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c",
 * });
 * // "https://login.microsoftonline.com/6f1c3b2a-…/adminconsent?client_id=0b1c2d3e-…"
 * ```
 */
export function adminConsentUrl(options: AdminConsentUrlOptions): string {
  const { clientId, tenantId, redirectUri, state } = options;
  if (typeof clientId !== "string" || !guid.test(clientId)) {
    invalid("clientId", "must be the platform app's client (application) id, a GUID");
  }
  if (
    typeof tenantId !== "string" ||
    multiTenantAliases.has(tenantId.toLowerCase()) ||
    !(guid.test(tenantId) || domainName.test(tenantId))
  ) {
    invalid(
      "tenantId",
      "must be the customer's tenant id (a GUID) or verified domain, not common/organizations/consumers",
    );
  }
  if (redirectUri !== undefined) checkRedirectUri(redirectUri);
  if (state !== undefined && state.length === 0) invalid("state", "must not be empty");

  const cloud = resolveCloud(options.cloud);
  const url = new URL(
    `${cloud.authorityHost}/${encodeURIComponent(tenantId.toLowerCase())}/adminconsent`,
  );
  url.searchParams.set("client_id", clientId.toLowerCase());
  if (redirectUri !== undefined) url.searchParams.set("redirect_uri", redirectUri);
  if (state !== undefined) url.searchParams.set("state", state);
  return url.href;
}

function sameState(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Reads the redirect Entra ID sends after an admin-consent prompt (the request URL that reached
 * the app's `redirectUri`). The state is checked first, in constant time: a redirect whose
 * state does not match was not started by the platform and may be forged.
 *
 * @throws {ConfigurationError} (code `CONFIGURATION_INVALID`) when the state is missing or does
 *   not match, or the redirect is malformed.
 * @throws {CrossTenantError} with code `CONSENT_MISSING` and checklist step `app-consent` when the
 *   admin refused (`error=permission_denied`) or consent failed.
 * @example
 * ```ts
 * import { parseConsentRedirect } from "@crosstenant/core";
 * const result = parseConsentRedirect(request.url, { expectedState: session.consentState });
 * result.tenantId; // the tenant that consented
 * ```
 */
export function parseConsentRedirect(
  url: string | URL,
  options: ParseConsentRedirectOptions,
): ConsentResult {
  if (typeof options?.expectedState !== "string" || options.expectedState.length === 0) {
    invalid("expectedState", "give the state passed to adminConsentUrl for this consent");
  }
  const href = typeof url === "string" ? url : url instanceof URL ? url.href : undefined;
  if (href === undefined || !URL.canParse(href)) {
    invalid("redirect", "the consent redirect must be an absolute URL");
  }
  const params = new URL(href).searchParams;

  if (!sameState(params.get("state"), options.expectedState)) {
    throw new ConfigurationError(
      "The admin-consent redirect's state does not match the one this platform issued, so it was not started here and may be forged. Ignore it, and ask the customer's admin to start consent again from the platform's link.",
      { issues: [{ path: "state", message: "missing or different from expectedState" }] },
    );
  }
  const tenant = params.get("tenant");
  const tenantId = tenant !== null && guid.test(tenant) ? tenant.toLowerCase() : undefined;
  const error = params.get("error");
  if (error !== null) {
    const description = (params.get("error_description") ?? "").slice(0, 300);
    throw new CrossTenantError(
      "CONSENT_MISSING",
      `Admin consent was not granted${tenantId ? ` in tenant ${tenantId}` : ""}: Entra ID answered "${error}"${description ? ` (${description})` : ""}. A Global Administrator, Privileged Role Administrator or Cloud Application Administrator of the customer's tenant must open the admin-consent link again and accept.`,
      { checklistItem: "app-consent", ...(tenantId ? { tenantId } : {}) },
    );
  }
  if (params.get("admin_consent")?.toLowerCase() !== "true" || tenantId === undefined) {
    invalid(
      "redirect",
      "the redirect carries neither an error nor admin_consent=True with a tenant id; pass the full URL Entra ID redirected to",
    );
  }

  return Object.freeze({ tenantId, adminConsent: true });
}
