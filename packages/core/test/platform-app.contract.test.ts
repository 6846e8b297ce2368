import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import {
  createPlatformApp,
  type PlatformApp,
  type PlatformAppOptions,
  readTokenClaims,
  TokenAcquisitionError,
  type TokenEvent,
} from "@crosstenant/core";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

let mock: MockAzure;
let workDir: string;
const secondTenantId = "5d0c9b8a-1234-4567-89ab-0000000000d3";
const apps: PlatformApp[] = [];

beforeAll(async () => {
  mock = await startMockAzure({ tokenLifetimeInSeconds: 60 });
  mock.scenario.addTenant({ tenantId: secondTenantId, displayName: "Northwind" });
  mock.scenario.grantConsent(secondTenantId);
  workDir = await mkdtemp(join(tmpdir(), "crosstenant-platform-app-"));
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  mock.faults.clear();
});

afterAll(async () => {
  await mock.close();
  await rm(workDir, { recursive: true, force: true });
});

function platformApp(
  credential: PlatformAppOptions["credential"],
  options: Partial<PlatformAppOptions> = {},
) {
  const app = createPlatformApp({
    clientId: mock.defaults.clientId,
    homeTenantId: mock.defaults.homeTenantId,
    cloud: mock.cloud,
    credential,
    ...options,
  });
  apps.push(app);
  return app;
}

const tokenRequests = (tenantId: string, decision?: string) =>
  mock.journal.filter({ route: "token", tenantId, ...(decision ? { decision } : {}) }).length;

async function expectTokensFromBothTenants(app: PlatformApp) {
  const readyTenantId = mock.defaults.tenants.ready.tenantId;
  const before = [
    tokenRequests(readyTenantId, "allowed"),
    tokenRequests(secondTenantId, "allowed"),
  ];

  const ready = await app.tokenProvider(readyTenantId)();
  const second = await app.tokenProvider(secondTenantId)();

  expect(readTokenClaims(ready)).toMatchObject({
    tenantId: readyTenantId,
    audience: mock.cloud.cognitiveServicesAudience,
  });
  expect(readTokenClaims(second)?.tenantId).toBe(secondTenantId);
  expect(tokenRequests(readyTenantId, "allowed")).toBe((before[0] ?? 0) + 1);
  expect(tokenRequests(secondTenantId, "allowed")).toBe((before[1] ?? 0) + 1);
}

describe("platform app against the mock Entra ID: credential kinds", () => {
  it("gets each customer tenant's own token with a client secret", async () => {
    await expectTokensFromBothTenants(
      platformApp({ kind: "secret", clientSecret: mock.defaults.clientSecret }),
    );
  });

  it("gets each customer tenant's own token with a certificate assertion made for that tenant", async () => {
    await expectTokensFromBothTenants(
      platformApp({ kind: "certificate", certificatePem: mock.defaults.certificate }),
    );
  });

  it("reads the certificate from certificatePath and can send its chain", async () => {
    const certificatePath = join(workDir, "platform-app.pem");
    await writeFile(certificatePath, mock.defaults.certificate);

    await expectTokensFromBothTenants(
      platformApp({ kind: "certificate", certificatePath, sendCertificateChain: true }),
    );
  });

  it("exchanges a federated workload identity token file in each customer tenant", async () => {
    const tokenFilePath = join(workDir, "azure-identity-token");
    await writeFile(
      tokenFilePath,
      await mock.issueFederatedToken({ subject: mock.defaults.workloadSubject }),
    );

    await expectTokensFromBothTenants(platformApp({ kind: "workloadIdentity", tokenFilePath }));
  });

  it("exchanges a user-assigned managed identity's token in each customer tenant", async () => {
    const environment = mock.managedIdentityEnvironment();
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = environment.IDENTITY_ENDPOINT;
    process.env.IDENTITY_HEADER = environment.IDENTITY_HEADER;
    try {
      const app = platformApp({
        kind: "managedIdentity",
        clientId: mock.defaults.managedIdentityClientId,
      });
      await expectTokensFromBothTenants(app);
      expect(mock.journal.filter({ route: "managed-identity", decision: "allowed" }).length).toBe(
        1,
      );
    } finally {
      restoreEnvironment("IDENTITY_ENDPOINT", saved.endpoint);
      restoreEnvironment("IDENTITY_HEADER", saved.header);
    }
  });
});

describe("platform app against the mock Entra ID: cache", () => {
  it("sends one token request for a burst of concurrent first calls", async () => {
    const app = platformApp({ kind: "secret", clientSecret: mock.defaults.clientSecret });
    const provider = app.tokenProvider(secondTenantId);
    const before = tokenRequests(secondTenantId);

    const tokens = await Promise.all(Array.from({ length: 300 }, () => provider()));

    expect(new Set(tokens).size).toBe(1);
    expect(tokenRequests(secondTenantId)).toBe(before + 1);
  });

  it("refreshes a short-lived token for real before it expires, callers never waiting", async () => {
    const events: TokenEvent[] = [];
    const app = platformApp(
      { kind: "secret", clientSecret: mock.defaults.clientSecret },
      {
        cache: { refreshBeforeExpiryInMs: 59_000, refreshJitterInMs: 0 },
        onEvent: (event) => events.push(event),
      },
    );
    const readyTenantId = mock.defaults.tenants.ready.tenantId;
    const provider = app.tokenProvider(readyTenantId);
    const first = await provider();
    const before = tokenRequests(readyTenantId);

    await new Promise((resolve) => setTimeout(resolve, 6_200));
    const whileRefreshing = await provider();
    while (
      !events.some((event) => event.type === "token-acquired" && event.trigger === "refresh")
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const refreshed = await provider();

    expect(whileRefreshing).toBe(first);
    expect(refreshed).not.toBe(first);
    expect(readTokenClaims(refreshed)?.tenantId).toBe(readyTenantId);
    expect(tokenRequests(readyTenantId)).toBe(before + 1);
  }, 20_000);

  it("asks the tenant again after invalidate instead of reusing the rejected token", async () => {
    const app = platformApp({ kind: "secret", clientSecret: mock.defaults.clientSecret });
    const first = await app.getToken(secondTenantId);
    const before = tokenRequests(secondTenantId);

    app.invalidate(secondTenantId);
    const second = await app.getToken(secondTenantId);

    expect(second.token).not.toBe(first.token);
    expect(tokenRequests(secondTenantId)).toBe(before + 1);
  });
});

describe("platform app against the mock Entra ID: tenant guard", () => {
  it("refuses the home-tenant token a shared credential returns under AZURE_IDENTITY_DISABLE_MULTITENANTAUTH", async () => {
    const shared = new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      mock.defaults.clientSecret,
      { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
    );
    const app = platformApp(shared);
    const saved = process.env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH;
    process.env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH = "1";
    try {
      const error = await app
        .getToken(mock.defaults.tenants.ready.tenantId)
        .catch((thrown: unknown) => thrown);

      expect(error).toBeInstanceOf(TokenAcquisitionError);
      expect(error).toMatchObject({ code: "TOKEN_TENANT_MISMATCH" });
      expect((error as Error).message).toContain(mock.defaults.homeTenantId);
    } finally {
      restoreEnvironment("AZURE_IDENTITY_DISABLE_MULTITENANTAUTH", saved);
    }
  });

  it("keeps asking the customer tenant itself when AZURE_IDENTITY_DISABLE_MULTITENANTAUTH is set", async () => {
    const app = platformApp({ kind: "secret", clientSecret: mock.defaults.clientSecret });
    const saved = process.env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH;
    process.env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH = "1";
    try {
      const held = await app.getToken(secondTenantId);

      expect(readTokenClaims(held.token)?.tenantId).toBe(secondTenantId);
    } finally {
      restoreEnvironment("AZURE_IDENTITY_DISABLE_MULTITENANTAUTH", saved);
    }
  });
});

describe("platform app against the mock Entra ID: failures", () => {
  const failure = (app: PlatformApp, tenantId: string) =>
    app.getToken(tenantId).then(
      () => {
        throw new Error("a token was issued");
      },
      (error: unknown) => error as TokenAcquisitionError,
    );

  it("turns AADSTS700016 (no consent) into CONSENT_MISSING for that tenant", async () => {
    const app = platformApp({ kind: "secret", clientSecret: mock.defaults.clientSecret });
    const tenantId = mock.defaults.tenants.unconsented.tenantId;

    const error = await failure(app, tenantId);

    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error).toMatchObject({ code: "CONSENT_MISSING", tenantId, aadstsCode: 700016 });
    expect(error.checklistItem).toBe("app-consent");
  });

  it("turns AADSTS7000215 (wrong secret) into PLATFORM_SECRET_INVALID without showing the secret", async () => {
    const app = platformApp({ kind: "secret", clientSecret: "wrong-secret-value-0123456789" });

    const error = await failure(app, secondTenantId);

    expect(error).toMatchObject({ code: "PLATFORM_SECRET_INVALID", aadstsCode: 7000215 });
    expect(error.message).not.toContain("wrong-secret-value-0123456789");
  });

  it("turns AADSTS7000222 (expired secret) into PLATFORM_SECRET_EXPIRED", async () => {
    const added = mock.scenario.addSecret(mock.defaults.clientId);
    mock.scenario.expireSecret(mock.defaults.clientId, added.id);
    const app = platformApp({ kind: "secret", clientSecret: added.value });

    const error = await failure(app, secondTenantId);

    expect(error).toMatchObject({ code: "PLATFORM_SECRET_EXPIRED", aadstsCode: 7000222 });
  });

  it("turns AADSTS7000112 (app disabled) into APP_DISABLED", async () => {
    const app = platformApp({ kind: "secret", clientSecret: mock.defaults.clientSecret });
    mock.scenario.setAppDisabled(mock.defaults.clientId, true);
    try {
      const error = await failure(app, secondTenantId);

      expect(error).toMatchObject({ code: "APP_DISABLED", aadstsCode: 7000112 });
    } finally {
      mock.scenario.setAppDisabled(mock.defaults.clientId, false);
    }
  });

  it("explains a tenant the cloud does not know, which MSAL reports as unresolvable endpoints", async () => {
    const app = platformApp({ kind: "secret", clientSecret: mock.defaults.clientSecret });
    const tenantId = randomUUID();

    const error = await failure(app, tenantId);

    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error).toMatchObject({
      code: "AUTHORITY_UNREACHABLE",
      tenantId,
      checklistItem: "tenant",
    });
    expect(error.message).toContain("the tenant id does not exist");
  });

  it("keeps serving the held token through an Entra ID outage during refresh", async () => {
    const events: TokenEvent[] = [];
    const app = platformApp(
      { kind: "secret", clientSecret: mock.defaults.clientSecret },
      {
        cache: { refreshBeforeExpiryInMs: 59_000, refreshJitterInMs: 0, minRetryDelayInMs: 100 },
        tokenRequestTimeoutInMs: 2_000,
        onEvent: (event) => events.push(event),
      },
    );
    const provider = app.tokenProvider(secondTenantId);
    const first = await provider();
    mock.faults.add({ route: "token", tenantId: secondTenantId, effect: { type: "outage" } });

    await new Promise((resolve) => setTimeout(resolve, 6_200));
    const during = await provider();
    while (!events.some((event) => event.type === "token-failed")) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const afterFailure = await provider();

    expect(during).toBe(first);
    expect(afterFailure).toBe(first);
    expect(events.find((event) => event.type === "token-failed")).toMatchObject({
      trigger: "refresh",
      tenantId: secondTenantId,
    });
  }, 20_000);
});

function restoreEnvironment(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
