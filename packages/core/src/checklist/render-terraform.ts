import type { ChecklistItemId } from "../checklist-items.js";
import type { ChecklistBasis } from "./render-azure-cli.js";
import { commentText, hclString, targetLabel, verifiedComment } from "./script-values.js";
import type { Checklist, ChecklistReport } from "./types.js";

const networkComment = (basis: ChecklistBasis) => {
  if (basis.privateEndpoint) {
    return [
      "# Network: the platform uses a private endpoint. Approve its connection on the account",
      "# (azurerm_private_endpoint on the platform side; approval in the portal or with az).",
    ];
  }
  return [
    "# Network: azurerm has no separate resource for an account's IP rules; they live in the",
    "# network_acls block of the azurerm_cognitive_account that owns the account. Merge into it:",
    "#   public_network_access_enabled = true",
    "#   network_acls {",
    '#     default_action = "Deny"',
    `#     ip_rules       = [${basis.egressIps.map((ip) => `"${ip}"`).join(", ")}]`,
    "#   }",
  ];
};

/** The Terraform lines (resources, checks or comments) for one step. */
export function terraformForStep(id: ChecklistItemId, basis: ChecklistBasis): string[] {
  switch (id) {
    case "tenant":
      return [`# Apply with credentials of tenant ${basis.target.tenantId} (see the providers).`];
    case "platform-credential":
      return ["# Done by the platform operator: nothing to apply in your tenant."];
    case "app-consent":
      return [
        "# Creates the platform app's service principal in your tenant (the same as admin consent",
        "# for an app that asks for no API permissions); reuses it when it already exists.",
        'resource "azuread_service_principal" "platform" {',
        `  client_id    = ${hclString(basis.app.clientId)}`,
        "  use_existing = true",
        "}",
      ];
    case "custom-subdomain":
      return [
        'check "custom_subdomain" {',
        "  assert {",
        `    condition     = startswith(data.azurerm_cognitive_account.openai.endpoint, ${hclString(`https://${basis.target.resourceName}.`)})`,
        `    error_message = ${hclString(`The account's endpoint must be its custom subdomain ${basis.target.endpoint}.`)}`,
        "  }",
        "}",
      ];
    case "role-assignment":
      return [
        `# ${basis.role.name} (role definition id ${basis.role.id}), on the account only.`,
        'resource "azurerm_role_assignment" "platform_openai_user" {',
        "  scope                            = data.azurerm_cognitive_account.openai.id",
        `  role_definition_name             = ${hclString(basis.role.name)}`,
        "  principal_id                     = azuread_service_principal.platform.object_id",
        '  principal_type                   = "ServicePrincipal"',
        "  skip_service_principal_aad_check = true",
        "}",
      ];
    case "network-access":
      return networkComment(basis);
    case "deployment":
      return [
        "# Deployments the platform uses (azurerm_cognitive_deployment, in the configuration that",
        "# owns the account; the model and capacity are your choice):",
        ...basis.target.deployments.map((name) => `#   ${commentText(name)}`),
      ];
    case "local-auth-disabled":
      return [
        "# Recommended, in the azurerm_cognitive_account that owns the account:",
        "#   local_auth_enabled = false",
      ];
  }
}

function variableBlock(name: string, description: string, value: string | undefined): string[] {
  return [
    `variable ${hclString(name)} {`,
    "  type        = string",
    `  description = ${hclString(description)}`,
    ...(value === undefined ? [] : [`  default     = ${hclString(value)}`]),
    "}",
  ];
}

/**
 * Renders the checklist as a Terraform configuration (azurerm and azuread providers): the
 * service principal (consent), the role assignment on the existing account, and `check` blocks.
 * Settings that only the account's owning configuration can change are comments.
 */
export function renderTerraform(checklist: Checklist, report?: ChecklistReport): string {
  const { target } = checklist;
  const lines = [
    `# crosstenant allowlist checklist for ${commentText(targetLabel(target))}`,
    `# Grants the platform app ${checklist.app.clientId} access to ${commentText(target.endpoint)}.`,
    "# Needs Terraform >= 1.5 (check blocks), azurerm >= 3.0 and azuread >= 2.47.",
    "terraform {",
    "  required_providers {",
    "    azurerm = {",
    '      source  = "hashicorp/azurerm"',
    '      version = ">= 3.0"',
    "    }",
    "    azuread = {",
    '      source  = "hashicorp/azuread"',
    '      version = ">= 2.47"',
    "    }",
    "  }",
    "}",
    "",
    'provider "azurerm" {',
    "  features {}",
    "  subscription_id = var.subscription_id",
    `  tenant_id       = ${hclString(target.tenantId)}`,
    "}",
    "",
    'provider "azuread" {',
    `  tenant_id = ${hclString(target.tenantId)}`,
    "}",
    "",
    ...variableBlock(
      "subscription_id",
      "Subscription of the Azure OpenAI account.",
      target.subscriptionId,
    ),
    "",
    ...variableBlock(
      "resource_group_name",
      "Resource group of the Azure OpenAI account.",
      target.resourceGroup,
    ),
    "",
    ...variableBlock(
      "account_name",
      "Name of the Azure OpenAI account.",
      target.accountName ?? target.resourceName,
    ),
    "",
    'data "azurerm_cognitive_account" "openai" {',
    "  name                = var.account_name",
    "  resource_group_name = var.resource_group_name",
    "}",
  ];

  for (const step of checklist.steps) {
    lines.push(
      "",
      `# --- ${step.id}: ${commentText(step.title)}`,
      ...verifiedComment(report, step.id, "#"),
      ...step.how.terraform,
    );
  }

  lines.push(
    "",
    'output "endpoint" {',
    "  value = data.azurerm_cognitive_account.openai.endpoint",
    "}",
    "",
  );
  return lines.join("\n");
}
