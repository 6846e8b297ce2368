import { createAppCertificate } from "./certificates.js";
import { defaultIds } from "./default-scenario.js";
import { accountResourceId } from "./role-assignments.js";
import type { Scenario } from "./scenario.js";

/**
 * One customer tenant of the default scenario, with its Azure OpenAI resource.
 * @example
 * ```ts
 * const { tenantId, endpoint, deployments } = mock.defaults.tenants.ready;
 * ```
 */
export interface MockTenantDefaults {
  readonly tenantId: string;
  /** Object id of the platform app's service principal there (undefined when not consented). */
  readonly servicePrincipalId: string | undefined;
  readonly resource: string;
  /** Endpoint URL of the resource (no trailing slash). */
  readonly endpoint: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** ARM resource id of the account. */
  readonly armResourceId: string;
  readonly deployments: { readonly chat: string; readonly embeddings: string };
}

/**
 * Identifiers and credentials of the default scenario (see `defaultScenario()`).
 * @example
 * ```ts
 * const { clientId, homeTenantId, clientSecret, certificate } = mock.defaults;
 * ```
 */
export interface MockDefaults {
  readonly clientId: string;
  readonly homeTenantId: string;
  readonly clientSecret: string;
  readonly clientSecretId: string;
  /**
   * PEM with the platform app's certificate and private key, for ClientCertificateCredential.
   * When the scenario registers no generated certificate for the app, it is a certificate the
   * app does not know (useful to see AADSTS700027).
   */
  readonly certificate: string;
  /** Client id of the home-tenant managed identity federated with the app. */
  readonly managedIdentityClientId: string;
  /** Subject of the Kubernetes workload identity federated with the app. */
  readonly workloadSubject: string;
  /** The egress IP the default scenario maps 127.0.0.1 to (allowed on the ready resource). */
  readonly egressIp: string;
  readonly tenants: {
    /** Consented, role assigned, egress IP allowed, local auth disabled. */
    readonly ready: MockTenantDefaults;
    /** Never consented: no service principal of the app. */
    readonly unconsented: MockTenantDefaults;
  };
}

/** Describes the default scenario's identifiers as they stand in `scenario`. */
export async function describeDefaults(input: {
  readonly scenario: Scenario;
  readonly generatedCertificate: string | undefined;
  readonly endpoint: (resourceName: string) => string;
}): Promise<MockDefaults> {
  const { scenario } = input;
  const ids = defaultIds;
  const certificate =
    input.generatedCertificate ??
    (await createAppCertificate("unregistered")).certificateWithKeyPem;
  const tenant = (tenantId: string, resourceName: string, fallbackSubscription: string) => {
    const resource = scenario.resources.find((candidate) => candidate.name === resourceName);
    const servicePrincipal = scenario.tenants
      .find((candidate) => candidate.tenantId === tenantId)
      ?.servicePrincipals.find((sp) => sp.appId === ids.clientId);
    const subscriptionId = resource?.subscriptionId ?? fallbackSubscription;
    const resourceGroup = resource?.resourceGroup ?? "rg-openai";
    return {
      tenantId,
      servicePrincipalId: servicePrincipal?.objectId,
      resource: resourceName,
      endpoint: input.endpoint(resourceName),
      subscriptionId,
      resourceGroup,
      armResourceId: accountResourceId({ name: resourceName, subscriptionId, resourceGroup }),
      deployments: { chat: ids.chatDeployment, embeddings: ids.embeddingsDeployment },
    };
  };
  return {
    clientId: ids.clientId,
    homeTenantId: ids.homeTenantId,
    clientSecret: ids.secretValue,
    clientSecretId: ids.secretId,
    certificate,
    managedIdentityClientId: ids.managedIdentityClientId,
    workloadSubject: ids.workloadSubject,
    egressIp: ids.egressIp,
    tenants: {
      ready: tenant(ids.readyTenantId, ids.readyResource, ids.readySubscriptionId),
      unconsented: tenant(
        ids.unconsentedTenantId,
        ids.unconsentedResource,
        ids.unconsentedSubscriptionId,
      ),
    },
  };
}
