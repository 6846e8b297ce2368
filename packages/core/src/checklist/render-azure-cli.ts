// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are bash, where ${...} is a parameter expansion.
import type { ChecklistItemId } from "../checklist-items.js";
import { commentText, shellQuote, targetLabel, verifiedComment } from "./script-values.js";
import type { Checklist, ChecklistReport } from "./types.js";

/** What the per-step snippets of every format are made from: a checklist without its steps. */
export type ChecklistBasis = Omit<Checklist, "steps" | "schemaVersion" | "kind">;

/**
 * The bash lines for one step. They use the variables the script header defines (`TENANT_ID`,
 * `APP_ID`, `ROLE_ID`, `RESOURCE_ID`, `RESOURCE_GROUP`, `ACCOUNT_NAME`, `CUSTOM_SUBDOMAIN`,
 * `EGRESS_IPS`, `DEPLOYMENTS`) so that the step text and the script are the same commands.
 */
export function azureCliForStep(id: ChecklistItemId, basis: ChecklistBasis): string[] {
  switch (id) {
    case "tenant":
      return [
        'SIGNED_IN_TENANT="$(az account show --query tenantId --output tsv)"',
        'if [[ "$SIGNED_IN_TENANT" != "$TENANT_ID" ]]; then',
        '  echo "Signed in to tenant $SIGNED_IN_TENANT; run: az login --tenant $TENANT_ID" >&2',
        "  exit 1",
        "fi",
      ];
    case "platform-credential":
      return ["# Done by the platform operator: nothing to run in your tenant."];
    case "app-consent":
      return [
        'if ! az ad sp show --id "$APP_ID" --output none 2>/dev/null; then',
        '  az ad sp create --id "$APP_ID" --output none',
        "fi",
        'SP_OBJECT_ID="$(az ad sp show --id "$APP_ID" --query id --output tsv)"',
      ];
    case "custom-subdomain":
      return [
        'ACTUAL_SUBDOMAIN="$(az resource show --ids "$RESOURCE_ID" --query properties.customSubDomainName --output tsv)"',
        'if [[ "$ACTUAL_SUBDOMAIN" != "$CUSTOM_SUBDOMAIN" ]]; then',
        "  echo \"The account's custom subdomain is '$ACTUAL_SUBDOMAIN', expected '$CUSTOM_SUBDOMAIN'.\" >&2",
        "  exit 1",
        "fi",
      ];
    case "role-assignment":
      return [
        'az role assignment create --assignee-object-id "$SP_OBJECT_ID" \\',
        '  --assignee-principal-type ServicePrincipal --role "$ROLE_ID" --scope "$RESOURCE_ID" \\',
        "  --output none",
      ];
    case "network-access":
      if (basis.privateEndpoint) {
        return [
          "# The platform reaches the resource through a private endpoint: approve its connection.",
          'az network private-endpoint-connection list --id "$RESOURCE_ID" \\',
          '  --query "[].{name:name, status:properties.privateLinkServiceConnectionState.status}" \\',
          "  --output table",
        ];
      }
      return [
        'for ip in "${EGRESS_IPS[@]}"; do',
        '  az cognitiveservices account network-rule add --resource-group "$RESOURCE_GROUP" \\',
        '    --name "$ACCOUNT_NAME" --ip-address "$ip" --output none',
        "done",
        'az resource update --ids "$RESOURCE_ID" --set properties.networkAcls.defaultAction=Deny \\',
        "  properties.publicNetworkAccess=Enabled --output none",
      ];
    case "deployment":
      return [
        "MISSING_DEPLOYMENTS=()",
        'for deployment in "${DEPLOYMENTS[@]}"; do',
        '  if ! az cognitiveservices account deployment show --resource-group "$RESOURCE_GROUP" \\',
        '    --name "$ACCOUNT_NAME" --deployment-name "$deployment" --output none 2>/dev/null; then',
        '    MISSING_DEPLOYMENTS+=("$deployment")',
        "  fi",
        "done",
      ];
    case "local-auth-disabled":
      return [
        'az resource update --ids "$RESOURCE_ID" --set properties.disableLocalAuth=true --output none',
      ];
  }
}

function resourceLines(checklist: Checklist): string[] {
  const { target } = checklist;
  if (target.armResourceId && target.resourceGroup && target.accountName) {
    return [
      `RESOURCE_ID=${shellQuote(target.armResourceId)}`,
      `RESOURCE_GROUP=${shellQuote(target.resourceGroup)}`,
      `ACCOUNT_NAME=${shellQuote(target.accountName)}`,
    ];
  }
  return [
    "# The resource id was not given: find the account by its custom subdomain in the current",
    "# subscription (select the account's subscription first with az account set --subscription).",
    'RESOURCE_ID="$(az cognitiveservices account list \\',
    '  --query "[?properties.customSubDomainName==\'${CUSTOM_SUBDOMAIN}\'].id | [0]" --output tsv)"',
    'if [[ -z "$RESOURCE_ID" ]]; then',
    '  echo "No Azure OpenAI account with custom subdomain $CUSTOM_SUBDOMAIN in this subscription." >&2',
    "  exit 1",
    "fi",
    'RESOURCE_GROUP="$(cut -d/ -f5 <<<"$RESOURCE_ID")"',
    'ACCOUNT_NAME="${RESOURCE_ID##*/}"',
  ];
}

/**
 * Renders the checklist as a bash script for the customer's admin: `set -euo pipefail`, every
 * value in a variable at the top (single-quoted), one block per step. Idempotent where Azure CLI
 * allows: consent is only created when missing, and IP rules already present are left alone.
 */
export function renderAzureCli(checklist: Checklist, report?: ChecklistReport): string {
  const { target } = checklist;
  const list = (values: readonly string[]) => `(${values.map(shellQuote).join(" ")})`;
  const lines = [
    "#!/usr/bin/env bash",
    `# crosstenant allowlist checklist for ${commentText(targetLabel(target))}`,
    `# Grants the platform app ${checklist.app.clientId} access to ${commentText(target.endpoint)}.`,
    "# Run it as an admin of that tenant who may create service principals and assign roles on",
    `# the resource, after: az login --tenant ${target.tenantId}`,
    "set -euo pipefail",
    "",
    `TENANT_ID=${shellQuote(target.tenantId)}`,
    `APP_ID=${shellQuote(checklist.app.clientId)}`,
    `ROLE_ID=${shellQuote(checklist.role.id)} # ${commentText(checklist.role.name)}`,
    `CUSTOM_SUBDOMAIN=${shellQuote(target.resourceName)}`,
    ...(checklist.privateEndpoint ? [] : [`EGRESS_IPS=${list(checklist.egressIps)}`]),
    `DEPLOYMENTS=${list(target.deployments)}`,
    ...resourceLines(checklist),
  ];

  for (const step of checklist.steps) {
    lines.push(
      "",
      `# --- ${step.id}: ${commentText(step.title)}${step.required ? "" : " (recommended)"}`,
      ...verifiedComment(report, step.id, "#"),
      `echo ${shellQuote(`[${step.id}] ${step.title}`)} >&2`,
      ...step.how.azureCli,
    );
  }

  lines.push(
    "",
    'if [[ "${#MISSING_DEPLOYMENTS[@]}" -gt 0 ]]; then',
    '  echo "Create these deployments, then send their names to the platform: ${MISSING_DEPLOYMENTS[*]}" >&2',
    "  exit 1",
    "fi",
    `echo ${shellQuote(`Done. The platform will use ${target.endpoint}`)} >&2`,
    "",
  );
  return lines.join("\n");
}
