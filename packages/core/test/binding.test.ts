import {
  assertDeploymentAllowed,
  ConfigurationError,
  clouds,
  createTenantBinding,
  DEFAULT_API_VERSION,
  defineCloud,
  tenantBindingSchema,
} from "@crosstenant/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const tenantId = "6F1C3B2A-0D4E-4F5A-9B8C-7D6E5F4A3B2C";
const valid = {
  tenantId,
  endpoint: "https://contoso.openai.azure.com/",
  deployments: ["gpt-4o", "text-embedding-3-large"],
};

function configurationError(input: unknown): ConfigurationError {
  try {
    createTenantBinding(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("the binding was accepted");
}

const paths = (error: ConfigurationError) => error.issues.map((issue) => issue.path);

describe("createTenantBinding", () => {
  it("returns a frozen binding with defaults, the endpoint parsed and the tenant id lowercased", () => {
    const binding = createTenantBinding(valid);

    expect(binding).toEqual({
      tenantId: tenantId.toLowerCase(),
      endpoint: expect.objectContaining({
        url: "https://contoso.openai.azure.com",
        resourceName: "contoso",
      }),
      deployments: ["gpt-4o", "text-embedding-3-large"],
      cloud: clouds.public,
      apiVersion: DEFAULT_API_VERSION,
    });
    expect(DEFAULT_API_VERSION).toBe("2024-10-21");
    expect(Object.isFrozen(binding)).toBe(true);
    expect(Object.isFrozen(binding.deployments)).toBe(true);
    expect("armResourceId" in binding).toBe(false);
  });

  it("keeps the optional fields and parses the endpoint against the binding's cloud", () => {
    const armResourceId =
      "/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg-ai/providers/microsoft.cognitiveservices/accounts/contoso";
    const binding = createTenantBinding({
      ...valid,
      endpoint: new URL("https://contoso.openai.azure.us"),
      cloud: "usGovernment",
      armResourceId,
      apiVersion: "2025-04-01-preview",
      displayName: "Contoso",
    });

    expect(binding.cloud).toBe(clouds.usGovernment);
    expect(binding.endpoint.cloud).toBe(clouds.usGovernment);
    expect(binding.armResourceId).toBe(armResourceId);
    expect(binding.apiVersion).toBe("2025-04-01-preview");
    expect(binding.displayName).toBe("Contoso");
  });

  it("accepts a defined cloud, such as the mock's loopback cloud", () => {
    const mock = defineCloud({
      name: "mock",
      authorityHost: "https://login.localhost:4000",
      openAIHostSuffixes: [".openai.localhost"],
      cognitiveServicesAudience: "https://cognitiveservices.azure.com",
      armEndpoint: "https://management.localhost:4000",
      allowLoopback: true,
      allowPorts: true,
    });
    const binding = createTenantBinding({
      ...valid,
      endpoint: "https://contoso.openai.localhost:4001",
      cloud: mock,
    });
    expect(binding.endpoint.url).toBe("https://contoso.openai.localhost:4001");
    expect(binding.cloud).toBe(mock);
  });

  it("lists every problem at once, by field path, with the endpoint's own message", () => {
    const error = configurationError({
      tenantId: "contoso",
      endpoint: "https://eastus.api.cognitive.microsoft.com",
      deployments: [],
      apiVersion: "latest",
      armResourceId: "/subscriptions/x/resourceGroups/rg",
    });

    expect(error.code).toBe("CONFIGURATION_INVALID");
    expect(paths(error).sort()).toEqual(
      ["apiVersion", "armResourceId", "deployments", "endpoint", "tenantId"].sort(),
    );
    const endpoint = error.issues.find((issue) => issue.path === "endpoint");
    expect(endpoint?.message).toMatch(/regional endpoint.*custom subdomain/);
    expect(error.message).toMatch(/5 problems; nothing was applied/);
    expect(error.message).toMatch(/tenantId: .*GUID/);
  });

  it("rejects unknown fields", () => {
    const error = configurationError({ ...valid, apiKey: "not-allowed" });
    expect(error.message).toMatch(/apiKey/);
    expect(error.message).not.toMatch(/not-allowed/);
  });

  it.each([
    [["gpt-4o", "gpt-4o"], /"gpt-4o" is listed twice/, "deployments.1"],
    [["gpt 4o"], /1–64 letters/, "deployments.0"],
    [["a".repeat(65)], /1–64/, "deployments.0"],
    [[""], /1–64/, "deployments.0"],
    [["gpt-4o/chat"], /1–64/, "deployments.0"],
    [[], /at least one deployment/, "deployments"],
  ])("rejects deployments %j", (deployments, meaning, path) => {
    const error = configurationError({ ...valid, deployments });
    expect(paths(error)).toEqual([path]);
    expect(error.message).toMatch(meaning);
  });

  it("accepts deployment names with dots, dashes and underscores", () => {
    const binding = createTenantBinding({ ...valid, deployments: ["gpt-4.1_mini", "o3-mini"] });
    expect(binding.deployments).toEqual(["gpt-4.1_mini", "o3-mini"]);
  });

  it.each([
    ["cloud", "azure", /one of public, usGovernment, china/],
    ["cloud", { name: "half a cloud" }, /defineCloud/],
    ["tenantId", "6f1c3b2a0d4e4f5a9b8c7d6e5f4a3b2c", /GUID/],
    ["apiVersion", "2024-10-21-beta", /YYYY-MM-DD-preview/],
    ["displayName", "   ", /must not be empty/],
    ["endpoint", 42, /endpoint/],
    [
      "armResourceId",
      "/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
      /Microsoft\.CognitiveServices/,
    ],
  ])("rejects an invalid %s", (field, value, meaning) => {
    const error = configurationError({ ...valid, [field]: value });
    expect(paths(error)).toContain(field);
    expect(error.message).toMatch(meaning);
  });

  it("checks the endpoint against the binding's cloud, naming the right one", () => {
    const error = configurationError({ ...valid, cloud: "china" });
    expect(paths(error)).toEqual(["endpoint"]);
    expect(error.message).toMatch(/AzurePublicCloud \("public"\)/);
  });

  it("rejects what is not an object", () => {
    expect(configurationError(null).issues[0]?.path).toBe("(root)");
    expect(configurationError("https://contoso.openai.azure.com").code).toBe(
      "CONFIGURATION_INVALID",
    );
  });

  it("carries the tenant id on the error when it is valid", () => {
    expect(configurationError({ ...valid, deployments: [] }).tenantId).toBe(tenantId.toLowerCase());
  });
});

describe("tenantBindingSchema", () => {
  it("embeds in a larger configuration schema and outputs bindings", () => {
    const config = z.object({ tenants: z.record(z.string(), tenantBindingSchema) });
    const parsed = config.parse({ tenants: { contoso: valid } });
    expect(parsed.tenants.contoso?.endpoint.resourceName).toBe("contoso");
  });

  it("reports the endpoint problem under the nested path", () => {
    const config = z.object({ tenants: z.record(z.string(), tenantBindingSchema) });
    const result = config.safeParse({
      tenants: { contoso: { ...valid, endpoint: "https://contoso.openai.azure.com/openai/v1/" } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["tenants", "contoso", "endpoint"]);
  });
});

describe("assertDeploymentAllowed", () => {
  const binding = createTenantBinding({ ...valid, displayName: "Contoso" });

  it("passes for a listed deployment", () => {
    expect(() => assertDeploymentAllowed(binding, "gpt-4o")).not.toThrow();
  });

  it("throws DEPLOYMENT_NOT_ALLOWED naming the allowed deployments", () => {
    let thrown: unknown;
    try {
      assertDeploymentAllowed(binding, "gpt-4o-mini");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    const error = thrown as ConfigurationError;
    expect(error.code).toBe("DEPLOYMENT_NOT_ALLOWED");
    expect(error.checklistItem).toBe("deployment");
    expect(error.tenantId).toBe(tenantId.toLowerCase());
    expect(error.message).toMatch(/"gpt-4o-mini" is not allowed for tenant Contoso/);
    expect(error.message).toMatch(/"gpt-4o", "text-embedding-3-large"/);
  });

  it("is case-sensitive, as deployment names are in request paths", () => {
    expect(() => assertDeploymentAllowed(binding, "GPT-4O")).toThrow(/not allowed/);
  });
});
