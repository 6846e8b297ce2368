import { SignJWT } from "jose";
import { workloadIssuer } from "./entra.js";
import { mintEntraAppToken } from "./managed-identity.js";
import type { SigningKeys } from "./signing-keys.js";

/**
 * Options of `MockAzure.issueFederatedToken`.
 * @example
 * ```ts
 * const assertion = await mock.issueFederatedToken({ subject: mock.defaults.workloadSubject });
 * ```
 */
export interface FederatedTokenOptions {
  /** Subject, matched against the app's federated identity credentials. */
  readonly subject: string;
  /** Issuer; the mock workload-identity issuer (`{authorityHost}/workload-identity`) by default. */
  readonly issuer?: string;
  /** Audience; `api://AzureADTokenExchange` by default. */
  readonly audience?: string;
  /** For an Entra issuer: whether the token is app-only (`idtyp: app`); true by default. */
  readonly appOnly?: boolean;
  readonly lifetimeInSeconds?: number;
}

const entraIssuerPattern = /^https:\/\/localhost:\d+\/([0-9a-f-]{36})\/v2\.0$/i;

/**
 * Mints a token the mock accepts as a federated `client_assertion`. From the mock
 * workload-identity issuer by default (as a Kubernetes service account token would be); from a
 * tenant of the mock when `issuer` is that tenant's Entra v2 issuer (as a managed identity token
 * would be), then signed with the tenant's key and app-only unless `appOnly` is false.
 */
export async function mintFederatedToken(
  keys: SigningKeys,
  authorityHost: string,
  defaultAudience: string,
  options: FederatedTokenOptions,
): Promise<string> {
  const nowInSeconds = Math.floor(Date.now() / 1000);
  const lifetimeInSeconds = options.lifetimeInSeconds ?? 3600;
  const audience = options.audience ?? defaultAudience;
  const issuer = options.issuer ?? workloadIssuer(authorityHost);

  const entraTenant = entraIssuerPattern.exec(issuer)?.[1];
  if (entraTenant && issuer.startsWith(authorityHost)) {
    return mintEntraAppToken(keys, {
      issuer,
      tenantId: entraTenant,
      subject: options.subject,
      audience,
      clientId: options.subject,
      appOnly: options.appOnly ?? true,
      nowInSeconds,
      lifetimeInSeconds,
    });
  }

  const key = await keys.federated();
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid })
    .setIssuer(issuer)
    .setSubject(options.subject)
    .setAudience(audience)
    .setIssuedAt(nowInSeconds)
    .setNotBefore(nowInSeconds)
    .setExpirationTime(nowInSeconds + lifetimeInSeconds)
    .sign(key.privateKey);
}
