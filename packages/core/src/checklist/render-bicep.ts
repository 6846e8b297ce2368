import type { ChecklistItemId } from "../checklist-items.js";
import type { ChecklistBasis } from "./render-azure-cli.js";
import { bicepString, commentText, targetLabel, verifiedComment } from "./script-values.js";
import type { Checklist, ChecklistReport } from "./types.js";

/** The ARM api-version the generated templates use for the account (read only, `existing`). */
const accountApiVersion = "2024-10-01";

const networkComment = (basis: ChecklistBasis) => {
  if (basis.privateEndpoint) {
    return [
      "// Network: the platform uses a private endpoint. Approve its connection on the account",
      "// (Networking > Private endpoint connections); publicNetworkAccess may stay 'Disabled'.",
    ];
  }
  return [
    "// Network: Bicep cannot change the IP rules of an account it does not declare (a resource",
    "// declaration replaces the whole networkAcls object). Add to the template that owns it:",
    "//   publicNetworkAccess: 'Enabled'",
    "//   networkAcls: {",
    "//     defaultAction: 'Deny'",
    "//     ipRules: [",
    ...basis.egressIps.map((ip) => `//       { value: '${ip}' }`),
    "//     ]",
    "//   }",
  ];
};

/** The Bicep lines (resources or comments) for one step; the header declares what they use. */
export function bicepForStep(id: ChecklistItemId, basis: ChecklistBasis): string[] {
  switch (id) {
    case "tenant":
      return [`// Deploy while signed in to tenant ${basis.target.tenantId}.`];
    case "platform-credential":
      return ["// Done by the platform operator: nothing to deploy in your tenant."];
    case "app-consent":
      return [
        "// Bicep cannot consent an application. Open the admin-consent URL, or run:",
        `//   az ad sp create --id ${basis.app.clientId}`,
      ];
    case "custom-subdomain":
      return [
        `// The account must have the custom subdomain '${basis.target.resourceName}'; the output`,
        "// 'endpoint' below shows the one it has.",
      ];
    case "role-assignment":
      return [
        "resource openAIUserAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {",
        "  name: guid(account.id, platformPrincipalId, openAIUserRoleId)",
        "  scope: account",
        "  properties: {",
        "    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAIUserRoleId)",
        "    principalId: platformPrincipalId",
        "    principalType: 'ServicePrincipal'",
        "  }",
        "}",
      ];
    case "network-access":
      return networkComment(basis);
    case "deployment":
      return [
        "// Deployments the platform uses (create each in the account's template if missing):",
        ...basis.target.deployments.map((name) => `//   ${commentText(name)}`),
      ];
    case "local-auth-disabled":
      return ["// Recommended, in the template that owns the account:  disableLocalAuth: true"];
  }
}

/**
 * Renders the checklist as a Bicep file deployed at the scope of the account's resource group:
 * the account is referenced as `existing`, and the role assignment is the one resource it
 * creates. Steps that Bicep cannot express without owning the account are comments.
 */
export function renderBicep(checklist: Checklist, report?: ChecklistReport): string {
  const { target } = checklist;
  const principalDefault = report?.principalObjectId
    ? ` = ${bicepString(report.principalObjectId)}`
    : "";
  const lines = [
    `// crosstenant allowlist checklist for ${commentText(targetLabel(target))}`,
    `// Grants the platform app ${checklist.app.clientId} access to ${commentText(target.endpoint)}.`,
    "// Deploy into the account's resource group:",
    `//   az deployment group create --resource-group ${commentText(target.resourceGroup ?? "(the account's group)")} --template-file checklist.bicep`,
    "targetScope = 'resourceGroup'",
    "",
    "@description('Name of the Azure OpenAI account (Microsoft.CognitiveServices/accounts).')",
    `param accountName string = ${bicepString(target.accountName ?? target.resourceName)}`,
    "",
    `@description(${bicepString(`Object id of the platform app's service principal in this tenant: az ad sp show --id ${checklist.app.clientId} --query id --output tsv`)})`,
    `param platformPrincipalId string${principalDefault}`,
    "",
    `// ${commentText(checklist.role.name)}: inference only, nothing else.`,
    `var openAIUserRoleId = ${bicepString(checklist.role.id)}`,
    "",
    `resource account 'Microsoft.CognitiveServices/accounts@${accountApiVersion}' existing = {`,
    "  name: accountName",
    "}",
  ];

  for (const step of checklist.steps) {
    lines.push(
      "",
      `// --- ${step.id}: ${commentText(step.title)}`,
      ...verifiedComment(report, step.id, "//"),
      ...step.how.bicep,
    );
  }

  lines.push(
    "",
    "output endpoint string = account.properties.endpoint",
    "output customSubDomainName string = account.properties.customSubDomainName",
    "",
  );
  return lines.join("\n");
}
