import { openAIUserRole } from "@crosstenant/core";
import { type Scenario, scenarioSchema } from "./scenario.js";

/**
 * Fixed identifiers of the default scenario, so tests and docs can name them.
 * @example
 * ```ts
 * defaultIds.readyTenantId; // the consented customer tenant of the default scenario
 * ```
 */
export const defaultIds = Object.freeze({
  clientId: "3f0c2a4e-7d1b-4c55-9a2e-1b6f0d9c8a01",
  homeTenantId: "0a1b2c3d-0000-4000-8000-00000000aaaa",
  homeServicePrincipalId: "5d2e9f10-1111-4000-8000-00000000aaaa",
  secretId: "9b7e6c5d-2222-4000-8000-000000000001",
  secretValue: "Qm8~mockPlatformSecretValue.DoNotUseAnywhereElse01",
  readyTenantId: "7c1e0f52-3333-4000-8000-0000000000c1",
  readyServicePrincipalId: "e4a9b3c7-4444-4000-8000-0000000000c1",
  readySubscriptionId: "8f9e7d6c-5555-4000-8000-0000000000c1",
  unconsentedTenantId: "2b4d6f80-6666-4000-8000-0000000000f2",
  unconsentedSubscriptionId: "1a3c5e70-7777-4000-8000-0000000000f2",
  readyResource: "contoso-openai",
  unconsentedResource: "fabrikam-openai",
  chatDeployment: "gpt-4o-mini",
  embeddingsDeployment: "text-embedding-3-small",
  managedIdentityClientId: "6e5d4c3b-8888-4000-8000-00000000aaaa",
  managedIdentityObjectId: "4f3e2d1c-9999-4000-8000-00000000aaaa",
  workloadSubject: "system:serviceaccount:agents:platform",
  egressSource: "127.0.0.1",
  egressIp: "203.0.113.10",
});

/**
 * The scenario `startMockAzure()` serves when given none: a platform app with a client secret and
 * a certificate (and federated credentials for a home-tenant managed identity and a Kubernetes
 * workload identity), a customer tenant set up completely (consent, the OpenAI User role on its
 * resource, the platform's egress IP allowed with default action Deny, local auth disabled) and a
 * tenant that never consented. Returns a fresh copy each call, to extend freely.
 *
 * @example
 * ```ts
 * import { defaultScenario, startMockAzure } from "@crosstenant/testing";
 * const scenario = defaultScenario();
 * scenario.tenants.push({ tenantId: "…", displayName: "Role missing" });
 * const mock = await startMockAzure({ scenario });
 * ```
 */
export function defaultScenario(): Scenario {
  const ids = defaultIds;
  return scenarioSchema.parse({
    apps: [
      {
        clientId: ids.clientId,
        homeTenantId: ids.homeTenantId,
        displayName: "Platform agents",
        secrets: [{ id: ids.secretId, value: ids.secretValue }],
        certificates: [{ generate: true }],
        federatedCredentials: [
          {
            name: "platform-managed-identity",
            issuer: `{authorityHost}/${ids.homeTenantId}/v2.0`,
            subject: ids.managedIdentityObjectId,
          },
          {
            name: "kubernetes-workload",
            issuer: "{authorityHost}/workload-identity",
            subject: ids.workloadSubject,
          },
        ],
      },
    ],
    tenants: [
      {
        tenantId: ids.homeTenantId,
        displayName: "Platform home",
        servicePrincipals: [{ appId: ids.clientId, objectId: ids.homeServicePrincipalId }],
      },
      {
        tenantId: ids.readyTenantId,
        displayName: "Contoso",
        servicePrincipals: [{ appId: ids.clientId, objectId: ids.readyServicePrincipalId }],
      },
      { tenantId: ids.unconsentedTenantId, displayName: "Fabrikam" },
    ],
    resources: [
      {
        name: ids.readyResource,
        tenantId: ids.readyTenantId,
        subscriptionId: ids.readySubscriptionId,
        resourceGroup: "rg-openai",
        location: "eastus",
        deployments: [
          { name: ids.chatDeployment, model: "gpt-4o-mini", kind: "chat" },
          { name: ids.embeddingsDeployment, model: "text-embedding-3-small", kind: "embeddings" },
        ],
        roleAssignments: [
          { principalId: ids.readyServicePrincipalId, roleDefinitionId: openAIUserRole.id },
        ],
        network: { publicNetworkAccess: "Enabled", defaultAction: "Deny", ipRules: [ids.egressIp] },
        disableLocalAuth: true,
      },
      {
        name: ids.unconsentedResource,
        tenantId: ids.unconsentedTenantId,
        subscriptionId: ids.unconsentedSubscriptionId,
        resourceGroup: "rg-ai",
        deployments: [{ name: ids.chatDeployment, model: "gpt-4o-mini", kind: "chat" }],
      },
    ],
    managedIdentities: [
      {
        clientId: ids.managedIdentityClientId,
        objectId: ids.managedIdentityObjectId,
        tenantId: ids.homeTenantId,
      },
    ],
    egress: { [ids.egressSource]: ids.egressIp },
  });
}
