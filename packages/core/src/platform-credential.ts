import { readFile } from "node:fs/promises";
import { type AccessToken, isTokenCredential, type TokenCredential } from "@azure/core-auth";
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  type ClientCertificateCredentialOptions,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from "@azure/identity";
import { type CloudDefinition, clouds } from "./cloud.js";
import { ConfigurationError } from "./errors.js";
import type { PlatformCredentialOptions } from "./platform-app-options.js";
import type { TenantTokenRequester } from "./token-source.js";

/** What {@link createTenantTokenRequester} needs to know of the platform app. */
export interface TenantTokenRequesterOptions {
  readonly clientId: string;
  readonly cloud: CloudDefinition;
  readonly credential: PlatformCredentialOptions | TokenCredential;
}

const builtInClouds: readonly CloudDefinition[] = Object.values(clouds);

/**
 * Options every @azure/identity credential gets. The authority host comes from the cloud and is
 * passed explicitly, so `AZURE_AUTHORITY_HOST` cannot send a customer's token request elsewhere.
 * A defined cloud (the mock) has no instance discovery endpoint and brings its own CA, which
 * replaces the public roots for this client only; verification stays on.
 */
export function identityClientOptions(cloud: CloudDefinition) {
  const builtIn = builtInClouds.includes(cloud);
  return {
    authorityHost: cloud.authorityHost,
    ...(builtIn ? {} : { disableInstanceDiscovery: true }),
    ...(cloud.caPem ? { tlsOptions: { ca: cloud.caPem } } : {}),
  };
}

/**
 * Builds the function the token source calls to get one token from one customer tenant.
 *
 * For the credential kinds, every request gets a credential of its own, built for the customer
 * tenant and then dropped. Chosen from bench/token-source.bench.ts (figures in BENCHMARKS.md),
 * against @azure/identity used the obvious ways, on a 2-core machine:
 * - one shared credential (`additionallyAllowedTenants: ["*"]`): MSAL scans its whole token cache
 *   on every call, so a token request costs more the more tenants are held (1.1 ms with 1, 3.4–
 *   4.8 ms with 1,000), and even a cached `getToken` took ~1.7 ms at 1,000 tenants;
 * - a credential kept per tenant: 16–21 kB of heap per tenant;
 * - 16 sharded shared credentials: the same growth, divided by 16;
 * - a shared credential recycled after 64 requests: flat and the cheapest request (connections
 *   and MSAL state reused), but it runs in multi-tenant mode, which
 *   `AZURE_IDENTITY_DISABLE_MULTITENANTAUTH` turns into home-tenant tokens for everyone, and its
 *   MSAL cache can answer a refresh or an invalidated token with the token it already holds;
 * - a credential per request (this): flat (the same cost with 1 or 10,000 tenants held), nothing
 *   held but our own cache entry (~2–3 kB per tenant with a 1.3 kB token), every request really
 *   reaches the tenant, and the authority is the customer tenant from the constructor on, so no
 *   environment variable can redirect it. Its price over recycling, a discovery request and a TLS
 *   handshake (about a millisecond of CPU), is paid about once an hour per active tenant, off the
 *   callers' path.
 *
 * A custom `TokenCredential` is called as `getToken(scope, { tenantId, abortSignal })`.
 */
export function createTenantTokenRequester(
  options: TenantTokenRequesterOptions,
): TenantTokenRequester {
  const { credential, clientId, cloud } = options;
  if (isTokenCredential(credential)) {
    return (tenantId, scope, abortSignal) => credential.getToken(scope, { tenantId, abortSignal });
  }

  const build = credentialFactory(credential, clientId, cloud);
  return (tenantId, scope, abortSignal) => {
    assertNoRegionalAuthorityOverride(cloud);
    return build(tenantId).getToken(scope, { abortSignal });
  };
}

const regionVariables = ["AZURE_REGIONAL_AUTHORITY_NAME", "MSAL_FORCE_REGION"] as const;
const azureRegionName = /^(?:[a-z]{2,}[a-z0-9]{0,38}|AutoDiscoverRegion)$/;

/**
 * @azure/identity and MSAL read these variables on every token request, with no option to turn
 * them off, and build the token service host from their value. A plain Azure region in a
 * built-in cloud is Entra ID's own regional service and is left to work; any other value, or
 * any value in a defined cloud (which has no regional hosts), could send the platform's
 * credential elsewhere, so the request is refused before it is made.
 */
function assertNoRegionalAuthorityOverride(cloud: CloudDefinition): void {
  const builtIn = builtInClouds.includes(cloud);
  for (const variable of regionVariables) {
    const value = process.env[variable];
    if (value === undefined || value === "") continue;
    if (builtIn && azureRegionName.test(value)) continue;

    const shown = JSON.stringify(value.slice(0, 40));
    throw new ConfigurationError(
      `${variable} is set to ${shown}: @azure/identity would send the platform app's credential to a regional token service built from it, which ${builtIn ? "is not an Azure region name" : `does not exist in cloud ${cloud.name}`}. Unset ${variable} in this process; crosstenant does not let an environment variable choose where the platform's credential goes.`,
      {
        checklistItem: "platform-credential",
        issues: [{ path: `env.${variable}`, message: "must not be set for this cloud" }],
      },
    );
  }
}

function credentialFactory(
  credential: PlatformCredentialOptions,
  clientId: string,
  cloud: CloudDefinition,
): (tenantId: string) => TokenCredential {
  const common = identityClientOptions(cloud);

  switch (credential.kind) {
    case "secret":
      return (tenantId) =>
        new ClientSecretCredential(tenantId, clientId, credential.clientSecret, common);

    case "certificate": {
      const certificateOptions: ClientCertificateCredentialOptions = {
        ...common,
        sendCertificateChain: credential.sendCertificateChain ?? false,
      };
      const { certificatePem, certificatePath } = credential;
      if (certificatePem) {
        return (tenantId) =>
          new ClientCertificateCredential(
            tenantId,
            clientId,
            { certificate: certificatePem },
            certificateOptions,
          );
      }
      return (tenantId) =>
        new ClientCertificateCredential(
          tenantId,
          clientId,
          { certificatePath: certificatePath as string },
          certificateOptions,
        );
    }

    case "managedIdentity": {
      // One managed identity credential for the process, and its token (the federated assertion,
      // issued by the platform's home tenant) reused until near expiry: ClientAssertionCredential
      // asks for the assertion twice per token request, and the identity endpoint is not free.
      const managedIdentity = new ManagedIdentityCredential({
        clientId: credential.clientId,
        ...(cloud.caPem ? { tlsOptions: { ca: cloud.caPem } } : {}),
      });
      const assertionScope = `${cloud.federatedTokenAudience}/.default`;
      const getAssertion = reuseUntilNearExpiry(() => managedIdentity.getToken(assertionScope));
      return (tenantId) => new ClientAssertionCredential(tenantId, clientId, getAssertion, common);
    }

    case "workloadIdentity": {
      // Kubernetes rotates the projected token file; reading it on use picks up the new token.
      const getAssertion = async () => (await readFile(credential.tokenFilePath, "utf8")).trim();
      return (tenantId) => new ClientAssertionCredential(tenantId, clientId, getAssertion, common);
    }
  }
}

// Shares one in-flight request and keeps the token until half its life or 5 minutes before its
// expiry, whichever comes first.
function reuseUntilNearExpiry(fetchToken: () => Promise<AccessToken>): () => Promise<string> {
  let held: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  return () => {
    if (held !== undefined && Date.now() < held.renewAt) return Promise.resolve(held.token);
    pending ??= fetchToken()
      .then((fetched) => {
        const now = Date.now();
        const lead = Math.min(300_000, (fetched.expiresOnTimestamp - now) / 2);
        held = { token: fetched.token, renewAt: fetched.expiresOnTimestamp - lead };
        return fetched.token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
