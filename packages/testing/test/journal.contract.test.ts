import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
} from "@azure/identity";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let mock: MockAzure;

beforeAll(async () => {
  mock = await startMockAzure({ journalSize: 50 });
});
afterAll(async () => {
  await mock.close();
});

describe("journal", () => {
  it("never records a secret, an assertion, a token or an api key", async () => {
    const ready = mock.defaults.tenants.ready;
    const options = { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] };
    const secretCredential = new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      mock.defaults.clientSecret,
      options,
    );
    const certificateCredential = new ClientCertificateCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      { certificate: mock.defaults.certificate },
      options,
    );
    const assertion = await mock.issueFederatedToken({ subject: mock.defaults.workloadSubject });
    const assertionCredential = new ClientAssertionCredential(
      ready.tenantId,
      mock.defaults.clientId,
      async () => assertion,
      mock.identityOptions(),
    );
    const scope = mock.cloud.cognitiveServicesScope;
    const tokens = [
      (await secretCredential.getToken(scope, { tenantId: ready.tenantId })).token,
      (await certificateCredential.getToken(scope, { tenantId: ready.tenantId })).token,
      (await assertionCredential.getToken(scope)).token,
    ];
    const apiKey = "key-that-must-not-be-journaled-0123456789";
    const client = new AzureOpenAI({
      endpoint: ready.endpoint,
      apiVersion: "2024-10-21",
      deployment: ready.deployments.chat,
      azureADTokenProvider: async () => tokens[0] ?? "",
      fetch: mock.fetch,
    });
    await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hello" }],
    });
    await mock.fetch(`${ready.endpoint}/openai/v1/chat/completions?api-key=${apiKey}`, {
      method: "POST",
      headers: { "api-key": apiKey, "content-type": "application/json" },
      body: "{}",
    });

    const journal = JSON.stringify(mock.journal.entries());
    const secrets = [mock.defaults.clientSecret, assertion, apiKey, ...tokens];
    expect(secrets.filter((secret) => journal.includes(secret))).toEqual([]);
    expect(journal).toContain("/openai/v1/chat/completions?api-key");
    expect(mock.journal.entries().length).toBeGreaterThan(5);
  });

  it("filters entries, counts token requests per tenant and clears", async () => {
    mock.journal.clear();
    const credential = new ClientSecretCredential(
      mock.defaults.homeTenantId,
      mock.defaults.clientId,
      mock.defaults.clientSecret,
      { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
    );
    const { ready, unconsented } = mock.defaults.tenants;
    await credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId: ready.tenantId });
    await expect(
      credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId: unconsented.tenantId }),
    ).rejects.toThrow();

    expect(mock.journal.tokenRequestCounts()).toEqual({
      [ready.tenantId]: 1,
      [unconsented.tenantId]: 1,
    });
    expect(mock.journal.filter({ route: "token", decision: "AADSTS700016" })).toMatchObject([
      { tenantId: unconsented.tenantId, principal: mock.defaults.clientId, status: 400 },
    ]);
    mock.journal.clear();
    expect(mock.journal.entries()).toEqual([]);
  });

  it("keeps only the newest entries past its size", async () => {
    mock.journal.clear();
    for (let index = 0; index < 60; index += 1) {
      await mock.fetch(`${mock.authorityHost}/${mock.defaults.homeTenantId}/missing/${index}`);
    }
    const entries = mock.journal.entries();
    expect(entries).toHaveLength(50);
    expect(entries[0]?.path).toMatch(/\/missing\/10$/);
    expect(entries.at(-1)?.path).toMatch(/\/missing\/59$/);
  });
});
