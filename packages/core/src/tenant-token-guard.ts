import type { AccessToken } from "@azure/core-auth";
import { TokenAcquisitionError } from "./errors.js";
import { readTokenClaims } from "./token-claims.js";
import type { TenantAccessToken } from "./token-source.js";

/**
 * The tenant guard: a token is only ever handed out if its `tid` claim is the tenant it was
 * asked from. A credential can silently return another tenant's token (a shared credential under
 * AZURE_IDENTITY_DISABLE_MULTITENANTAUTH, a custom credential ignoring `tenantId`); sent to the
 * customer's resource it would fail at best and cross tenants at worst. A token that is not a JWT
 * cannot be checked and is refused too, unless the app opted out for an opaque custom credential.
 *
 * @throws {TokenAcquisitionError} `TOKEN_TENANT_MISMATCH`, or `TOKEN_REQUEST_FAILED` for a
 *   missing or already expired token. Messages hold tenant ids only, never the token.
 */
export function checkTenantToken(
  accessToken: AccessToken | null,
  tenantId: string,
  scope: string,
  allowOpaqueTokens: boolean,
): TenantAccessToken {
  if (!accessToken?.token) {
    throw new TokenAcquisitionError(
      "TOKEN_REQUEST_FAILED",
      `The credential returned no token for tenant ${tenantId} (${scope}). A custom TokenCredential must return an AccessToken or throw.`,
      { tenantId, checklistItem: "platform-credential" },
    );
  }

  const claims = readTokenClaims(accessToken.token);
  if (claims === undefined && !allowOpaqueTokens) {
    throw new TokenAcquisitionError(
      "TOKEN_TENANT_MISMATCH",
      `The token returned for tenant ${tenantId} is not a JWT, so its tenant cannot be checked; it was refused and never used. Use a credential that returns Entra ID access tokens, or set allowOpaqueTokens for a custom credential whose tokens are opaque.`,
      { tenantId, checklistItem: "platform-credential" },
    );
  }
  if (claims !== undefined && claims.tenantId !== tenantId) {
    throw new TokenAcquisitionError(
      "TOKEN_TENANT_MISMATCH",
      `The token returned for tenant ${tenantId} was issued by tenant ${claims.tenantId ?? "(no tid claim)"}; it was refused and never used. Unset AZURE_IDENTITY_DISABLE_MULTITENANTAUTH, and make a custom credential honour the tenantId option of getToken.`,
      { tenantId, checklistItem: "platform-credential" },
    );
  }

  // The resource checks `exp`; a credential's own expiry may be later (computed from expires_in).
  const expiresOnTimestamp = Math.min(
    accessToken.expiresOnTimestamp || Number.POSITIVE_INFINITY,
    claims?.expiresOnTimestamp ?? Number.POSITIVE_INFINITY,
  );
  if (!Number.isFinite(expiresOnTimestamp) || expiresOnTimestamp <= Date.now()) {
    throw new TokenAcquisitionError(
      "TOKEN_REQUEST_FAILED",
      `The token returned for tenant ${tenantId} (${scope}) had no expiry or had already expired. A custom credential must set expiresOnTimestamp; otherwise check this host's clock.`,
      { tenantId, checklistItem: "platform-credential" },
    );
  }
  return Object.freeze({ token: accessToken.token, expiresOnTimestamp, tenantId, scope });
}
