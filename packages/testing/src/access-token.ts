import { randomBytes } from "node:crypto";
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from "jose";
import type { SigningKeys } from "./signing-keys.js";

/** Claims of a v1 app-only access token as Entra ID issues them to a daemon app. */
export interface AccessTokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly tid: string;
  readonly oid: string;
  readonly appid: string;
  readonly idtyp: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
}

/** What the mock needs to mint one access token. */
export interface IssueAccessTokenOptions {
  readonly tenantId: string;
  readonly homeTenantId: string;
  readonly audience: string;
  readonly clientId: string;
  readonly objectId: string;
  /** `1` for a secret, `2` for a certificate or a federated assertion. */
  readonly appIdAcr: "1" | "2";
  readonly nowInSeconds: number;
  readonly lifetimeInSeconds: number;
}

/** Mints a v1 access token signed with the tenant's current key. */
export async function issueAccessToken(
  keys: SigningKeys,
  options: IssueAccessTokenOptions,
): Promise<string> {
  const key = await keys.forTenant(options.tenantId);
  const now = options.nowInSeconds;
  return new SignJWT({
    aud: options.audience,
    iss: `https://sts.windows.net/${options.tenantId}/`,
    idp: `https://sts.windows.net/${options.homeTenantId}/`,
    appid: options.clientId,
    appidacr: options.appIdAcr,
    idtyp: "app",
    oid: options.objectId,
    sub: options.objectId,
    tid: options.tenantId,
    uti: randomBytes(16).toString("base64url"),
    ver: "1.0",
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid, x5t: key.kid })
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + options.lifetimeInSeconds)
    .sign(key.privateKey);
}

/** Why a bearer token was refused, for the journal. */
export type TokenRejection =
  | "TokenMissing"
  | "TokenMalformed"
  | "TokenSignatureInvalid"
  | "TokenExpired"
  | "TokenAudienceInvalid"
  | "TokenIssuerInvalid";

/** Outcome of {@link verifyAccessToken}. */
export type AccessTokenCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: TokenRejection; readonly tenantId?: string };

/**
 * Checks a bearer token the way a resource does: signed by a key a tenant publishes now (any
 * tenant: the tenant match is the caller's next check), issued by that tenant, for `audience`,
 * and valid at `nowInSeconds`.
 */
export async function verifyAccessToken(
  keys: SigningKeys,
  authorization: string | undefined,
  audience: string,
  nowInSeconds: number,
): Promise<AccessTokenCheck> {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? "");
  const token = match?.[1];
  if (!token) return { ok: false, reason: "TokenMissing" };

  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return { ok: false, reason: "TokenMalformed" };
  }
  const published = kid ? keys.byKid(kid) : undefined;
  if (!published) return { ok: false, reason: "TokenSignatureInvalid" };

  try {
    const { payload } = await jwtVerify(token, published.key.publicKey, {
      algorithms: ["RS256"],
      currentDate: new Date(nowInSeconds * 1000),
      clockTolerance: 300,
    });
    const claims = payload as unknown as AccessTokenClaims;
    if (claims.iss !== `https://sts.windows.net/${published.tenantId}/`) {
      return { ok: false, reason: "TokenIssuerInvalid", tenantId: claims.tid };
    }
    if (normalizeAudience(claims.aud) !== normalizeAudience(audience)) {
      return { ok: false, reason: "TokenAudienceInvalid", tenantId: claims.tid };
    }
    return { ok: true, claims };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "TokenExpired" };
    if (error instanceof errors.JWTClaimValidationFailed) {
      return { ok: false, reason: "TokenExpired" };
    }
    return { ok: false, reason: "TokenSignatureInvalid" };
  }
}

const normalizeAudience = (audience: unknown) =>
  typeof audience === "string" ? audience.replace(/\/$/, "") : "";
