import {
  ConfigurationError,
  clouds,
  createTenantBinding,
  defineCloud,
  type PlatformApp,
} from "@crosstenant/core";
import { createChatModel, TenantChatModel } from "@crosstenant/langchain";
import { AzureChatOpenAI } from "@langchain/openai";
import { afterEach, describe, expect, it, vi } from "vitest";

const tokenValue = "eyJ0eXAiOiJKV1QifQ.tenant-token-never-serialized.sig";

/** A platform app that counts token requests and never reaches a network. */
function countingApp(cloud = clouds.public) {
  const requested: string[] = [];
  const app: PlatformApp = {
    clientId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    homeTenantId: "00000000-0000-0000-0000-0000000000a1",
    cloud,
    tokenProvider: (tenantId) => async () => {
      requested.push(tenantId);
      return tokenValue;
    },
    getToken: async (tenantId) => {
      requested.push(tenantId);
      return { token: tokenValue, tenantId, expiresOnTimestamp: Date.now() + 3_600_000, scope: "" };
    },
    invalidate: () => {},
    close: async () => {},
  };
  return { app, requested };
}

const binding = createTenantBinding({
  tenantId: "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c",
  endpoint: "https://contoso.openai.azure.com",
  deployments: ["gpt-4o", "text-embedding-3-small"],
  apiVersion: "2024-10-21",
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createChatModel", () => {
  it("returns an AzureChatOpenAI for the binding's endpoint, api version and deployment", () => {
    const { app } = countingApp();

    const model = createChatModel({ app, binding, deployment: "gpt-4o", temperature: 0.2 });

    expect(model).toBeInstanceOf(AzureChatOpenAI);
    expect(model).toBeInstanceOf(TenantChatModel);
    expect(model.tenantId).toBe(binding.tenantId);
    expect(model.model).toBe("gpt-4o");
    expect(model.temperature).toBe(0.2);
    expect(model.azureOpenAIEndpoint).toBe("https://contoso.openai.azure.com");
    expect(model.azureOpenAIApiVersion).toBe("2024-10-21");
    expect(model.azureOpenAIApiDeploymentName).toBe("gpt-4o");
  });

  it("passes the usual chat options through and sends the deployment as the model", () => {
    const { app } = countingApp();

    const model = createChatModel({
      app,
      binding,
      deployment: "gpt-4o",
      maxTokens: 64,
      stop: ["END"],
      streamUsage: false,
      timeout: 12_000,
      tags: ["support"],
      metadata: { ticket: "T-1" },
    });

    expect(model).toMatchObject({
      maxTokens: 64,
      stop: ["END"],
      streamUsage: false,
      timeout: 12_000,
      tags: ["support"],
      metadata: { ticket: "T-1" },
    });
    expect(model.invocationParams({})).toMatchObject({ model: "gpt-4o", max_tokens: 64 });
  });

  it("refuses a deployment the binding does not allow, before any token is requested", () => {
    const { app, requested } = countingApp();

    expect(() => createChatModel({ app, binding, deployment: "gpt-4o-mini" })).toThrow(
      expect.objectContaining({ code: "DEPLOYMENT_NOT_ALLOWED", tenantId: binding.tenantId }),
    );
    expect(requested).toEqual([]);
  });

  it("refuses a binding of another cloud than the app's", () => {
    const lab = defineCloud({
      name: "lab",
      authorityHost: "https://login.lab.example",
      openAIHostSuffixes: [".openai.lab.example"],
      cognitiveServicesAudience: "https://cognitiveservices.lab.example",
      armEndpoint: "https://management.lab.example",
    });
    const { app, requested } = countingApp(lab);

    let caught: unknown;
    try {
      createChatModel({ app, binding, deployment: "gpt-4o" });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigurationError);
    expect(caught).toMatchObject({ code: "CLOUD_MISMATCH", tenantId: binding.tenantId });
    expect((caught as Error).message).toContain('"AzurePublicCloud"');
    expect(requested).toEqual([]);
  });

  it("keeps the binding's endpoint, api version and deployment whatever the environment says", () => {
    vi.stubEnv("AZURE_OPENAI_API_KEY", "ambient-azure-key");
    vi.stubEnv("AZURE_OPENAI_ENDPOINT", "https://attacker.openai.azure.com");
    vi.stubEnv("AZURE_OPENAI_API_INSTANCE_NAME", "attacker");
    vi.stubEnv("AZURE_OPENAI_API_DEPLOYMENT_NAME", "attacker-deployment");
    vi.stubEnv("AZURE_OPENAI_API_VERSION", "1999-01-01");
    vi.stubEnv("AZURE_OPENAI_BASE_PATH", "https://attacker.openai.azure.com/openai/deployments");
    vi.stubEnv("OPENAI_API_KEY", "sk-ambient");
    vi.stubEnv("OPENAI_ORGANIZATION", "org-ambient");
    vi.stubEnv("OPENAI_BASE_URL", "https://attacker.example/v1");
    const { app } = countingApp();

    const model = createChatModel({ app, binding, deployment: "gpt-4o" });

    expect(model.azureOpenAIEndpoint).toBe("https://contoso.openai.azure.com");
    expect(model.azureOpenAIApiVersion).toBe("2024-10-21");
    expect(model.azureOpenAIApiDeploymentName).toBe("gpt-4o");
    expect(model.azureOpenAIApiKey).toBeUndefined();
    expect(model.azureOpenAIApiInstanceName).toBeUndefined();
    expect(model.azureOpenAIBasePath).toBeUndefined();
    expect(model.apiKey).toBeUndefined();
    expect(model.organization).toBeUndefined();
    expect(JSON.stringify(model)).not.toMatch(/attacker|ambient|1999-01-01/);
  });

  it("never serializes a token, a secret or the token provider", async () => {
    vi.stubEnv("AZURE_OPENAI_API_KEY", "ambient-azure-key");
    vi.stubEnv("OPENAI_API_KEY", "sk-ambient");
    const { app } = countingApp();
    const model = createChatModel({ app, binding, deployment: "gpt-4o" });

    const serialized = JSON.stringify(model);
    const json = model.toJSON() as { kwargs?: Record<string, unknown> };

    expect(serialized).not.toContain(tokenValue);
    expect(serialized).not.toMatch(/ambient|azure_ad_token_provider|secret/);
    expect(json.kwargs).toMatchObject({ azure_endpoint: "https://contoso.openai.azure.com" });
    expect(Object.keys(json.kwargs ?? {})).not.toContain("openai_api_key");
    expect(Object.keys(model.lc_secrets ?? {})).toContain("azureOpenAIApiKey");
  });

  it("names Azure as the provider and the tenant and deployment in run metadata", () => {
    const { app } = countingApp();
    const model = createChatModel({ app, binding, deployment: "gpt-4o" });

    expect(model.getLsParams({})).toMatchObject({
      ls_provider: "azure",
      ls_model_name: "gpt-4o",
      crosstenant_tenant_id: binding.tenantId,
      crosstenant_deployment: "gpt-4o",
    });
  });

  it("leaves the tenant out of run metadata when tracingMetadata is false", () => {
    const { app } = countingApp();
    const model = createChatModel({ app, binding, deployment: "gpt-4o", tracingMetadata: false });

    const params = model.getLsParams({}) as Record<string, unknown>;

    expect(params.ls_provider).toBe("azure");
    expect(params).not.toHaveProperty("crosstenant_tenant_id");
  });

  it("stays a tenant model when tools are bound", () => {
    const { app } = countingApp();
    const model = createChatModel({ app, binding, deployment: "gpt-4o" });

    const withTools = model.bindTools([
      { type: "function", function: { name: "lookup", parameters: { type: "object" } } },
    ]);

    expect(withTools).toBeInstanceOf(TenantChatModel);
    expect((withTools as TenantChatModel).tenantId).toBe(binding.tenantId);
  });

  it("refuses a Responses-only feature instead of switching API, before any token is requested", async () => {
    const { app, requested } = countingApp();
    const model = createChatModel({ app, binding, deployment: "gpt-4o" });

    const withBuiltIn = model.bindTools([{ type: "web_search_preview" }]);

    await expect(withBuiltIn.invoke("hello")).rejects.toBeInstanceOf(ConfigurationError);
    expect(requested).toEqual([]);
  });
});
