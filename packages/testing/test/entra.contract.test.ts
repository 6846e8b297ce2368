import { ClientCertificateCredential, ClientSecretCredential } from "@azure/identity";
import {
  createAppCertificate,
  defaultIds,
  defaultScenario,
  type MockAzure,
  startMockAzure,
} from "@crosstenant/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let mock: MockAzure;
const otherCloudTenant = "5c4b3a29-1111-4000-8000-0000000000e9";

beforeAll(async () => {
  const scenario = defaultScenario();
  scenario.tenants.push({
    tenantId: otherCloudTenant,
    displayName: "Gov",
    cloud: "usGovernment",
    servicePrincipals: [],
  });
  mock = await startMockAzure({ scenario });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.journal.clear();
  mock.faults.clear();
});

const secretCredential = (secret = mock.defaults.clientSecret, clientId = mock.defaults.clientId) =>
  new ClientSecretCredential(mock.defaults.homeTenantId, clientId, secret, {
    ...mock.identityOptions(),
    additionallyAllowedTenants: ["*"],
  });

const tokenFor = (
  credential: { getToken: ClientSecretCredential["getToken"] },
  tenantId: string,
  scope?: string,
) => credential.getToken(scope ?? mock.cloud.cognitiveServicesScope, { tenantId });

/** The AADSTS code the mock answered the last token request with, from its journal. */
const lastTokenDecision = () => mock.journal.filter({ route: "token" }).at(-1)?.decision;

describe("client secret", () => {
  it("issues a v1 Cognitive Services token for the customer tenant with that tenant's object id", async () => {
    const token = await tokenFor(secretCredential(), mock.defaults.tenants.ready.tenantId);
    const claims = decodeJwt(token.token);

    expect(claims).toMatchObject({
      aud: "https://cognitiveservices.azure.com",
      iss: `https://sts.windows.net/${mock.defaults.tenants.ready.tenantId}/`,
      tid: mock.defaults.tenants.ready.tenantId,
      oid: mock.defaults.tenants.ready.servicePrincipalId,
      appid: mock.defaults.clientId,
      idtyp: "app",
    });
    expect(claims.oid).not.toBe(defaultIds.homeServicePrincipalId);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it("issues an ARM token whose audience is management.azure.com", async () => {
    const token = await tokenFor(
      secretCredential(),
      mock.defaults.tenants.ready.tenantId,
      mock.cloud.armScope,
    );
    expect(decodeJwt(token.token).aud).toBe("https://management.azure.com");
  });

  it("refuses a tenant that never consented with AADSTS700016", async () => {
    await expect(
      tokenFor(secretCredential(), mock.defaults.tenants.unconsented.tenantId),
    ).rejects.toThrow(
      /AADSTS700016: Application with identifier '.+' was not found in the directory 'Fabrikam'/,
    );
    expect(lastTokenDecision()).toBe("AADSTS700016");
  });

  it("refuses the secret's id in place of its value with AADSTS7000215", async () => {
    await expect(
      tokenFor(
        secretCredential(mock.defaults.clientSecretId),
        mock.defaults.tenants.ready.tenantId,
      ),
    ).rejects.toThrow(/AADSTS7000215: Invalid client secret provided/);
  });

  it("refuses an expired secret with AADSTS7000222", async () => {
    const added = mock.scenario.addSecret(mock.defaults.clientId);
    mock.scenario.expireSecret(mock.defaults.clientId, added.id);

    await expect(
      tokenFor(secretCredential(added.value), mock.defaults.tenants.ready.tenantId),
    ).rejects.toThrow(/AADSTS7000222: The provided client secret keys for app '.+' are expired/);
  });

  it("refuses a disabled application with AADSTS7000112", async () => {
    mock.scenario.setAppDisabled(mock.defaults.clientId, true);
    try {
      await expect(
        tokenFor(secretCredential(), mock.defaults.tenants.ready.tenantId),
      ).rejects.toThrow(/AADSTS7000112: Application '.+'\(Platform agents\) is disabled/);
    } finally {
      mock.scenario.setAppDisabled(mock.defaults.clientId, false);
    }
  });

  it("refuses a malformed scope with AADSTS70011", async () => {
    await expect(
      tokenFor(
        secretCredential(),
        mock.defaults.tenants.ready.tenantId,
        "https://cognitiveservices.azure.com/user.read",
      ),
    ).rejects.toThrow(/AADSTS70011/);
  });

  it("refuses a resource that has no principal in the tenant with AADSTS500011", async () => {
    await expect(
      tokenFor(
        secretCredential(),
        mock.defaults.tenants.ready.tenantId,
        "https://vault.azure.net/.default",
      ),
    ).rejects.toThrow(
      /AADSTS500011: The resource principal named https:\/\/vault.azure.net was not found/,
    );
  });

  it("answers an unknown tenant's discovery with AADSTS90002, which MSAL surfaces as an endpoint resolution failure", async () => {
    const unknownTenant = "0f0f0f0f-0000-4000-8000-0000000000ff";
    await expect(tokenFor(secretCredential(), unknownTenant)).rejects.toThrow(
      /endpoints_resolution_error/,
    );
    const discovery = mock.journal.filter({ route: "discovery", tenantId: unknownTenant });
    expect(discovery.at(-1)).toMatchObject({ status: 400, decision: "AADSTS90002" });
  });

  it("refuses a tenant of another national cloud with AADSTS90038", async () => {
    await expect(tokenFor(secretCredential(), otherCloudTenant)).rejects.toThrow(/AADSTS90038/);
  });

  it("answers with Entra's error body shape", async () => {
    const response = await mock.fetch(
      `${mock.authorityHost}/${mock.defaults.tenants.ready.tenantId}/oauth2/v2.0/token`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: mock.defaults.clientId,
          client_secret: "wrong-secret-value",
          scope: mock.cloud.cognitiveServicesScope,
        }),
      },
    );
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(401);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(body.error_description).toMatch(
      /^AADSTS7000215: .+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
    );
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining(["timestamp", "trace_id", "correlation_id", "error_uri"]),
    );
  });
});

describe("client certificate", () => {
  const certificateCredential = (certificate: string) =>
    new ClientCertificateCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      { certificate },
      { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
    );

  it("accepts MSAL's PS256 assertion signed with the registered certificate", async () => {
    const token = await tokenFor(
      certificateCredential(mock.defaults.certificate),
      mock.defaults.tenants.ready.tenantId,
    );
    expect(decodeJwt(token.token)).toMatchObject({
      tid: mock.defaults.tenants.ready.tenantId,
      appidacr: "2",
    });
  });

  it("refuses a certificate that is not registered on the app with AADSTS700027", async () => {
    const stranger = await createAppCertificate("stranger");
    await expect(
      tokenFor(
        certificateCredential(stranger.certificateWithKeyPem),
        mock.defaults.tenants.ready.tenantId,
      ),
    ).rejects.toThrow(
      /AADSTS700027: The certificate with identifier used to sign the client assertion is not registered/,
    );
  });
});
