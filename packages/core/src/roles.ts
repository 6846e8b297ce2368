/** An Azure built-in role, by its display name and its role definition id (the same in every tenant). */
export interface BuiltInRole {
  readonly name: string;
  readonly id: string;
}

/**
 * The role the platform app needs on a customer's Azure OpenAI resource, and nothing more: it
 * grants inference (chat completions, embeddings) and read access to the account.
 *
 * @example
 * ```ts
 * import { openAIUserRole } from "@crosstenant/core";
 * const command = `az role assignment create --assignee <app id> --role ${openAIUserRole.id} --scope <resource id>`;
 * ```
 */
export const openAIUserRole: BuiltInRole = Object.freeze({
  name: "Cognitive Services OpenAI User",
  id: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
});

/**
 * Roles often assigned by mistake. None of the first three grants inference; all of them grant
 * more management rights than the platform needs.
 *
 * @example
 * ```ts
 * import { broaderRoles } from "@crosstenant/core";
 * const tooBroad = new Set(Object.values(broaderRoles).map((role) => role.id));
 * ```
 */
export const broaderRoles = Object.freeze({
  owner: Object.freeze({ name: "Owner", id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" }),
  contributor: Object.freeze({ name: "Contributor", id: "b24988ac-6180-42a0-ab88-20f7382dd24c" }),
  cognitiveServicesContributor: Object.freeze({
    name: "Cognitive Services Contributor",
    id: "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68",
  }),
  openAIContributor: Object.freeze({
    name: "Cognitive Services OpenAI Contributor",
    id: "a001fd3d-188f-4b5d-821b-7da978bf7442",
  }),
} satisfies Record<string, BuiltInRole>);
