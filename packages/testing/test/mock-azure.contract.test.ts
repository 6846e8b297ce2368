import { parseEndpoint } from "@crosstenant/core";
import { defaultScenario, startMockAzure } from "@crosstenant/testing";
import { describe, expect, it } from "vitest";

describe("startMockAzure", () => {
  it("serves every resource on its own subdomain under one CA, with endpoints the core accepts", async () => {
    const mock = await startMockAzure();
    try {
      const endpoint = mock.endpoints[mock.defaults.tenants.ready.resource] ?? "";
      const parsed = parseEndpoint(endpoint, { cloud: mock.cloud });

      expect(parsed.resourceName).toBe(mock.defaults.tenants.ready.resource);
      expect(mock.authorityHost).toBe(`https://localhost:${mock.port}`);
      expect(mock.cloud).toMatchObject({
        cognitiveServicesScope: "https://cognitiveservices.azure.com/.default",
        armScope: "https://management.azure.com/.default",
        armEndpoint: mock.armUrl,
        caPem: mock.ca,
      });
      const discovery = await mock.fetch(
        `${mock.authorityHost}/${mock.defaults.homeTenantId}/v2.0/.well-known/openid-configuration`,
      );
      expect(await discovery.json()).toMatchObject({
        issuer: `${mock.authorityHost}/${mock.defaults.homeTenantId}/v2.0`,
        token_endpoint: `${mock.authorityHost}/${mock.defaults.homeTenantId}/oauth2/v2.0/token`,
      });
    } finally {
      await mock.close();
    }
  });

  it("publishes a distinct signing key per tenant", async () => {
    const mock = await startMockAzure();
    try {
      const kids = await Promise.all(
        [mock.defaults.tenants.ready.tenantId, mock.defaults.tenants.unconsented.tenantId].map(
          async (tenantId) => {
            const response = await mock.fetch(
              `${mock.authorityHost}/${tenantId}/discovery/v2.0/keys`,
            );
            const { keys } = (await response.json()) as { keys: { kid: string; kty: string }[] };
            expect(keys[0]?.kty).toBe("RSA");
            return keys[0]?.kid;
          },
        ),
      );
      expect(new Set(kids).size).toBe(2);
    } finally {
      await mock.close();
    }
  });

  it("is not trusted by a client without its CA", async () => {
    const mock = await startMockAzure();
    try {
      await expect(fetch(`${mock.authorityHost}/`)).rejects.toThrow();
    } finally {
      await mock.close();
    }
  });

  it("refuses an invalid scenario naming the field", async () => {
    const scenario = defaultScenario();
    const resource = scenario.resources[0];
    if (resource) resource.network.ipRules = ["not-an-ip"];
    await expect(startMockAzure({ scenario })).rejects.toMatchObject({
      code: "CONFIGURATION_INVALID",
      message: expect.stringContaining("resources.0.network.ipRules.0"),
    });
  });
});
