// Example 3: a platform's own contract test, with vitest and @crosstenant/testing. The real
// @azure/identity, openai and LangChain SDKs run unmodified against the mock over HTTPS.
import {
  CrossTenantError,
  createPlatformApp,
  createTenantBinding,
  type PlatformApp,
} from "@crosstenant/core";
import { createChatModel } from "@crosstenant/langchain";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerSupportQuestion } from "./support-agent.ts";

let mock: MockAzure;
let app: PlatformApp;

beforeAll(async () => {
  mock = await startMockAzure();
  app = createPlatformApp({
    clientId: mock.defaults.clientId,
    homeTenantId: mock.defaults.homeTenantId,
    credential: { kind: "secret", clientSecret: mock.defaults.clientSecret },
    cloud: mock.cloud,
  });
});

afterAll(async () => {
  await app?.close();
  await mock?.close();
});

function modelFor(tenant: MockAzure["defaults"]["tenants"]["ready"]) {
  const binding = createTenantBinding({
    tenantId: tenant.tenantId,
    endpoint: tenant.endpoint,
    deployments: [tenant.deployments.chat],
    cloud: mock.cloud,
  });
  return createChatModel({ app, binding, deployment: tenant.deployments.chat });
}

describe("support agent", () => {
  it("answers from the tool result, on the customer's own resource", async () => {
    const ready = mock.defaults.tenants.ready;

    const answer = await answerSupportQuestion(
      modelFor(ready),
      "Use look_up_order for order 'A-7'.",
    );

    expect(answer).toContain('"orderId":"A-7"');
    const calls = mock.journal.filter({ route: "chat", resource: ready.resource });
    expect(calls.length).toBe(2);
    expect(calls.every((call) => call.tenantId === ready.tenantId && call.status === 200)).toBe(
      true,
    );
  });

  it("tells which setup step a customer who never consented must fix", async () => {
    const failure = await answerSupportQuestion(
      modelFor(mock.defaults.tenants.unconsented),
      "Hi",
    ).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(CrossTenantError);
    expect(failure).toMatchObject({ code: "CONSENT_MISSING", checklistItem: "app-consent" });
  });
});
