import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import {
  json,
  type MockRequest,
  type MockResponse,
  type MockState,
  type RequestFacts,
} from "./mock-http.js";
import type { SigningKeys } from "./signing-keys.js";

/** Path of the mock App Service identity endpoint, on the authority host. */
export const managedIdentityPath = "/msi/token";

/** Audience of the token a managed identity exchanges with a federated identity credential. */
const tokenExchangeAudience = "api://AzureADTokenExchange";

/** What {@link mintEntraAppToken} needs. */
export interface EntraAppTokenOptions {
  readonly issuer: string;
  readonly tenantId: string;
  readonly subject: string;
  readonly audience: string;
  readonly clientId: string;
  readonly appOnly: boolean;
  readonly nowInSeconds: number;
  readonly lifetimeInSeconds: number;
}

/** Mints a v2 token as a tenant's Entra ID issues it (signed with the tenant's key). */
export async function mintEntraAppToken(
  keys: SigningKeys,
  options: EntraAppTokenOptions,
): Promise<string> {
  const key = await keys.forTenant(options.tenantId);
  return new SignJWT({
    azp: options.clientId,
    idtyp: options.appOnly ? "app" : "user",
    oid: options.subject,
    tid: options.tenantId,
    uti: randomBytes(16).toString("base64url"),
    ver: "2.0",
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid })
    .setIssuer(options.issuer)
    .setSubject(options.subject)
    .setAudience(options.audience)
    .setIssuedAt(options.nowInSeconds)
    .setNotBefore(options.nowInSeconds)
    .setExpirationTime(options.nowInSeconds + options.lifetimeInSeconds)
    .sign(key.privateKey);
}

/**
 * The App Service–style identity endpoint (`IDENTITY_ENDPOINT` / `IDENTITY_HEADER`), as MSAL's
 * App Service managed identity source calls it: `GET ?api-version=2019-08-01&resource=…`, with
 * the `X-IDENTITY-HEADER` secret. It hands out `api://AzureADTokenExchange` tokens only, for a
 * managed identity of the scenario, issued by its tenant.
 */
export async function handleManagedIdentity(
  state: MockState,
  request: MockRequest,
  facts: RequestFacts,
): Promise<MockResponse> {
  facts.route = "managed-identity";
  const deny = (status: number, error: string, description: string) => {
    facts.decision = error;
    return json(status, { error, error_description: description });
  };
  if (request.method !== "GET") return deny(405, "invalid_request", "Use GET.");
  if (request.headers["x-identity-header"] !== state.identityHeader) {
    return deny(401, "unauthorized_client", "The X-IDENTITY-HEADER header is missing or wrong.");
  }

  const query = request.url.searchParams;
  const resource = (query.get("resource") ?? "").replace(/\/\.default$/, "").replace(/\/$/, "");
  const wanted = query.get("client_id") ?? query.get("object_id") ?? query.get("principal_id");
  const identities = state.scenario.current.managedIdentities;
  const identity = wanted
    ? identities.find((candidate) => candidate.clientId === wanted || candidate.objectId === wanted)
    : identities[0];
  if (!identity) {
    return deny(400, "invalid_request", "No managed identity of this host matches the request.");
  }
  facts.tenantId = identity.tenantId;
  facts.principal = identity.objectId;
  if (resource !== tokenExchangeAudience) {
    return deny(
      400,
      "invalid_resource",
      `The mock identity endpoint only issues tokens for ${tokenExchangeAudience}; the platform exchanges them with its app registration.`,
    );
  }

  const nowInSeconds = state.nowInSeconds(facts);
  const lifetimeInSeconds = state.scenario.current.tokenLifetimeInSeconds;
  const accessToken = await mintEntraAppToken(state.keys, {
    issuer: `${state.authorityHost}/${identity.tenantId}/v2.0`,
    tenantId: identity.tenantId,
    subject: identity.objectId,
    audience: tokenExchangeAudience,
    clientId: identity.clientId,
    appOnly: true,
    nowInSeconds,
    lifetimeInSeconds,
  });
  facts.decision = "allowed";
  return json(200, {
    access_token: accessToken,
    expires_on: String(nowInSeconds + lifetimeInSeconds),
    resource: tokenExchangeAudience,
    token_type: "Bearer",
    client_id: identity.clientId,
  });
}
