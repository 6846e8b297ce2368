import { ClientSecretCredential } from "@azure/identity";
import { useMockAzure } from "@crosstenant/testing/vitest";
import { describe, expect, it } from "vitest";

const mock = useMockAzure();

describe("useMockAzure", () => {
  it("gives a running mock inside tests", async () => {
    const { homeTenantId, clientId, clientSecret, tenants } = mock().defaults;
    const credential = new ClientSecretCredential(homeTenantId, clientId, clientSecret, {
      ...mock().identityOptions(),
      additionallyAllowedTenants: ["*"],
    });
    const token = await credential.getToken(mock().cloud.cognitiveServicesScope, {
      tenantId: tenants.ready.tenantId,
    });
    expect(token.token.split(".")).toHaveLength(3);
    mock().scenario.revokeConsent(tenants.ready.tenantId);
  });

  it("puts the scenario back and empties the journal between tests", () => {
    const { tenants, clientId } = mock().defaults;
    const ready = mock().scenario.tenant(tenants.ready.tenantId);
    expect(ready?.servicePrincipals.map((sp) => sp.appId)).toEqual([clientId]);
    expect(mock().journal.entries()).toEqual([]);
  });
});
