import { issueAccessToken } from "./access-token.js";
import {
  checkCertificateAssertion,
  checkFederatedAssertion,
  isCertificateAssertion,
} from "./client-assertion.js";
import { aadstsError } from "./entra-errors.js";
import {
  json,
  type MockRequest,
  type MockResponse,
  type MockState,
  type RequestFacts,
} from "./mock-http.js";

/** Audience of Azure OpenAI tokens; the mock keeps the real one so code paths match production. */
export const cognitiveServicesAudience = "https://cognitiveservices.azure.com";
/** Audience of ARM tokens. */
export const armAudience = "https://management.azure.com";

const armAudiences = new Set([armAudience, "https://management.core.windows.net"]);
const oidcScopes = new Set(["openid", "profile", "offline_access", "email"]);
const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Routes of the mock Entra ID (`https://localhost:{port}`). */
export async function handleEntra(
  state: MockState,
  request: MockRequest,
  facts: RequestFacts,
): Promise<MockResponse> {
  const parts = request.url.pathname.split("/").filter(Boolean);
  const tenantId = parts[0] ?? "";
  const rest = parts.slice(1).join("/");
  facts.tenantId = tenantId;

  if (request.method === "GET" && rest === "v2.0/.well-known/openid-configuration") {
    facts.route = "discovery";
    return discovery(state, tenantId, facts);
  }
  if (request.method === "GET" && rest === "discovery/v2.0/keys") {
    facts.route = "keys";
    return jwks(state, tenantId, facts);
  }
  if (request.method === "POST" && rest === "oauth2/v2.0/token") {
    facts.route = "token";
    return token(state, request, tenantId, facts);
  }
  facts.decision = "NotFound";
  return json(404, { error: "not_found", error_description: "No such Entra ID endpoint." });
}

const tenantNotFound = (tenantId: string) =>
  aadstsError(
    90002,
    `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );

function discovery(state: MockState, tenantId: string, facts: RequestFacts): MockResponse {
  if (!state.scenario.tenant(tenantId)) {
    facts.decision = "AADSTS90002";
    return tenantNotFound(tenantId);
  }
  facts.decision = "allowed";
  const base = `${state.authorityHost}/${tenantId}`;
  return json(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      "client_secret_post",
      "private_key_jwt",
      "client_secret_basic",
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    tenant_region_scope: "NA",
    cloud_instance_name: "localhost",
  });
}

async function jwks(
  state: MockState,
  tenantId: string,
  facts: RequestFacts,
): Promise<MockResponse> {
  if (!state.scenario.tenant(tenantId)) {
    facts.decision = "AADSTS90002";
    return tenantNotFound(tenantId);
  }
  facts.decision = "allowed";
  const key = await state.keys.forTenant(tenantId);
  return json(200, { keys: [key.publicJwk] });
}

async function token(
  state: MockState,
  request: MockRequest,
  tenantId: string,
  facts: RequestFacts,
): Promise<MockResponse> {
  const form = new URLSearchParams(request.body.toString("utf8"));
  const clientId = form.get("client_id") ?? "";
  const correlationId = form.get("client-request-id") ?? undefined;
  if (clientId) facts.principal = clientId;
  const deny = (response: MockResponse, code: number) => {
    facts.decision = `AADSTS${code}`;
    return response;
  };

  const tenant = state.scenario.tenant(tenantId);
  if (!tenant) return deny(tenantNotFound(tenantId), 90002);
  if (tenant.cloud) {
    return deny(
      aadstsError(
        90038,
        `Tenant '${tenantId}' is not in this cloud: it belongs to the '${tenant.cloud}' national cloud. Use that cloud's authority host to sign in to this tenant.`,
        correlationId,
      ),
      90038,
    );
  }
  for (const field of ["grant_type", "client_id", "scope"]) {
    if (!form.get(field)) {
      return deny(
        aadstsError(900144, `The request body must contain the following parameter: '${field}'.`),
        900144,
      );
    }
  }

  const app = state.scenario.app(clientId);
  const servicePrincipal = tenant.servicePrincipals.find((sp) => sp.appId === clientId);
  if (!app || !servicePrincipal) {
    return deny(
      aadstsError(
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        correlationId,
      ),
      700016,
    );
  }
  if (app.disabled || servicePrincipal.disabled) {
    return deny(
      aadstsError(
        7000112,
        `Application '${clientId}'(${app.displayName}) is disabled.`,
        correlationId,
      ),
      7000112,
    );
  }

  const nowInSeconds = state.nowInSeconds(facts);
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  let appIdAcr: "1" | "2" = "2";
  if (secret) {
    appIdAcr = "1";
    const registered = app.secrets.find((candidate) => candidate.value === secret);
    if (!registered) {
      return deny(
        aadstsError(
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
          correlationId,
        ),
        7000215,
      );
    }
    if (registered.expiresAt && Date.parse(registered.expiresAt) <= nowInSeconds * 1000) {
      return deny(
        aadstsError(
          7000222,
          `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
          correlationId,
        ),
        7000222,
      );
    }
  } else if (assertion && form.get("client_assertion_type") === jwtBearer) {
    const tokenEndpoint = `${state.authorityHost}/${tenantId}/oauth2/v2.0/token`;
    const check = isCertificateAssertion(assertion)
      ? await checkCertificateAssertion(
          assertion,
          app,
          [tokenEndpoint, `${state.authorityHost}/${tenantId}/oauth2/token`],
          nowInSeconds,
        )
      : await checkFederatedAssertion(
          assertion,
          app,
          state.keys,
          {
            authorityHost: state.authorityHost,
            workloadIssuer: workloadIssuer(state.authorityHost),
            entraIssuer: (tid) => `${state.authorityHost}/${tid}/v2.0`,
          },
          nowInSeconds,
        );
    if (!check.ok) return deny(aadstsError(check.code, check.text, correlationId), check.code);
  } else {
    return deny(
      aadstsError(
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        correlationId,
      ),
      7000218,
    );
  }

  const scopes = (form.get("scope") ?? "").split(" ").filter((s) => s && !oidcScopes.has(s));
  const scope = scopes[0] ?? "";
  if (scopes.length !== 1 || !scope.endsWith("/.default")) {
    return deny(
      aadstsError(
        70011,
        `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        correlationId,
      ),
      70011,
    );
  }
  const resource = scope.slice(0, -"/.default".length).replace(/\/$/, "");
  const audience =
    resource === cognitiveServicesAudience || armAudiences.has(resource) ? resource : undefined;
  if (!audience) {
    return deny(
      aadstsError(
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        correlationId,
      ),
      500011,
    );
  }

  const lifetimeInSeconds = state.scenario.current.tokenLifetimeInSeconds;
  const accessToken = await issueAccessToken(state.keys, {
    tenantId,
    homeTenantId: app.homeTenantId,
    audience: armAudiences.has(audience) ? armAudience : audience,
    clientId,
    objectId: servicePrincipal.objectId,
    appIdAcr,
    nowInSeconds,
    lifetimeInSeconds,
  });
  facts.decision = "allowed";
  return json(
    200,
    {
      token_type: "Bearer",
      expires_in: lifetimeInSeconds,
      ext_expires_in: lifetimeInSeconds,
      access_token: accessToken,
    },
    { "cache-control": "no-store, no-cache", pragma: "no-cache" },
  );
}

/** Issuer of the mock workload-identity tokens (`mock.issueFederatedToken`). */
export const workloadIssuer = (authorityHost: string) => `${authorityHost}/workload-identity`;
