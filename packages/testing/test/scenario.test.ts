import { ConfigurationError, openAIUserRole } from "@crosstenant/core";
import { defaultIds, defaultScenario, scenarioSchema } from "@crosstenant/testing";
import { describe, expect, it } from "vitest";
import { LiveScenario } from "../src/live-scenario.js";
import { ipMatchesRule } from "../src/network-rules.js";
import { SigningKeys } from "../src/signing-keys.js";

const live = () => new LiveScenario(defaultScenario(), new SigningKeys());

describe("scenario schema", () => {
  it("describes a ready tenant with consent, role, firewall rule and local auth disabled", () => {
    const scenario = defaultScenario();
    const ready = scenario.resources.find((resource) => resource.name === defaultIds.readyResource);

    expect(ready).toMatchObject({
      tenantId: defaultIds.readyTenantId,
      disableLocalAuth: true,
      network: { defaultAction: "Deny", ipRules: [defaultIds.egressIp] },
      roleAssignments: [
        { principalId: defaultIds.readyServicePrincipalId, roleDefinitionId: openAIUserRole.id },
      ],
    });
    const unconsented = scenario.tenants.find((t) => t.tenantId === defaultIds.unconsentedTenantId);
    expect(unconsented?.servicePrincipals).toEqual([]);
  });

  it("refuses a resource in a tenant the scenario does not define", () => {
    const scenario = defaultScenario();
    const resource = scenario.resources[0];
    if (resource) resource.tenantId = "00000000-0000-4000-8000-000000000000";
    const result = scenarioSchema.safeParse(scenario);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["resources", 0, "tenantId"]);
  });

  it("refuses a custom subdomain ending in a dash", () => {
    const scenario = defaultScenario();
    const resource = scenario.resources[0];
    if (resource) resource.name = "contoso-";
    expect(scenarioSchema.safeParse(scenario).success).toBe(false);
  });
});

describe("live scenario mutations", () => {
  it("grants and revokes consent", () => {
    const scenario = live();
    const objectId = scenario.grantConsent(defaultIds.unconsentedTenantId);
    expect(scenario.tenant(defaultIds.unconsentedTenantId)?.servicePrincipals).toEqual([
      { appId: defaultIds.clientId, objectId, disabled: false },
    ]);

    scenario.revokeConsent(defaultIds.unconsentedTenantId);
    expect(scenario.tenant(defaultIds.unconsentedTenantId)?.servicePrincipals).toEqual([]);
  });

  it("rejects an invalid change and keeps the scenario as it was", () => {
    const scenario = live();
    expect(() => scenario.addIpRule(defaultIds.readyResource, "300.1.2.3")).toThrow(
      ConfigurationError,
    );
    expect(scenario.resource(defaultIds.readyResource)?.network.ipRules).toEqual([
      defaultIds.egressIp,
    ]);
  });

  it("names an unknown resource", () => {
    expect(() => live().setDefaultAction("nowhere", "Allow")).toThrow(/Unknown resource "nowhere"/);
  });

  it("adds and removes deployments and egress mappings", () => {
    const scenario = live();
    scenario.addDeployment(defaultIds.readyResource, { name: "o3", model: "o3", kind: "chat" });
    scenario.removeDeployment(defaultIds.readyResource, defaultIds.chatDeployment);
    scenario.setEgress("127.0.0.3", "198.51.100.3");
    scenario.setEgress(defaultIds.egressSource, undefined);

    expect(scenario.resource(defaultIds.readyResource)?.deployments.map((d) => d.name)).toEqual([
      defaultIds.embeddingsDeployment,
      "o3",
    ]);
    expect(scenario.current.egress).toEqual({ "127.0.0.3": "198.51.100.3" });
  });
});

describe("firewall rules", () => {
  it.each([
    ["203.0.113.10", "203.0.113.10", true],
    ["203.0.113.10", "203.0.113.0/24", true],
    ["203.0.114.1", "203.0.113.0/24", false],
    ["198.51.100.1", "0.0.0.0/0", true],
    ["203.0.113.11", "203.0.113.10/32", false],
  ])("matches %s against %s: %s", (ip, rule, expected) => {
    expect(ipMatchesRule(ip, rule)).toBe(expected);
  });
});
