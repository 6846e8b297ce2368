/**
 * The claims crosstenant reads from an access token. Only what the cache and the tenant guard
 * need; everything else in the token is left alone.
 *
 * @example
 * ```ts
 * const claims: TokenClaims | undefined = readTokenClaims(token);
 * claims?.expiresOnTimestamp; // milliseconds, like Date.now()
 * ```
 */
export interface TokenClaims {
  /** Tenant that issued the token (`tid`), lowercased. */
  readonly tenantId: string | undefined;
  /** Expiry (`exp`) in milliseconds since the epoch. */
  readonly expiresOnTimestamp: number | undefined;
  /** Audience (`aud`). */
  readonly audience: string | undefined;
  /** Application the token was issued to (`appid`, or `azp` in v2 tokens). */
  readonly appId: string | undefined;
}

/**
 * Reads `tid`, `exp`, `aud` and `appid` from a JWT access token **without verifying it**: the
 * resource that receives the token verifies its signature. crosstenant reads the claims only to
 * refuse a token from the wrong tenant before it is ever sent, and to know when it expires.
 *
 * Returns `undefined` when the value is not a JWT (three base64url parts with a JSON payload).
 *
 * @example
 * ```ts
 * import { readTokenClaims } from "@crosstenant/core";
 * const claims = readTokenClaims(accessToken);
 * if (claims?.tenantId !== expectedTenantId) throw new Error("token from another tenant");
 * ```
 */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const firstDot = token.indexOf(".");
  const secondDot = firstDot < 0 ? -1 : token.indexOf(".", firstDot + 1);
  if (firstDot <= 0 || secondDot < 0 || token.indexOf(".", secondDot + 1) >= 0) return undefined;

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token.slice(firstDot + 1, secondDot), "base64url").toString());
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;

  const claims = payload as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const audience = Array.isArray(claims.aud) ? text(claims.aud[0]) : text(claims.aud);
  return {
    tenantId: text(claims.tid)?.toLowerCase(),
    expiresOnTimestamp:
      typeof claims.exp === "number" && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined,
    audience,
    appId: text(claims.appid) ?? text(claims.azp),
  };
}
