import type { TenantBinding } from "../binding.js";
import { type ChecklistItemId, checklistItemIds, checklistItemOwners } from "../checklist-items.js";
import { type BuiltInCloudName, type CloudDefinition, resolveCloud } from "../cloud.js";
import { adminConsentUrl } from "../consent.js";
import { ConfigurationError } from "../errors.js";
import { openAIUserRole } from "../roles.js";
import { normalizeEgressIps } from "./egress-ips.js";
import { azureCliForStep, type ChecklistBasis } from "./render-azure-cli.js";
import { bicepForStep } from "./render-bicep.js";
import { terraformForStep } from "./render-terraform.js";
import { splitArmResourceId } from "./script-values.js";
import {
  CHECKLIST_SCHEMA_VERSION,
  type Checklist,
  type ChecklistFact,
  type ChecklistStep,
} from "./types.js";

/**
 * The platform app as the checklist needs it: its client id and cloud. A `PlatformApp` fits.
 */
export interface ChecklistAppInfo {
  readonly clientId: string;
  readonly homeTenantId?: string;
  readonly cloud?: BuiltInCloudName | CloudDefinition;
}

/** Options of {@link buildChecklist}. */
export interface BuildChecklistOptions {
  /** The platform app (a `PlatformApp`, or just its client id and cloud). */
  readonly app: ChecklistAppInfo;
  /** The customer's tenant binding. */
  readonly binding: TenantBinding;
  /** The platform's public egress IPs or CIDR ranges; validated by `normalizeEgressIps`. */
  readonly egressIps: readonly string[];
  /** The platform reaches the resource through a private endpoint instead of IP rules. */
  readonly privateEndpoint?: boolean;
}

type StepText = Omit<ChecklistStep, "id" | "owner" | "how" | "required"> & {
  readonly portal: readonly string[];
};

function stepText(id: ChecklistItemId, basis: ChecklistBasis): StepText {
  const { target, app, role } = basis;
  const fact = (label: string, value: string): ChecklistFact => ({ label, value });
  const scope = target.armResourceId ?? `the account with custom subdomain ${target.resourceName}`;

  switch (id) {
    case "tenant":
      return {
        title: "Confirm the tenant id",
        why: "Tokens are requested from this tenant; a wrong id, or a tenant of another cloud, yields no token or one the resource refuses.",
        what: [fact("Tenant id", target.tenantId), fact("Cloud", target.cloud)],
        portal: [
          "Microsoft Entra ID > Overview: the Tenant ID must equal the one above.",
          "The Azure OpenAI resource must live in that same tenant.",
        ],
        verification:
          "A token is requested from the tenant; the data-plane probe confirms the resource accepts that tenant.",
      };
    case "platform-credential":
      return {
        title: "Platform app credential is valid",
        why: "The platform authenticates as its own app registration; an expired or wrong secret or an unregistered certificate stops every customer at once.",
        what: [
          fact("Application (client) id", app.clientId),
          ...(app.homeTenantId ? [fact("Platform home tenant", app.homeTenantId)] : []),
        ],
        portal: [
          "Platform operator: App registrations > the app > Certificates & secrets: the credential in use is registered and not expired.",
        ],
        verification: "A token request with the platform credential succeeds.",
      };
    case "app-consent":
      return {
        title: "Consent the platform app in your tenant",
        why: "Admin consent creates the app's service principal in your tenant; without it your tenant issues no token to the platform.",
        what: [
          fact("Application (client) id", app.clientId),
          fact("Admin-consent URL", app.adminConsentUrl),
        ],
        portal: [
          "Open the admin-consent URL as a Global Administrator, Application Administrator or Cloud Application Administrator and accept.",
          `Check: Enterprise applications lists an application with id ${app.clientId}.`,
        ],
        verification: "Your tenant issues the platform app a token.",
      };
    case "custom-subdomain":
      return {
        title: "Use the resource's custom-subdomain endpoint",
        why: "Entra ID authentication works only on the custom-subdomain endpoint; a regional endpoint refuses tokens.",
        what: [fact("Endpoint", target.endpoint), fact("Custom subdomain", target.resourceName)],
        portal: [
          "Azure OpenAI resource > Keys and Endpoint (or Resource Management > Endpoints): the endpoint must be the one above, not https://{region}.api.cognitive.microsoft.com.",
        ],
        verification:
          "The endpoint is parsed as a custom subdomain of the cloud; ARM's customSubDomainName matches it.",
      };
    case "role-assignment":
      return {
        title: `Assign "${role.name}" to the platform app`,
        why: `It grants inference and nothing else. Owner, Contributor and Cognitive Services Contributor do not grant inference and grant far more than needed.`,
        what: [
          fact("Role", role.name),
          fact("Role definition id", role.id),
          fact("Assignee", `the service principal of application ${app.clientId}`),
          fact("Scope", scope),
        ],
        portal: [
          "Azure OpenAI resource > Access control (IAM) > Add > Add role assignment.",
          `Role: ${role.name}. Members: User, group, or service principal > Select members: search for the application id ${app.clientId}.`,
          "Review + assign. Assign on the resource itself, not its resource group or subscription.",
        ],
        verification:
          "The data-plane probe is authorized; ARM lists the app's role assignments (least privilege).",
      };
    case "network-access":
      return basis.privateEndpoint
        ? {
            title: "Approve the platform's private endpoint",
            why: "The platform reaches your resource over a private endpoint; public network access may stay disabled.",
            what: [fact("Resource", scope)],
            portal: [
              "Azure OpenAI resource > Networking > Private endpoint connections: approve the platform's connection.",
            ],
            verification:
              "The data-plane probe reaches the resource; ARM shows an approved private endpoint connection.",
          }
        : {
            title: "Allow the platform's egress IPs",
            why: "With the firewall on, only listed addresses reach the resource; IP rules do nothing unless the default action is Deny.",
            what: [
              fact("IP rules to add", basis.egressIps.join(", ")),
              fact("Default action", "Deny (Selected networks)"),
              fact("Public network access", "Enabled"),
            ],
            portal: [
              "Azure OpenAI resource > Networking > Firewalls and virtual networks.",
              "Allow access from: Selected networks and private endpoints.",
              `Firewall > Address range: add ${basis.egressIps.join(", ")}. Save.`,
            ],
            verification:
              "The data-plane probe is not refused by the firewall; ARM's networkAcls cover every egress IP with default action Deny.",
          };
    case "deployment":
      return {
        title: "Create the deployments the platform uses",
        why: "The platform calls these deployment names; a missing one answers 404 DeploymentNotFound.",
        what: [fact("Deployments", target.deployments.join(", "))],
        portal: [
          "Azure AI Foundry > Deployments: each name above exists (the deployment name, not the model name).",
        ],
        verification: "The data-plane probe of each deployment finds it; ARM lists it.",
      };
    case "local-auth-disabled":
      return {
        title: "Disable key-based authentication",
        why: "The platform never uses keys; with keys disabled a leaked key cannot be used against your resource.",
        what: [fact("disableLocalAuth", "true")],
        portal: [
          "az resource update (see the Azure CLI below), or in the template that owns the resource; the portal has no switch for it.",
        ],
        verification: "ARM shows disableLocalAuth true.",
      };
  }
}

/**
 * Builds the allowlist checklist for one tenant binding: the ordered steps (stable ids from
 * `checklistItemIds`), each with its owner, why it matters, exactly what to enter, how (portal,
 * Azure CLI, Bicep, Terraform) and how `verifyChecklist` checks it.
 *
 * @throws {ConfigurationError} for invalid egress IPs (every bad entry listed), no egress IP
 *   without a private endpoint, or an app of another cloud than the binding (CLOUD_MISMATCH).
 * @example
 * ```ts
 * import { buildChecklist, createTenantBinding, renderChecklist } from "@crosstenant/core";
 * const binding = createTenantBinding({
 *   tenantId: "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c",
 *   endpoint: "https://contoso.openai.azure.com",
 *   deployments: ["gpt-4o"],
 * });
 * const checklist = buildChecklist({
 *   app: { clientId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e" },
 *   binding,
 *   egressIps: ["203.0.113.10"],
 * });
 * console.log(renderChecklist(checklist, "markdown"));
 * ```
 */
export function buildChecklist(options: BuildChecklistOptions): Checklist {
  const { app, binding } = options;
  const privateEndpoint = options.privateEndpoint ?? false;
  const egressIps = normalizeEgressIps(options.egressIps);
  if (egressIps.length === 0 && !privateEndpoint) {
    throw new ConfigurationError(
      "Invalid egressIps: the list is empty. Give the platform's public egress IPs (egressIps, or --egress-ip on the CLI), or set privateEndpoint: true (--private-endpoint) when the platform reaches the resource through a private endpoint.",
      { issues: [{ path: "egressIps", message: "at least one entry, or privateEndpoint" }] },
    );
  }
  const appCloud = resolveCloud(app.cloud ?? binding.cloud);
  if (appCloud.name !== binding.cloud.name) {
    throw new ConfigurationError(
      `The platform app is in cloud ${appCloud.name} but the binding of tenant ${binding.tenantId} is in ${binding.cloud.name}; a token of one cloud is never valid in another. Bind the tenant in the app's cloud, or use an app registered in ${binding.cloud.name}.`,
      { code: "CLOUD_MISMATCH", tenantId: binding.tenantId, checklistItem: "tenant" },
    );
  }

  const arm = binding.armResourceId ? splitArmResourceId(binding.armResourceId) : undefined;
  const basis: ChecklistBasis = {
    app: {
      clientId: app.clientId,
      ...(app.homeTenantId ? { homeTenantId: app.homeTenantId } : {}),
      adminConsentUrl: adminConsentUrl({
        clientId: app.clientId,
        tenantId: binding.tenantId,
        cloud: binding.cloud,
      }),
    },
    role: { name: openAIUserRole.name, id: openAIUserRole.id },
    target: {
      tenantId: binding.tenantId,
      ...(binding.displayName ? { displayName: binding.displayName } : {}),
      cloud: binding.cloud.name,
      endpoint: binding.endpoint.url,
      resourceName: binding.endpoint.resourceName,
      ...(binding.armResourceId ? { armResourceId: binding.armResourceId } : {}),
      ...(arm ?? {}),
      deployments: [...binding.deployments],
      apiVersion: binding.apiVersion,
    },
    egressIps,
    privateEndpoint,
  };

  const steps = checklistItemIds.map((id): ChecklistStep => {
    const { portal, ...text } = stepText(id, basis);
    return {
      id,
      owner: checklistItemOwners[id],
      required: id !== "local-auth-disabled",
      ...text,
      how: {
        portal,
        azureCli: azureCliForStep(id, basis),
        bicep: bicepForStep(id, basis),
        terraform: terraformForStep(id, basis),
      },
    };
  });
  return { schemaVersion: CHECKLIST_SCHEMA_VERSION, kind: "checklist", ...basis, steps };
}
