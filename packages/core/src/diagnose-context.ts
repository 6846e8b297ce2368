import type { TenantBinding } from "./binding.js";
import { type BuiltInCloudName, type CloudDefinition, clouds, resolveCloud } from "./cloud.js";
import { adminConsentUrl } from "./consent.js";
import { openAIUserRole } from "./roles.js";

/**
 * What {@link diagnose} may know about the failed call. Every field is optional; each one makes
 * the remediation in the message more exact (the consent URL of that tenant, the role
 * assignment's scope, the IPs to allow, the deployment to create).
 */
export interface DiagnoseContext {
  /** The customer tenant the call was for. Defaults to the binding's. */
  readonly tenantId?: string;
  /** The platform app's client id, for the admin-consent URL and the role assignment. */
  readonly clientId?: string;
  /** The cloud of the call. Defaults to the binding's, else public. */
  readonly cloud?: BuiltInCloudName | CloudDefinition;
  /** The tenant binding the call used. */
  readonly binding?: TenantBinding;
  /** The deployment the call was for. */
  readonly deployment?: string;
  /** The platform's public egress IPs, to name in a firewall remediation. */
  readonly egressIps?: readonly string[];
}

/** The context with its defaults filled in; internal to the diagnose modules. */
export interface ResolvedContext {
  readonly tenantId: string | undefined;
  readonly clientId: string | undefined;
  readonly cloud: CloudDefinition;
  readonly binding: TenantBinding | undefined;
  readonly deployment: string | undefined;
  readonly egressIps: readonly string[];
}

/** Fills in the context's defaults: tenant and cloud from the binding, public cloud last. */
export function resolveContext(context: DiagnoseContext = {}): ResolvedContext {
  let cloud: CloudDefinition;
  try {
    cloud = resolveCloud(context.cloud ?? context.binding?.cloud);
  } catch {
    // Diagnosis must never fail because of its own context; the message is just less exact.
    cloud = clouds.public;
  }
  return {
    tenantId: context.tenantId ?? context.binding?.tenantId,
    clientId: context.clientId,
    cloud,
    binding: context.binding,
    deployment: context.deployment,
    egressIps: context.egressIps ?? [],
  };
}

/** "tenant {id} ({display name})", for messages. */
export function tenantLabel(context: ResolvedContext): string {
  const name = context.binding?.displayName;
  if (context.tenantId === undefined) return "the customer's tenant";
  return name ? `tenant ${context.tenantId} (${name})` : `tenant ${context.tenantId}`;
}

/** The resource by its endpoint when the binding is known. */
export function resourceLabel(context: ResolvedContext): string {
  return context.binding
    ? `the Azure OpenAI resource ${context.binding.endpoint.url}`
    : "the Azure OpenAI resource";
}

function armParts(context: ResolvedContext) {
  const id = context.binding?.armResourceId;
  const match = id ? /\/resourceGroups\/([^/]+)\/.*\/accounts\/([^/]+)$/i.exec(id) : null;
  return {
    scope:
      id ??
      "<the resource's ARM id: /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>>",
    group: match?.[1] ?? "<resource group>",
    account: match?.[2] ?? context.binding?.endpoint.resourceName ?? "<resource name>",
  };
}

/** The admin-consent remediation: the exact URL for the tenant, and the CLI equivalent. */
export function consentStep(context: ResolvedContext): string {
  const appId = context.clientId ?? "<platform app client id>";
  let url: string | undefined;
  if (context.clientId && context.tenantId) {
    try {
      url = adminConsentUrl({
        clientId: context.clientId,
        tenantId: context.tenantId,
        cloud: context.cloud,
      });
    } catch {
      url = undefined;
    }
  }
  const link = url
    ? `opens ${url} and accepts`
    : "opens the platform's admin-consent link and accepts";
  return `An administrator of ${tenantLabel(context)} ${link} (or runs \`az ad sp create --id ${appId}\`), which creates the platform app's service principal there.`;
}

/** The role-assignment remediation, scoped to the ARM id when the binding has it. */
export function roleStep(context: ResolvedContext): string {
  const { scope } = armParts(context);
  const assignee = context.clientId ?? "<platform app client id>";
  return `Assign the role "${openAIUserRole.name}" (id ${openAIUserRole.id}) to the platform app on ${resourceLabel(context)}: \`az role assignment create --assignee ${assignee} --role ${openAIUserRole.id} --scope ${scope}\`. Owner and Contributor do not grant inference, and a new assignment can take a few minutes to apply.`;
}

/** The firewall remediation: one `az` command per egress IP, or a private endpoint. */
export function networkStep(context: ResolvedContext): string {
  const { group, account } = armParts(context);
  const ips = context.egressIps.length > 0 ? context.egressIps : ["<platform egress IP>"];
  const commands = ips
    .map(
      (ip) =>
        `\`az cognitiveservices account network-rule add --name ${account} --resource-group ${group} --ip-address ${ip}\``,
    )
    .join(", ");
  const list = context.egressIps.length > 0 ? ` (${context.egressIps.join(", ")})` : "";
  return `Allow the platform's egress IPs${list} in the resource's networking settings: ${commands}, or connect the platform through a private endpoint.`;
}

/** The remediation for a missing deployment, on the binding's resource. */
export function deploymentStep(context: ResolvedContext, deployment: string | undefined): string {
  const { group, account } = armParts(context);
  const name = deployment ?? "<deployment>";
  return `Create deployment "${name}" on ${resourceLabel(context)} (\`az cognitiveservices account deployment create --name ${account} --resource-group ${group} --deployment-name ${name} --model-format OpenAI --model-name <model> --model-version <version> --sku-name Standard --sku-capacity <capacity>\`), or call a deployment that exists and is listed in the binding.`;
}
