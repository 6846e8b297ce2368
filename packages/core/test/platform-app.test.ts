import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  ConfigurationError,
  clouds,
  createPlatformApp,
  defineCloud,
  parsePlatformAppOptions,
  platformAppFromEnv,
} from "@crosstenant/core";
import { describe, expect, it } from "vitest";
import { FakeTokenCredential } from "./fake-token-credential.js";

const clientId = "5a1c0b2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const homeTenantId = "0e1d2c3b-4a59-4867-9564-738291a0b1c2";
const tenantA = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const secret = { kind: "secret", clientSecret: "not-a-real-secret" } as const;

function configurationError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("the configuration was accepted");
}

const paths = (error: ConfigurationError) => error.issues.map((issue) => issue.path);

describe("platform app options", () => {
  it("applies the documented defaults", () => {
    const resolved = parsePlatformAppOptions({ clientId, homeTenantId, credential: secret });

    expect(resolved.cloud).toBe(clouds.public);
    expect(resolved.tokenRequestTimeoutInMs).toBe(30_000);
    expect(resolved.cache).toEqual({
      maxTenants: 20_000,
      idleTimeoutInMs: 3_600_000,
      refreshBeforeExpiryInMs: 300_000,
      refreshJitterInMs: 60_000,
      minRetryDelayInMs: 1_000,
      maxRetryDelayInMs: 60_000,
    });
    expect(resolved.allowOpaqueTokens).toBe(false);
  });

  it("lists every invalid field in one ConfigurationError, by path", () => {
    const error = configurationError(() =>
      createPlatformApp({
        clientId: "platform-app",
        homeTenantId: "contoso.onmicrosoft.com",
        credential: { kind: "password", password: "x" } as never,
        cloud: "moon" as never,
        tokenRequestTimeoutInMs: -1,
        cache: { maxTenants: 0, idleTimeoutInMs: 1.5 },
      }),
    );

    expect(paths(error)).toEqual(
      expect.arrayContaining([
        "clientId",
        "homeTenantId",
        "credential.kind",
        "cloud",
        "tokenRequestTimeoutInMs",
        "cache.maxTenants",
        "cache.idleTimeoutInMs",
      ]),
    );
    expect(error.code).toBe("CONFIGURATION_INVALID");
    expect(error.message).toContain("clientId: must be a GUID");
  });

  it("asks for exactly one of certificatePath and certificatePem", () => {
    const neither = configurationError(() =>
      parsePlatformAppOptions({ clientId, homeTenantId, credential: { kind: "certificate" } }),
    );
    const both = configurationError(() =>
      parsePlatformAppOptions({
        clientId,
        homeTenantId,
        credential: {
          kind: "certificate",
          certificatePath: "/etc/app.pem",
          certificatePem: "-----BEGIN CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----",
        },
      }),
    );

    expect(neither.message).toContain("exactly one of certificatePath and certificatePem");
    expect(both.message).toContain("exactly one of certificatePath and certificatePem");
  });

  it("refuses a certificate PEM without its private key, without echoing the PEM", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    const error = configurationError(() =>
      parsePlatformAppOptions({
        clientId,
        homeTenantId,
        credential: { kind: "certificate", certificatePem: pem },
      }),
    );

    expect(paths(error)).toEqual(["credential.certificatePem"]);
    expect(error.message).toContain("private key");
    expect(error.message).not.toContain("MIIB");
  });

  it("never echoes a client secret in a configuration error", () => {
    const error = configurationError(() =>
      parsePlatformAppOptions({
        clientId: "bad",
        homeTenantId,
        credential: { kind: "secret", clientSecret: "s3cr3t-value", extra: 1 } as never,
      }),
    );

    expect(error.message).not.toContain("s3cr3t-value");
    expect(JSON.stringify(error)).not.toContain("s3cr3t-value");
  });

  it("accepts allowOpaqueTokens only with a custom TokenCredential", () => {
    const error = configurationError(() =>
      parsePlatformAppOptions({
        clientId,
        homeTenantId,
        credential: secret,
        allowOpaqueTokens: true,
      }),
    );
    const custom = parsePlatformAppOptions({
      clientId,
      homeTenantId,
      credential: new FakeTokenCredential(),
      allowOpaqueTokens: true,
    });

    expect(paths(error)).toEqual(["allowOpaqueTokens"]);
    expect(custom.allowOpaqueTokens).toBe(true);
  });

  it("accepts a cloud by name or by definition and lowercases the ids", () => {
    const lab = defineCloud({
      name: "lab",
      authorityHost: "https://login.lab.example",
      openAIHostSuffixes: [".openai.lab.example"],
      cognitiveServicesAudience: "https://cognitiveservices.lab.example",
      armEndpoint: "https://management.lab.example",
    });

    const byName = parsePlatformAppOptions({
      clientId: clientId.toUpperCase(),
      homeTenantId,
      credential: secret,
      cloud: "usGovernment",
    });
    const byDefinition = parsePlatformAppOptions({
      clientId,
      homeTenantId,
      credential: secret,
      cloud: lab,
    });

    expect(byName.cloud).toBe(clouds.usGovernment);
    expect(byName.clientId).toBe(clientId);
    expect(byDefinition.cloud).toBe(lab);
  });
});

describe("platform app", () => {
  it("exposes its identity and cloud", async () => {
    const app = createPlatformApp({ clientId, homeTenantId, credential: secret, cloud: "china" });

    expect(app).toMatchObject({ clientId, homeTenantId, cloud: clouds.china });
    await app.close();
  });

  it("refuses a tenant id that is not a GUID before any request", async () => {
    const credential = new FakeTokenCredential();
    const app = createPlatformApp({ clientId, homeTenantId, credential });

    const error = configurationError(() => app.tokenProvider("contoso.onmicrosoft.com"));
    const rejected = await app.getToken("contoso").catch((thrown: unknown) => thrown);

    expect(error.checklistItem).toBe("tenant");
    expect(error.message).toContain("contoso.onmicrosoft.com");
    expect(rejected).toBeInstanceOf(ConfigurationError);
    expect(credential.calls).toHaveLength(0);
    await app.close();
  });

  it("asks for the cloud's Azure OpenAI scope by default and refuses a scope without /.default", async () => {
    const credential = new FakeTokenCredential();
    const app = createPlatformApp({ clientId, homeTenantId, credential, cloud: "usGovernment" });

    await app.tokenProvider(tenantA)();
    const error = configurationError(() =>
      app.tokenProvider(tenantA, { scope: "https://cognitiveservices.azure.us" }),
    );

    expect(credential.calls[0]).toMatchObject({
      scope: "https://cognitiveservices.azure.us/.default",
      tenantId: tenantA,
    });
    expect(error.message).toContain("/.default");
    await app.close();
  });

  it("calls a custom credential with the customer tenant and an abort signal", async () => {
    const credential = new FakeTokenCredential();
    const app = createPlatformApp({ clientId, homeTenantId, credential });

    await app.getToken(tenantA);

    expect(credential.calls[0]?.tenantId).toBe(tenantA);
    expect(credential.calls[0]?.abortSignal).toBeInstanceOf(AbortSignal);
    await app.close();
  });

  it("leaves nothing that keeps the process alive, closed or not", async () => {
    const script = `
      import { createPlatformApp } from "@crosstenant/core";
      const credential = { getToken: async (scope, options) => ({
        token: ["e30", Buffer.from(JSON.stringify({ tid: options.tenantId })).toString("base64url"), "c2ln"].join("."),
        expiresOnTimestamp: Date.now() + 3_600_000,
      }) };
      const open = createPlatformApp({ clientId: "${clientId}", homeTenantId: "${homeTenantId}", credential });
      await open.getToken("${tenantA}");
      const closed = createPlatformApp({ clientId: "${clientId}", homeTenantId: "${homeTenantId}", credential });
      await closed.getToken("${tenantA}");
      await closed.close();
      console.log("done");
    `;
    const cwd = fileURLToPath(new URL("..", import.meta.url));

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd, timeout: 15_000 },
    );

    expect(stdout.trim()).toBe("done");
  });
});

describe("platformAppFromEnv", () => {
  it("names every missing variable", () => {
    const error = configurationError(() => platformAppFromEnv({ env: {} }));

    expect(paths(error)).toEqual([
      "AZURE_CLIENT_ID",
      "AZURE_TENANT_ID",
      expect.stringContaining("AZURE_CLIENT_CERTIFICATE_PATH"),
    ]);
    expect(error.message).toContain("AZURE_CLIENT_ID");
    expect(error.message).toContain("AZURE_CLIENT_SECRET");
    expect(error.checklistItem).toBe("platform-credential");
  });

  it("reads the app identity and a certificate credential from the given environment", async () => {
    const app = platformAppFromEnv({
      env: {
        AZURE_CLIENT_ID: clientId,
        AZURE_TENANT_ID: homeTenantId,
        AZURE_CLIENT_CERTIFICATE_PATH: "/etc/platform/app.pem",
        AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: "true",
        AZURE_CLIENT_SECRET: "ignored-when-a-certificate-is-set",
        AZURE_AUTHORITY_HOST: "https://login.attacker.example",
      },
      cloud: "usGovernment",
    });

    expect(app).toMatchObject({ clientId, homeTenantId, cloud: clouds.usGovernment });
    await app.close();
  });

  it("validates what it read like explicit options", () => {
    const error = configurationError(() =>
      platformAppFromEnv({
        env: { AZURE_CLIENT_ID: "my-app", AZURE_TENANT_ID: homeTenantId, AZURE_CLIENT_SECRET: "x" },
      }),
    );

    expect(paths(error)).toEqual(["clientId"]);
  });
});
