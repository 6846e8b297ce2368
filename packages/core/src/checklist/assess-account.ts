import type { ChecklistItemId } from "../checklist-items.js";
import { broaderRoles, openAIUserRole } from "../roles.js";
import { isCoveredByRules } from "./egress-ips.js";
import type { Finding } from "./report-state.js";
import type { Checklist } from "./types.js";

/** The properties of an account that verification reads, as ARM returns them. */
interface AccountProperties {
  readonly customSubDomainName?: unknown;
  readonly endpoint?: unknown;
  readonly disableLocalAuth?: unknown;
  readonly publicNetworkAccess?: unknown;
  readonly networkAcls?: {
    readonly defaultAction?: unknown;
    readonly ipRules?: readonly { readonly value?: unknown }[];
  };
  readonly privateEndpointConnections?: readonly {
    readonly properties?: { readonly privateLinkServiceConnectionState?: { status?: unknown } };
  }[];
}

type Findings = [ChecklistItemId, Finding][];

/** Ready-to-run Azure CLI commands for the account, with its real ids (ARM was read, so they are known). */
const commands = (checklist: Checklist) => {
  const { armResourceId = "", resourceGroup = "", accountName = "" } = checklist.target;
  const quoted = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  return {
    addIpRules: (ips: readonly string[]) =>
      ips
        .map(
          (ip) =>
            `az cognitiveservices account network-rule add --resource-group ${quoted(resourceGroup)} --name ${quoted(accountName)} --ip-address ${ip}`,
        )
        .join("; "),
    set: (property: string) =>
      `az resource update --ids ${quoted(armResourceId)} --set ${property}`,
    assignRole: (principalId: string) =>
      `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role ${openAIUserRole.id} --scope ${quoted(armResourceId)}`,
    removeRole: (principalId: string, roleId: string, scope: string) =>
      `az role assignment delete --assignee ${principalId} --role ${roleId} --scope ${quoted(scope)}`,
  };
};

/** Judges an account read from ARM: custom subdomain, network access and local auth. */
export function assessAccount(
  account: unknown,
  checklist: Checklist,
  endpointValid: boolean,
): Findings {
  const properties = ((account as { properties?: unknown } | undefined)?.properties ??
    {}) as AccountProperties;
  const findings: Findings = [];
  const { target } = checklist;

  const subdomain =
    typeof properties.customSubDomainName === "string" ? properties.customSubDomainName : "";
  const accountEndpoint = typeof properties.endpoint === "string" ? properties.endpoint : "";
  if (!subdomain) {
    findings.push([
      "custom-subdomain",
      {
        status: "fail",
        evidence: "ARM: the account has no custom subdomain",
        fix: "Set a custom subdomain on the account (az cognitiveservices account update --custom-domain <name>); Entra ID authentication needs it. It cannot be changed afterwards.",
      },
    ]);
  } else if (!endpointValid || subdomain.toLowerCase() !== target.resourceName.toLowerCase()) {
    findings.push([
      "custom-subdomain",
      {
        status: "fail",
        evidence: `ARM: the account's custom subdomain is "${subdomain}" (endpoint ${accountEndpoint || "not shown"})`,
        fix: `Bind the tenant to the account's custom-subdomain endpoint ${accountEndpoint.replace(/\/$/, "") || `for "${subdomain}"`}, not ${target.endpoint}.`,
        preferred: true,
      },
    ]);
  } else {
    findings.push([
      "custom-subdomain",
      { status: "pass", evidence: `ARM: customSubDomainName is "${subdomain}"` },
    ]);
  }

  findings.push(["network-access", assessNetwork(properties, checklist)]);

  findings.push([
    "local-auth-disabled",
    properties.disableLocalAuth === true
      ? { status: "pass", evidence: "ARM: disableLocalAuth is true" }
      : {
          status: "warn",
          evidence: `ARM: disableLocalAuth is ${String(properties.disableLocalAuth ?? false)}; API keys still work`,
          fix: `Disable key-based authentication (the platform never uses keys): ${commands(checklist).set("properties.disableLocalAuth=true")}`,
        },
  ]);
  return findings;
}

function assessNetwork(properties: AccountProperties, checklist: Checklist): Finding {
  const run = commands(checklist);
  const approvedEndpoints = (properties.privateEndpointConnections ?? []).filter(
    (c) => c.properties?.privateLinkServiceConnectionState?.status === "Approved",
  ).length;

  if (properties.publicNetworkAccess === "Disabled") {
    if (checklist.privateEndpoint && approvedEndpoints > 0) {
      return {
        status: "pass",
        evidence: `ARM: public access disabled; ${approvedEndpoints} approved private endpoint connection(s)`,
      };
    }
    return {
      status: "fail",
      evidence: `ARM: publicNetworkAccess is Disabled and ${checklist.privateEndpoint ? "no private endpoint connection is approved" : "the platform does not use a private endpoint"}`,
      fix: checklist.privateEndpoint
        ? "Approve the platform's private endpoint connection (Networking > Private endpoint connections)."
        : `Allow the platform's egress IPs and enable public access from selected networks only: ${run.addIpRules(checklist.egressIps)}; ${run.set("properties.networkAcls.defaultAction=Deny properties.publicNetworkAccess=Enabled")}`,
      errorCode: "PUBLIC_ACCESS_DISABLED",
    };
  }

  const rules = (properties.networkAcls?.ipRules ?? [])
    .map((rule) => rule.value)
    .filter((value): value is string => typeof value === "string");
  const defaultAction = properties.networkAcls?.defaultAction ?? "Allow";
  if (defaultAction !== "Deny") {
    return {
      status: "warn",
      evidence:
        rules.length > 0
          ? `ARM: defaultAction is ${String(defaultAction)}, so the ${rules.length} IP rule(s) have no effect and every network may call the resource`
          : `ARM: defaultAction is ${String(defaultAction)} with no IP rules: every network may call the resource`,
      fix: `Make the IP rules effective: set the default action to Deny (Networking > Selected networks), after checking that every caller that needs the resource is allowed: ${run.set("properties.networkAcls.defaultAction=Deny")}`,
    };
  }

  const uncovered = checklist.egressIps.filter((ip) => !isCoveredByRules(ip, rules));
  if (checklist.privateEndpoint && approvedEndpoints > 0) {
    return { status: "pass", evidence: "ARM: defaultAction Deny; private endpoint approved" };
  }
  if (uncovered.length > 0) {
    return {
      status: "fail",
      evidence: `ARM: defaultAction Deny; not allowed by any IP rule: ${uncovered.join(", ")} (rules: ${rules.join(", ") || "none"})`,
      fix: `Allow ${uncovered.join(", ")}: ${run.addIpRules(uncovered)}`,
      errorCode: "NETWORK_ACCESS_DENIED",
    };
  }
  return {
    status: "pass",
    evidence: `ARM: defaultAction Deny; every egress IP is inside a rule (${rules.join(", ")})`,
  };
}

/** A role assignment as ARM lists it. */
interface RoleAssignment {
  readonly properties?: { readonly roleDefinitionId?: unknown; readonly scope?: unknown };
}

const roleNames = new Map<string, string>(
  [openAIUserRole, ...Object.values(broaderRoles)].map((role) => [role.id, role.name]),
);
const inferenceRoles = new Set([openAIUserRole.id, broaderRoles.openAIContributor.id]);

/**
 * Judges the role assignments of the app's principal: least privilege means exactly the OpenAI
 * User role, on the resource. Owner, Contributor and Cognitive Services Contributor grant no
 * inference: holding only those is a failure, holding them as well is a warning.
 */
export function assessRoles(
  assignments: readonly RoleAssignment[],
  checklist: Checklist,
  principalObjectId: string,
): Finding {
  const resourceId = (checklist.target.armResourceId ?? "").toLowerCase();
  const held = assignments.map((assignment) => {
    const definition = String(assignment.properties?.roleDefinitionId ?? "");
    const id = definition.split("/").at(-1)?.toLowerCase() ?? "";
    const scope = String(assignment.properties?.scope ?? "");
    const atResource = scope.toLowerCase() === resourceId;
    return { id, name: roleNames.get(id) ?? `role ${id}`, scope, atResource };
  });
  const describe = held.map((r) => `${r.name} at ${r.atResource ? "the resource" : r.scope}`);
  const evidence = `ARM: principal ${principalObjectId} holds ${describe.join("; ") || "no role"}`;
  const run = commands(checklist);
  const fix = `Assign "${openAIUserRole.name}" (${openAIUserRole.id}) to the platform app on the resource: ${run.assignRole(principalObjectId)}`;

  const inference = held.filter((r) => inferenceRoles.has(r.id));
  if (inference.length === 0) {
    const broader = held.filter((r) => roleNames.has(r.id)).map((r) => r.name);
    return {
      status: "fail",
      evidence,
      fix:
        broader.length > 0
          ? `${[...new Set(broader)].join(" and ")} grant${broader.length === 1 ? "s" : ""} no inference. ${fix}; then remove the broader role: ${held
              .filter((r) => roleNames.has(r.id))
              .map((r) => run.removeRole(principalObjectId, r.id, r.scope))
              .join("; ")}`
          : fix,
      preferred: true,
      errorCode: "ROLE_MISSING",
    };
  }

  const extra = held.filter((r) => r.id !== openAIUserRole.id || !r.atResource);
  if (extra.length > 0) {
    return {
      status: "warn",
      evidence,
      fix: `Least privilege: keep only "${openAIUserRole.name}" on the resource itself${extra.some((r) => r.id === openAIUserRole.id) ? ` (${run.assignRole(principalObjectId)})` : ""} and remove ${extra.map((r) => `${r.name} at ${r.atResource ? "the resource" : r.scope}`).join(", ")}: ${extra.map((r) => run.removeRole(principalObjectId, r.id, r.scope)).join("; ")}`,
    };
  }
  return { status: "pass", evidence };
}
