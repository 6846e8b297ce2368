/**
 * Stable ids of the checklist steps, in the order they are set up and verified. Errors name the
 * step to fix through `checklistItem`; reports and rendered checklists use the same ids.
 *
 * - `tenant`: the binding's tenant id is the customer's directory, in the platform's cloud.
 * - `platform-credential`: the platform app can authenticate (secret, certificate or federation).
 * - `app-consent`: the customer's admin consented the platform app into their tenant.
 * - `custom-subdomain`: the endpoint is the resource's custom subdomain, not a regional endpoint.
 * - `role-assignment`: the app holds "Cognitive Services OpenAI User" on the resource.
 * - `network-access`: the platform's egress IPs are allowed (default action Deny), or a private
 *   endpoint is used.
 * - `deployment`: each deployment the platform uses exists on the resource.
 * - `local-auth-disabled`: key-based authentication is disabled (recommended).
 *
 * @example
 * ```ts
 * import { checklistItemIds } from "@crosstenant/core";
 * checklistItemIds.indexOf("app-consent"); // 2: consent comes before the role assignment
 * ```
 */
export const checklistItemIds = Object.freeze([
  "tenant",
  "platform-credential",
  "app-consent",
  "custom-subdomain",
  "role-assignment",
  "network-access",
  "deployment",
  "local-auth-disabled",
] as const);

/** The id of one checklist step; see {@link checklistItemIds}. */
export type ChecklistItemId = (typeof checklistItemIds)[number];

/**
 * Who acts on a checklist step: the platform operator or the customer's Azure admin.
 *
 * @example
 * ```ts
 * import { checklistItemOwners } from "@crosstenant/core";
 * checklistItemOwners["role-assignment"]; // "customer"
 * ```
 */
export const checklistItemOwners: Readonly<Record<ChecklistItemId, "platform" | "customer">> =
  Object.freeze({
    tenant: "platform",
    "platform-credential": "platform",
    "app-consent": "customer",
    "custom-subdomain": "customer",
    "role-assignment": "customer",
    "network-access": "customer",
    deployment: "customer",
    "local-auth-disabled": "customer",
  });
