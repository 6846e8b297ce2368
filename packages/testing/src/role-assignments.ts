import { createHash } from "node:crypto";
import type { Scenario, ScenarioResource, ScenarioRoleAssignment } from "./scenario.js";

/** A role assignment placed at an ARM scope, as ARM reports it. */
export interface ScopedRoleAssignment {
  /** GUID name of the assignment, stable for the same principal, role and scope. */
  readonly name: string;
  /** ARM scope path: `/subscriptions/{sub}[/resourceGroups/{rg}[/providers/…/accounts/{name}]]`. */
  readonly scope: string;
  readonly subscriptionId: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
}

/** ARM resource id of an Azure OpenAI account. */
export const accountResourceId = (
  resource: Pick<ScenarioResource, "subscriptionId" | "resourceGroup" | "name">,
) =>
  `/subscriptions/${resource.subscriptionId}/resourceGroups/${resource.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${resource.name}`;

const scopeOf = (resource: ScenarioResource, assignment: ScenarioRoleAssignment) => {
  if (assignment.scope === "subscription") return `/subscriptions/${resource.subscriptionId}`;
  if (assignment.scope === "resourceGroup") {
    return `/subscriptions/${resource.subscriptionId}/resourceGroups/${resource.resourceGroup}`;
  }
  return accountResourceId(resource);
};

const guidFrom = (text: string) => {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

// A scenario object is replaced, never changed, by every mutation: safe to cache per object.
const cache = new WeakMap<Scenario, ScopedRoleAssignment[]>();

/** Every role assignment of the scenario at its ARM scope, without duplicates. */
export function scopedRoleAssignments(scenario: Scenario): ScopedRoleAssignment[] {
  const cached = cache.get(scenario);
  if (cached) return cached;
  const byName = new Map<string, ScopedRoleAssignment>();
  for (const resource of scenario.resources) {
    for (const assignment of resource.roleAssignments) {
      const scope = scopeOf(resource, assignment);
      const name = guidFrom(`${scope}|${assignment.principalId}|${assignment.roleDefinitionId}`);
      byName.set(name, {
        name,
        scope,
        subscriptionId: resource.subscriptionId,
        principalId: assignment.principalId,
        roleDefinitionId: assignment.roleDefinitionId.toLowerCase(),
      });
    }
  }
  const assignments = [...byName.values()];
  cache.set(scenario, assignments);
  return assignments;
}

const covers = (scope: string, target: string) =>
  target.toLowerCase() === scope.toLowerCase() ||
  target.toLowerCase().startsWith(`${scope.toLowerCase()}/`);

/**
 * The assignments of a principal that apply at `targetScope` (made there or at a scope above it),
 * optionally only those of the given roles.
 */
export function effectiveAssignments(
  scenario: Scenario,
  principalId: string,
  targetScope: string,
  roleDefinitionIds?: readonly string[],
): ScopedRoleAssignment[] {
  const wanted = roleDefinitionIds?.map((id) => id.toLowerCase());
  return scopedRoleAssignments(scenario).filter(
    (assignment) =>
      assignment.principalId.toLowerCase() === principalId.toLowerCase() &&
      covers(assignment.scope, targetScope) &&
      (!wanted || wanted.includes(assignment.roleDefinitionId)),
  );
}

/**
 * The assignments of a principal related to `scope` as ARM lists them for a `principalId` filter:
 * made at the scope, above it, or below it.
 */
export function listedAssignments(
  scenario: Scenario,
  principalId: string | undefined,
  scope: string,
): ScopedRoleAssignment[] {
  return scopedRoleAssignments(scenario).filter(
    (assignment) =>
      (principalId === undefined ||
        assignment.principalId.toLowerCase() === principalId.toLowerCase()) &&
      (covers(assignment.scope, scope) || covers(scope, assignment.scope)),
  );
}
