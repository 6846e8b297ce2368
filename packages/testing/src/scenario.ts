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
