import { ConfigurationError, createPlatformApp, type PlatformApp } from "@crosstenant/core";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

let mock: MockAzure;
let app: PlatformApp;

beforeAll(async () => {
  mock = await startMockAzure();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await app?.close();
});

afterAll(async () => {
  await mock?.close();
});

const newApp = () =>
  createPlatformApp({
    clientId: mock.defaults.clientId,
    homeTenantId: mock.defaults.homeTenantId,
    credential: { kind: "secret", clientSecret: mock.defaults.clientSecret },
    cloud: mock.cloud,
  });

describe("regional authority variables", () => {
  it.each(["AZURE_REGIONAL_AUTHORITY_NAME", "MSAL_FORCE_REGION"])(
    "refuses to request a token while %s would redirect the credential, before any request",
    async (variable) => {
      vi.stubEnv(variable, "westus2");
      app = newApp();
      mock.journal.clear();

      const failure = await app
        .getToken(mock.defaults.tenants.ready.tenantId)
        .catch((error) => error);

      expect(failure).toBeInstanceOf(ConfigurationError);
      expect(failure.message).toContain(`Unset ${variable}`);
      expect(failure.message).toContain("does not exist in cloud crosstenant-mock");
      expect(mock.journal.filter({ route: "token" })).toHaveLength(0);
    },
  );

  it("gets tokens as usual once the variables are unset", async () => {
    app = newApp();

    const token = await app.getToken(mock.defaults.tenants.ready.tenantId);

    expect(token.tenantId).toBe(mock.defaults.tenants.ready.tenantId);
  });
});
