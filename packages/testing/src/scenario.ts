import { openAIUserRole } from "@crosstenant/core";
import { z } from "zod";
import { isIpv4OrCidr } from "./network-rules.js";

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");

const secretSchema = z.object({
  id: guid,
  value: z.string().min(8),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

const certificateSchema = z.union([
  z.object({ pem: z.string().includes("-----BEGIN CERTIFICATE-----") }),
  // Generated when the mock starts, so a scenario written as JSON can still use a certificate.
  z.object({ generate: z.literal(true) }),
]);

const federatedCredentialSchema = z.object({
  name: z.string().min(1).default("federated"),
  /** `{authorityHost}` in the issuer stands for the mock's authority host, unknown until it starts. */
  issuer: z.string().min(1),
  subject: z.string().min(1),
  audience: z.string().min(1).default("api://AzureADTokenExchange"),
});

const appSchema = z.object({
  clientId: guid,
  homeTenantId: guid,
  displayName: z.string().min(1),
  secrets: z.array(secretSchema).default([]),
  certificates: z.array(certificateSchema).default([]),
  federatedCredentials: z.array(federatedCredentialSchema).default([]),
  disabled: z.boolean().default(false),
});

const servicePrincipalSchema = z.object({
  appId: guid,
  objectId: guid,
  disabled: z.boolean().default(false),
});

const tenantSchema = z.object({
  tenantId: guid,
  displayName: z.string().min(1),
  /** Set to another cloud's name to make this mock answer AADSTS90038 for the tenant. */
  cloud: z.string().min(1).optional(),
  servicePrincipals: z.array(servicePrincipalSchema).default([]),
});

const deploymentSchema = z.object({
  name: z.string().min(1).max(64),
  model: z.string().min(1),
  kind: z.enum(["chat", "embeddings"]),
});

const roleAssignmentSchema = z.object({
  principalId: guid,
  roleDefinitionId: guid,
  scope: z.enum(["resource", "resourceGroup", "subscription"]).default("resource"),
});

const networkSchema = z.object({
  publicNetworkAccess: z.enum(["Enabled", "Disabled"]).default("Enabled"),
  defaultAction: z.enum(["Allow", "Deny"]).default("Allow"),
  ipRules: z
    .array(z.string().refine(isIpv4OrCidr, "must be an IPv4 address or CIDR range"))
    .max(100)
    .default([]),
  privateEndpoints: z
    .array(
      z.object({
        name: z.string().min(1),
        status: z.enum(["Approved", "Pending", "Rejected", "Disconnected"]).default("Approved"),
      }),
    )
    .default([]),
});

const managedIdentitySchema = z.object({
  clientId: guid,
  objectId: guid,
  tenantId: guid,
});

const resourceSchema = z.object({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/,
      "must be a custom subdomain: 2-64 lowercase letters, digits or '-', not ending in '-'",
    ),
  tenantId: guid,
  subscriptionId: guid,
  resourceGroup: z.string().min(1),
  location: z.string().min(1).default("eastus"),
  deployments: z.array(deploymentSchema).default([]),
  roleAssignments: z.array(roleAssignmentSchema).default([]),
  network: networkSchema.prefault({}),
  disableLocalAuth: z.boolean().default(true),
  apiKeys: z.array(z.string().min(16)).default([]),
  quota: z.object({ requestsPerMinute: z.number().int().positive() }).optional(),
});

/**
 * The zod schema of a mock scenario: apps, tenants, Azure OpenAI resources, egress mapping.
 * Everything a scenario file or `startMockAzure({ scenario })` holds is checked by it.
 *
 * @example
 * ```ts
 * import { scenarioSchema } from "@crosstenant/testing";
 * const scenario = scenarioSchema.parse(JSON.parse(text));
 * ```
 */
export const scenarioSchema = z
  .object({
    apps: z.array(appSchema).default([]),
    tenants: z.array(tenantSchema).default([]),
    resources: z.array(resourceSchema).default([]),
    /** User-assigned managed identities served by the mock App Service identity endpoint. */
    managedIdentities: z.array(managedIdentitySchema).default([]),
    /** TCP source address → simulated public egress IP. Unmapped sources are their own address. */
    egress: z.record(z.string(), z.string().refine(isIpv4OrCidr, "must be an IPv4")).default({}),
    tokenLifetimeInSeconds: z.number().int().min(60).max(86_400).default(3599),
  })
  .superRefine((scenario, context) => {
    const tenantIds = new Set<string>();
    scenario.tenants.forEach((tenant, index) => {
      if (tenantIds.has(tenant.tenantId)) {
        context.addIssue({
          code: "custom",
          path: ["tenants", index, "tenantId"],
          message: `duplicate tenant ${tenant.tenantId}`,
        });
      }
      tenantIds.add(tenant.tenantId);
    });
    const names = new Set<string>();
    scenario.resources.forEach((resource, index) => {
      if (names.has(resource.name)) {
        context.addIssue({
          code: "custom",
          path: ["resources", index, "name"],
          message: `duplicate resource name ${resource.name}`,
        });
      }
      names.add(resource.name);
      if (!tenantIds.has(resource.tenantId)) {
        context.addIssue({
          code: "custom",
          path: ["resources", index, "tenantId"],
          message: `tenant ${resource.tenantId} is not in tenants[]`,
        });
      }
    });
    scenario.apps.forEach((app, index) => {
      if (!tenantIds.has(app.homeTenantId)) {
        context.addIssue({
          code: "custom",
          path: ["apps", index, "homeTenantId"],
          message: `tenant ${app.homeTenantId} is not in tenants[]`,
        });
      }
    });
  });

/**
 * A scenario as written (defaults may be left out).
 * @example
 * ```ts
 * const scenario: ScenarioInput = { tenants: [{ tenantId, displayName: "Contoso" }] };
 * ```
 */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/**
 * A validated scenario, every default filled in.
 * @example
 * ```ts
 * const scenario: Scenario = defaultScenario();
 * ```
 */
export type Scenario = z.output<typeof scenarioSchema>;
/**
 * One app registration of a scenario.
 * @example
 * ```ts
 * const [platformApp] = defaultScenario().apps;
 * ```
 */
export type ScenarioApp = Scenario["apps"][number];
/**
 * One tenant of a scenario.
 * @example
 * ```ts
 * mock.scenario.addTenant({ tenantId, displayName: "Northwind" });
 * ```
 */
export type ScenarioTenant = Scenario["tenants"][number];
/**
 * One Azure OpenAI resource of a scenario.
 * @example
 * ```ts
 * mock.scenario.resource("contoso-openai")?.network.ipRules;
 * ```
 */
export type ScenarioResource = Scenario["resources"][number];
/**
 * A managed identity the mock's App Service identity endpoint hands tokens for.
 * @example
 * ```ts
 * const [identity] = defaultScenario().managedIdentities;
 * ```
 */
export type ScenarioManagedIdentity = Scenario["managedIdentities"][number];
/**
 * One deployment of a resource.
 * @example
 * ```ts
 * mock.scenario.addDeployment("contoso-openai", { name: "o3", model: "o3", kind: "chat" });
 * ```
 */
export type ScenarioDeployment = ScenarioResource["deployments"][number];
/**
 * One role assignment on a resource, its resource group or its subscription.
 * @example
 * ```ts
 * mock.scenario.assignRole("contoso-openai", objectId, openAIUserRole.id, "resourceGroup");
 * ```
 */
export type ScenarioRoleAssignment = ScenarioResource["roleAssignments"][number];

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
