import {
  buildChecklist,
  ConfigurationError,
  checklistItemIds,
  clouds,
  createTenantBinding,
  openAIUserRole,
} from "@crosstenant/core";
import { describe, expect, it } from "vitest";

const clientId = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const tenantId = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const armResourceId =
  "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/contoso-account";

const binding = createTenantBinding({
  tenantId,
  endpoint: "https://contoso.openai.azure.com",
  deployments: ["gpt-4o", "text-embedding-3-small"],
  armResourceId,
  displayName: "Contoso",
});

const build = (overrides: Partial<Parameters<typeof buildChecklist>[0]> = {}) =>
  buildChecklist({ app: { clientId }, binding, egressIps: ["203.0.113.10"], ...overrides });

const factsOf = (checklist: ReturnType<typeof build>, id: string) =>
  Object.fromEntries(
    (checklist.steps.find((step) => step.id === id)?.what ?? []).map((f) => [f.label, f.value]),
  );

describe("buildChecklist", () => {
  it("lists every step once, in the stable order, with its owner", () => {
    const checklist = build();
    expect(checklist.steps.map((step) => step.id)).toEqual([...checklistItemIds]);
    expect(checklist.steps.map((step) => step.owner)).toEqual([
      "platform",
      "platform",
      "customer",
      "customer",
      "customer",
      "customer",
      "customer",
      "customer",
    ]);
    expect(checklist.steps.filter((step) => !step.required).map((step) => step.id)).toEqual([
      "local-auth-disabled",
    ]);
    expect(checklist.schemaVersion).toBe(1);
    expect(checklist.kind).toBe("checklist");
  });

  it("gives every step a why, facts, portal steps, Azure CLI, Bicep, Terraform and a verification", () => {
    for (const step of build().steps) {
      expect(step.title.length, step.id).toBeGreaterThan(5);
      expect(step.why.length, step.id).toBeGreaterThan(20);
      expect(step.what.length, step.id).toBeGreaterThan(0);
      expect(step.how.portal.length, step.id).toBeGreaterThan(0);
      expect(step.how.azureCli.length, step.id).toBeGreaterThan(0);
      expect(step.how.bicep.length, step.id).toBeGreaterThan(0);
      expect(step.how.terraform.length, step.id).toBeGreaterThan(0);
      expect(step.verification.length, step.id).toBeGreaterThan(10);
    }
  });

  it("names the role by name and definition id, the app, and the resource scope", () => {
    const checklist = build();
    expect(factsOf(checklist, "role-assignment")).toEqual({
      Role: "Cognitive Services OpenAI User",
      "Role definition id": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
      Assignee: `the service principal of application ${clientId}`,
      Scope: armResourceId,
    });
    expect(checklist.role).toEqual({ name: openAIUserRole.name, id: openAIUserRole.id });
  });

  it("gives the admin-consent URL of the customer tenant for the app", () => {
    const checklist = build();
    const url = new URL(checklist.app.adminConsentUrl);
    expect(url.origin).toBe("https://login.microsoftonline.com");
    expect(url.pathname).toBe(`/${tenantId}/adminconsent`);
    expect(url.searchParams.get("client_id")).toBe(clientId);
    expect(factsOf(checklist, "app-consent")["Admin-consent URL"]).toBe(
      checklist.app.adminConsentUrl,
    );
  });

  it("splits the ARM resource id into subscription, group and account", () => {
    expect(build().target).toMatchObject({
      tenantId,
      displayName: "Contoso",
      endpoint: "https://contoso.openai.azure.com",
      resourceName: "contoso",
      subscriptionId: "00000000-1111-2222-3333-444444444444",
      resourceGroup: "rg-ai",
      accountName: "contoso-account",
      deployments: ["gpt-4o", "text-embedding-3-small"],
    });
  });

  it("lists the normalized egress IPs and the Deny default action in the network step", () => {
    const checklist = build({ egressIps: ["203.0.113.10", "198.51.100.0/24", "203.0.113.10/32"] });
    expect(checklist.egressIps).toEqual(["203.0.113.10", "198.51.100.0/24"]);
    expect(factsOf(checklist, "network-access")).toMatchObject({
      "IP rules to add": "203.0.113.10, 198.51.100.0/24",
      "Default action": "Deny (Selected networks)",
    });
  });

  it("asks for a private endpoint approval instead of IP rules when the platform uses one", () => {
    const checklist = build({ egressIps: [], privateEndpoint: true });
    const network = checklist.steps.find((step) => step.id === "network-access");
    expect(network?.title).toContain("private endpoint");
    expect(network?.how.azureCli.join("\n")).toContain("private-endpoint-connection list");
  });

  it("refuses an empty egress list without a private endpoint", () => {
    expect(() => build({ egressIps: [] })).toThrow(ConfigurationError);
    expect(() => build({ egressIps: [] })).toThrow(/privateEndpoint/);
  });

  it("refuses private egress IPs with a ConfigurationError listing each one", () => {
    try {
      build({ egressIps: ["10.0.0.4", "203.0.113.10", "192.168.1.1"] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).issues.map((issue) => issue.path)).toEqual([
        "egressIps.0",
        "egressIps.2",
      ]);
    }
  });

  it("refuses an app of another cloud than the binding", () => {
    try {
      build({ app: { clientId, cloud: clouds.usGovernment } });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigurationError).code).toBe("CLOUD_MISMATCH");
      expect((error as ConfigurationError).message).toContain("AzureUSGovernment");
    }
  });

  it("uses the binding's cloud for the consent URL", () => {
    const gov = createTenantBinding({
      tenantId,
      endpoint: "https://contoso.openai.azure.us",
      deployments: ["gpt-4o"],
      cloud: "usGovernment",
    });
    const checklist = buildChecklist({
      app: { clientId },
      binding: gov,
      egressIps: ["203.0.113.10"],
    });
    expect(checklist.app.adminConsentUrl.startsWith("https://login.microsoftonline.us/")).toBe(
      true,
    );
    expect(checklist.target.cloud).toBe("AzureUSGovernment");
  });
});
