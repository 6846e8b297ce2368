import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClientAssertionCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { defaultIds, type MockAzure, startMockAzure } from "@crosstenant/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let mock: MockAzure;

beforeAll(async () => {
  mock = await startMockAzure();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.journal.clear();
});

const tokenFor = (
  credential: { getToken: WorkloadIdentityCredential["getToken"] },
  tenantId: string,
) => credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId });

describe("federated credentials", () => {
  it("exchanges a workload-identity token through ClientAssertionCredential", async () => {
    const assertion = await mock.issueFederatedToken({ subject: mock.defaults.workloadSubject });
    const credential = new ClientAssertionCredential(
      mock.defaults.tenants.ready.tenantId,
      mock.defaults.clientId,
      async () => assertion,
      mock.identityOptions(),
    );
    const token = await credential.getToken(mock.cloud.cognitiveServicesScope);
    expect(decodeJwt(token.token).tid).toBe(mock.defaults.tenants.ready.tenantId);
  });

  it("exchanges a token file through WorkloadIdentityCredential", async () => {
    const folder = await mkdtemp(join(tmpdir(), "crosstenant-wi-"));
    try {
      const tokenFilePath = join(folder, "token");
      await writeFile(
        tokenFilePath,
        await mock.issueFederatedToken({ subject: mock.defaults.workloadSubject }),
      );
      const credential = new WorkloadIdentityCredential({
        tenantId: mock.defaults.homeTenantId,
        clientId: mock.defaults.clientId,
        tokenFilePath,
        additionallyAllowedTenants: ["*"],
        ...mock.identityOptions(),
      });
      const token = await tokenFor(credential, mock.defaults.tenants.ready.tenantId);
      expect(decodeJwt(token.token).tid).toBe(mock.defaults.tenants.ready.tenantId);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it.each([
    [
      "issuer",
      { subject: defaultIds.workloadSubject, issuer: "https://issuer.example/unknown" },
      700211,
    ],
    ["subject", { subject: "system:serviceaccount:other:intruder" }, 700213],
    ["audience", { subject: defaultIds.workloadSubject, audience: "api://SomethingElse" }, 700212],
  ])(
    "refuses an assertion whose %s matches no federated credential",
    async (_field, options, code) => {
      const assertion = await mock.issueFederatedToken(options);
      const credential = new ClientAssertionCredential(
        mock.defaults.tenants.ready.tenantId,
        mock.defaults.clientId,
        async () => assertion,
        mock.identityOptions(),
      );
      await expect(credential.getToken(mock.cloud.cognitiveServicesScope)).rejects.toThrow(
        new RegExp(`AADSTS${code}: No matching federated identity record found`),
      );
    },
  );

  it("refuses an Entra-issued assertion that is not app-only with AADSTS700229", async () => {
    const assertion = await mock.issueFederatedToken({
      issuer: `${mock.authorityHost}/${mock.defaults.homeTenantId}/v2.0`,
      subject: defaultIds.managedIdentityObjectId,
      appOnly: false,
    });
    const credential = new ClientAssertionCredential(
      mock.defaults.tenants.ready.tenantId,
      mock.defaults.clientId,
      async () => assertion,
      mock.identityOptions(),
    );
    await expect(credential.getToken(mock.cloud.cognitiveServicesScope)).rejects.toThrow(
      /AADSTS700229/,
    );
  });

  it("exchanges a managed identity token from the App Service identity endpoint", async () => {
    const environment = mock.managedIdentityEnvironment();
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = environment.IDENTITY_ENDPOINT;
    process.env.IDENTITY_HEADER = environment.IDENTITY_HEADER;
    try {
      const managedIdentity = new ManagedIdentityCredential({
        clientId: mock.defaults.managedIdentityClientId,
        tlsOptions: { ca: mock.ca },
      });
      const credential = new ClientAssertionCredential(
        mock.defaults.tenants.ready.tenantId,
        mock.defaults.clientId,
        async () => (await managedIdentity.getToken("api://AzureADTokenExchange/.default")).token,
        mock.identityOptions(),
      );
      const token = await credential.getToken(mock.cloud.cognitiveServicesScope);
      expect(decodeJwt(token.token).tid).toBe(mock.defaults.tenants.ready.tenantId);
      expect(
        mock.journal.filter({ route: "managed-identity", decision: "allowed" }).length,
      ).toBeGreaterThan(0);
    } finally {
      restoreEnvironment("IDENTITY_ENDPOINT", saved.endpoint);
      restoreEnvironment("IDENTITY_HEADER", saved.header);
    }
  });
});

function restoreEnvironment(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
