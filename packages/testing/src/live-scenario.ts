import { randomBytes, randomUUID } from "node:crypto";
import { ConfigurationError, openAIUserRole } from "@crosstenant/core";
import type { ScenarioInput } from "./scenario.js";
import {
  type Scenario,
  type ScenarioApp,
  type ScenarioDeployment,
  type ScenarioResource,
  type ScenarioRoleAssignment,
  type ScenarioTenant,
  scenarioSchema,
} from "./scenario.js";
import type { SigningKeys } from "./signing-keys.js";

const notFound = (kind: string, name: string, field: string) =>
  new ConfigurationError(
    `Unknown ${kind} "${name}" in the mock scenario. Use one of the ${kind}s the scenario defines, or add it first.`,
    { issues: [{ path: field, message: `no ${kind} named ${name}` }] },
  );

/**
 * The scenario a running mock serves. Every mutation is validated against the scenario schema and
 * applies to the next request; an invalid one throws a `ConfigurationError` and changes nothing.
 *
 * @example
 * ```ts
 * mock.scenario.revokeConsent(mock.defaults.tenants.ready.tenantId);
 * mock.scenario.removeIpRule("contoso-openai", "203.0.113.10");
 * ```
 */
export class LiveScenario {
  #scenario: Scenario;
  readonly #keys: SigningKeys;
  // Looked up on every request; rebuilt on each change so a fleet of thousands stays cheap.
  #apps = new Map<string, ScenarioApp>();
  #tenants = new Map<string, ScenarioTenant>();
  #resources = new Map<string, ScenarioResource>();

  constructor(scenario: Scenario, keys: SigningKeys) {
    this.#scenario = scenario;
    this.#keys = keys;
    this.#index();
  }

  /** The scenario as it is now. Treat it as read-only: change it through the methods. */
  get current(): Readonly<Scenario> {
    return this.#scenario;
  }

  /** An app registration by client id. */
  app(clientId: string): ScenarioApp | undefined {
    return this.#apps.get(clientId);
  }

  /** A tenant by id. */
  tenant(tenantId: string): ScenarioTenant | undefined {
    return this.#tenants.get(tenantId);
  }

  /** An Azure OpenAI resource by name (custom subdomain). */
  resource(name: string): ScenarioResource | undefined {
    return this.#resources.get(name);
  }

  /** Replaces the whole scenario. */
  replace(scenario: ScenarioInput): void {
    this.#apply(() => structuredClone(scenario) as Scenario);
  }

  /** Adds a tenant. */
  addTenant(tenant: ScenarioItem<"tenants">): void {
    this.#apply((draft) => {
      draft.tenants.push(tenant as ScenarioTenant);
      return draft;
    });
  }

  /** Adds an Azure OpenAI resource. */
  addResource(resource: ScenarioItem<"resources">): void {
    this.#apply((draft) => {
      draft.resources.push(resource as ScenarioResource);
      return draft;
    });
  }

  /** Admin consent: creates the app's service principal in the tenant; returns its object id. */
  grantConsent(
    tenantId: string,
    appId = this.#firstAppId(),
    objectId: string = randomUUID(),
  ): string {
    let granted = objectId;
    this.#apply((draft) => {
      const tenant = this.#tenantIn(draft, tenantId);
      const existing = tenant.servicePrincipals.find((sp) => sp.appId === appId);
      if (existing) granted = existing.objectId;
      else tenant.servicePrincipals.push({ appId, objectId, disabled: false });
      return draft;
    });
    return granted;
  }

  /** Deletes the app's service principal from the tenant. */
  revokeConsent(tenantId: string, appId = this.#firstAppId()): void {
    this.#apply((draft) => {
      const tenant = this.#tenantIn(draft, tenantId);
      tenant.servicePrincipals = tenant.servicePrincipals.filter((sp) => sp.appId !== appId);
      return draft;
    });
  }

  /** Assigns a role (by default Cognitive Services OpenAI User) on a resource or above it. */
  assignRole(
    resourceName: string,
    principalId: string,
    roleDefinitionId: string = openAIUserRole.id,
    scope: ScenarioRoleAssignment["scope"] = "resource",
  ): void {
    this.#apply((draft) => {
      this.#resourceIn(draft, resourceName).roleAssignments.push({
        principalId,
        roleDefinitionId,
        scope,
      });
      return draft;
    });
  }

  /** Removes a principal's assignments on a resource (of one role, or of every role). */
  removeRole(resourceName: string, principalId: string, roleDefinitionId?: string): void {
    this.#apply((draft) => {
      const resource = this.#resourceIn(draft, resourceName);
      resource.roleAssignments = resource.roleAssignments.filter(
        (assignment) =>
          assignment.principalId !== principalId ||
          (roleDefinitionId !== undefined && assignment.roleDefinitionId !== roleDefinitionId),
      );
      return draft;
    });
  }

  /** Adds an IP rule (IPv4 or CIDR) to a resource's firewall. */
  addIpRule(resourceName: string, rule: string): void {
    this.#apply((draft) => {
      this.#resourceIn(draft, resourceName).network.ipRules.push(rule);
      return draft;
    });
  }

  /** Removes an IP rule from a resource's firewall. */
  removeIpRule(resourceName: string, rule: string): void {
    this.#apply((draft) => {
      const network = this.#resourceIn(draft, resourceName).network;
      network.ipRules = network.ipRules.filter((candidate) => candidate !== rule);
      return draft;
    });
  }

  /** Sets a resource's firewall default action. */
  setDefaultAction(resourceName: string, defaultAction: "Allow" | "Deny"): void {
    this.#apply((draft) => {
      this.#resourceIn(draft, resourceName).network.defaultAction = defaultAction;
      return draft;
    });
  }

  /** Enables or disables a resource's public network access. */
  setPublicNetworkAccess(resourceName: string, access: "Enabled" | "Disabled"): void {
    this.#apply((draft) => {
      this.#resourceIn(draft, resourceName).network.publicNetworkAccess = access;
      return draft;
    });
  }

  /** Adds a deployment to a resource. */
  addDeployment(resourceName: string, deployment: ScenarioDeployment): void {
    this.#apply((draft) => {
      this.#resourceIn(draft, resourceName).deployments.push(deployment);
      return draft;
    });
  }

  /** Removes a deployment from a resource. */
  removeDeployment(resourceName: string, deploymentName: string): void {
    this.#apply((draft) => {
      const resource = this.#resourceIn(draft, resourceName);
      resource.deployments = resource.deployments.filter((d) => d.name !== deploymentName);
      return draft;
    });
  }

  /** Maps a TCP source address to a simulated egress IP; `undefined` removes the mapping. */
  setEgress(sourceAddress: string, egressIp: string | undefined): void {
    this.#apply((draft) => {
      if (egressIp === undefined) delete draft.egress[sourceAddress];
      else draft.egress[sourceAddress] = egressIp;
      return draft;
    });
  }

  /** Enables or disables an app registration everywhere (AADSTS7000112). */
  setAppDisabled(clientId: string, disabled: boolean): void {
    this.#apply((draft) => {
      this.#appIn(draft, clientId).disabled = disabled;
      return draft;
    });
  }

  /** Makes a client secret expire now (AADSTS7000222 from then on). */
  expireSecret(clientId: string, secretId: string): void {
    this.#apply((draft) => {
      const secret = this.#appIn(draft, clientId).secrets.find((s) => s.id === secretId);
      if (!secret) throw notFound("secret", secretId, "secretId");
      secret.expiresAt = new Date(Date.now() - 1000).toISOString();
      return draft;
    });
  }

  /** Adds a client secret to an app; returns it (id and value). */
  addSecret(clientId: string, expiresAt?: Date): { id: string; value: string } {
    const secret = { id: randomUUID(), value: `Mk${randomBytes(24).toString("base64url")}` };
    this.#apply((draft) => {
      this.#appIn(draft, clientId).secrets.push({
        ...secret,
        ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      });
      return draft;
    });
    return secret;
  }

  /** Replaces every secret of an app with a new one; returns it (id and value). */
  rotateSecret(clientId: string): { id: string; value: string } {
    const secret = { id: randomUUID(), value: `Mk${randomBytes(24).toString("base64url")}` };
    this.#apply((draft) => {
      this.#appIn(draft, clientId).secrets = [{ ...secret }];
      return draft;
    });
    return secret;
  }

  /** Replaces a tenant's signing key; tokens signed with the old one stop validating. */
  async rotateSigningKey(tenantId: string): Promise<void> {
    if (!this.tenant(tenantId)) throw notFound("tenant", tenantId, "tenantId");
    await this.#keys.rotate(tenantId);
  }

  #apply(mutate: (draft: Scenario) => Scenario): void {
    const draft = mutate(structuredClone(this.#scenario));
    const parsed = scenarioSchema.safeParse(draft);
    if (!parsed.success) throw ConfigurationError.fromZod("mock scenario change", parsed.error);
    this.#scenario = parsed.data;
    this.#index();
  }

  #index(): void {
    this.#apps = new Map(this.#scenario.apps.map((app) => [app.clientId, app]));
    this.#tenants = new Map(this.#scenario.tenants.map((tenant) => [tenant.tenantId, tenant]));
    this.#resources = new Map(
      this.#scenario.resources.map((resource) => [resource.name, resource]),
    );
  }

  #firstAppId(): string {
    const app = this.#scenario.apps[0];
    if (!app) throw notFound("app", "(any)", "appId");
    return app.clientId;
  }

  #tenantIn(draft: Scenario, tenantId: string): ScenarioTenant {
    const tenant = draft.tenants.find((candidate) => candidate.tenantId === tenantId);
    if (!tenant) throw notFound("tenant", tenantId, "tenantId");
    return tenant;
  }

  #resourceIn(draft: Scenario, name: string): ScenarioResource {
    const resource = draft.resources.find((candidate) => candidate.name === name);
    if (!resource) throw notFound("resource", name, "resourceName");
    return resource;
  }

  #appIn(draft: Scenario, clientId: string): ScenarioApp {
    const app = draft.apps.find((candidate) => candidate.clientId === clientId);
    if (!app) throw notFound("app", clientId, "clientId");
    return app;
  }
}

type ScenarioItem<K extends "tenants" | "resources"> = NonNullable<ScenarioInput[K]>[number];
