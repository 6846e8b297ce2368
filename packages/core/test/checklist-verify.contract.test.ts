import { randomUUID } from "node:crypto";
import {
  broaderRoles,
  type ChecklistItemId,
  type ChecklistReport,
  createPlatformApp,
  createTenantBinding,
  OperationCancelledError,
  type PlatformApp,
  type PlatformCredentialOptions,
  type StepStatus,
  verifyChecklist,
} from "@crosstenant/core";
import { createAppCertificate, type MockAzure, startMockAzure } from "@crosstenant/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let mock: MockAzure;
const apps: PlatformApp[] = [];

beforeEach(async () => {
  mock = await startMockAzure();
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await mock.close();
});

function platformApp(credential?: PlatformCredentialOptions): PlatformApp {
  const app = createPlatformApp({
    clientId: mock.defaults.clientId,
    homeTenantId: mock.defaults.homeTenantId,
    cloud: mock.cloud,
    credential: credential ?? { kind: "secret", clientSecret: mock.defaults.clientSecret },
  });
  apps.push(app);
  return app;
}

const ready = () => mock.defaults.tenants.ready;

function bindingInput(overrides: Record<string, unknown> = {}) {
  const tenant = ready();
  return {
    tenantId: tenant.tenantId,
    endpoint: tenant.endpoint,
    deployments: [tenant.deployments.chat, tenant.deployments.embeddings],
    cloud: mock.cloud,
    armResourceId: tenant.armResourceId,
    ...overrides,
  };
}

async function verify(
  options: { app?: PlatformApp; binding?: unknown; privateEndpoint?: boolean } = {},
): Promise<ChecklistReport> {
  return verifyChecklist({
    app: options.app ?? platformApp(),
    binding: options.binding ?? createTenantBinding(bindingInput()),
    egressIps: [mock.defaults.egressIp],
    ...(options.privateEndpoint ? { privateEndpoint: true } : {}),
  });
}

const statusOf = (report: ChecklistReport, id: ChecklistItemId) =>
  report.steps.find((step) => step.id === id);

/**
 * Asserts the one step that must be reported, with its status, error code and a fix that says
 * what to do; every other step may pass or be unknown, but never fail or warn.
 */
function expectOnly(
  report: ChecklistReport,
  id: ChecklistItemId,
  status: StepStatus,
  fixMentions: readonly (string | RegExp)[],
  errorCode?: string,
) {
  const step = statusOf(report, id);
  expect(step?.status, JSON.stringify(report.steps, null, 2)).toBe(status);
  if (errorCode) expect(step?.errorCode).toBe(errorCode);
  for (const mention of fixMentions) expect(step?.fix).toMatch(mention);
  const others = report.steps.filter(
    (other) => other.id !== id && (other.status === "fail" || other.status === "warn"),
  );
  expect(others, JSON.stringify(others, null, 2)).toEqual([]);
  expect(report.summary.status).toBe(status);
}

const roleRemoved = () => {
  mock.scenario.removeRole(ready().resource, ready().servicePrincipalId as string);
};

describe("verifyChecklist against the mock", () => {
  it("passes every step of a fully configured tenant, with evidence for each", async () => {
    const report = await verify();

    expect(report.steps.map((step) => [step.id, step.status])).toEqual([
      ["tenant", "pass"],
      ["platform-credential", "pass"],
      ["app-consent", "pass"],
      ["custom-subdomain", "pass"],
      ["role-assignment", "pass"],
      ["network-access", "pass"],
      ["deployment", "pass"],
      ["local-auth-disabled", "pass"],
    ]);
    for (const step of report.steps) expect(step.evidence.length, step.id).toBeGreaterThan(0);
    expect(report.summary).toMatchObject({ status: "pass", text: "PASS: 8/8 steps pass." });
    expect(report.principalObjectId).toBe(ready().servicePrincipalId);
  });

  it("skips the account settings without an ARM resource id, and still passes", async () => {
    const report = await verify({
      binding: createTenantBinding(bindingInput({ armResourceId: undefined })),
    });

    expect(statusOf(report, "local-auth-disabled")).toMatchObject({
      status: "skipped",
      evidence: [expect.stringContaining("no armResourceId")],
    });
    expect(report.summary.status).toBe("pass");
    expect(report.summary.counts).toMatchObject({ pass: 7, skipped: 1 });
    expect(mock.journal.entries().filter((entry) => entry.route === "arm")).toEqual([]);
  });

  it("spends no completion tokens: every data-plane probe is refused as an invalid body", async () => {
    await verify();

    const chats = mock.journal.entries().filter((entry) => entry.route === "chat");
    expect(chats.length).toBe(2);
    for (const entry of chats) expect(entry.status).toBe(400);
  });

  it("sends each deployment a one-token request only when probeDeployment asks for it", async () => {
    const report = await verifyChecklist({
      app: platformApp(),
      binding: createTenantBinding(bindingInput()),
      egressIps: [mock.defaults.egressIp],
      probeDeployment: true,
    });

    expect(report.summary.status).toBe("pass");
    const evidence = statusOf(report, "deployment")?.evidence.join("\n");
    expect(evidence).toContain(`${ready().deployments.chat} answered a one-token completion`);
    expect(evidence).toContain(
      `${ready().deployments.embeddings} answered a one-token embeddings request`,
    );
    const answered = mock.journal.entries().filter((entry) => entry.status === 200);
    expect(answered.filter((entry) => entry.route === "chat")).toHaveLength(1);
    expect(answered.filter((entry) => entry.route === "embeddings")).toHaveLength(1);
  });

  it("reports a tenant that never consented as app-consent, with the admin-consent URL", async () => {
    const tenant = mock.defaults.tenants.unconsented;
    const report = await verify({
      binding: createTenantBinding(
        bindingInput({
          tenantId: tenant.tenantId,
          endpoint: tenant.endpoint,
          armResourceId: tenant.armResourceId,
        }),
      ),
    });

    expectOnly(
      report,
      "app-consent",
      "fail",
      ["adminconsent", mock.defaults.clientId],
      "CONSENT_MISSING",
    );
    expect(statusOf(report, "tenant")?.status).toBe("pass");
    expect(statusOf(report, "role-assignment")?.status).toBe("unknown");
  });

  it("sees a consent revoked after the app cached a token for the tenant", async () => {
    const app = platformApp();
    await app.getToken(ready().tenantId);
    mock.scenario.revokeConsent(ready().tenantId);

    const report = await verify({ app });

    expectOnly(report, "app-consent", "fail", ["adminconsent"], "CONSENT_MISSING");
  });

  it("reports an unknown tenant id as the tenant step", async () => {
    const report = await verify({
      binding: createTenantBinding(bindingInput({ tenantId: randomUUID() })),
    });

    expectOnly(report, "tenant", "fail", [/tenant/i], "TENANT_NOT_FOUND");
    expect(statusOf(report, "app-consent")?.status).toBe("unknown");
  });

  it("reports the tenant id of another tenant than the resource's as the tenant step", async () => {
    const report = await verify({
      binding: createTenantBinding(bindingInput({ tenantId: mock.defaults.homeTenantId })),
    });

    expectOnly(report, "tenant", "fail", [/tenant/i], "TENANT_MISMATCH");
  });

  it("reports a wrong platform secret as the platform credential", async () => {
    const report = await verify({ app: platformApp({ kind: "secret", clientSecret: "not-it" }) });

    expectOnly(report, "platform-credential", "fail", [/secret/i], "PLATFORM_SECRET_INVALID");
    expect(statusOf(report, "tenant")?.status).toBe("pass");
  });

  it("reports an expired platform secret as the platform credential", async () => {
    mock.scenario.expireSecret(mock.defaults.clientId, mock.defaults.clientSecretId);

    const report = await verify();

    expectOnly(report, "platform-credential", "fail", [/expired/i], "PLATFORM_SECRET_EXPIRED");
  });

  it("reports a certificate the app does not know as the platform credential", async () => {
    const stranger = await createAppCertificate("not registered");

    const report = await verify({
      app: platformApp({ kind: "certificate", certificatePem: stranger.certificateWithKeyPem }),
    });

    expectOnly(
      report,
      "platform-credential",
      "fail",
      [/certificate/i],
      "PLATFORM_CERTIFICATE_NOT_REGISTERED",
    );
  });

  it("reports a missing role assignment, naming the role and its id", async () => {
    roleRemoved();

    const report = await verify();

    expectOnly(
      report,
      "role-assignment",
      "fail",
      ["Cognitive Services OpenAI User", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"],
      "ROLE_MISSING",
    );
  });

  it("fails role-assignment when the app holds Contributor instead of the OpenAI User role", async () => {
    roleRemoved();
    mock.scenario.assignRole(
      ready().resource,
      ready().servicePrincipalId as string,
      broaderRoles.contributor.id,
    );

    const report = await verify();

    expectOnly(
      report,
      "role-assignment",
      "fail",
      ["Cognitive Services OpenAI User", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"],
      "ROLE_MISSING",
    );
    expect(statusOf(report, "role-assignment")?.evidence.join("\n")).toContain("Contributor");
    expect(statusOf(report, "network-access")?.status).toBe("pass");
  });

  it("warns when the app holds Contributor besides the OpenAI User role", async () => {
    mock.scenario.assignRole(
      ready().resource,
      ready().servicePrincipalId as string,
      broaderRoles.contributor.id,
    );

    const report = await verify();

    expectOnly(report, "role-assignment", "warn", [/Least privilege/, /Contributor/]);
  });

  it("warns when the OpenAI User role is held on the resource group instead of the resource", async () => {
    roleRemoved();
    mock.scenario.assignRole(
      ready().resource,
      ready().servicePrincipalId as string,
      undefined,
      "resourceGroup",
    );

    const report = await verify();

    expectOnly(report, "role-assignment", "warn", [/resourceGroups\/rg-openai/]);
  });

  it("reports an egress IP missing from the IP rules as network access, naming the IP", async () => {
    mock.scenario.removeIpRule(ready().resource, mock.defaults.egressIp);

    const report = await verify();

    expectOnly(report, "network-access", "fail", [mock.defaults.egressIp], "NETWORK_ACCESS_DENIED");
  });

  it("warns when IP rules are present but the default action is Allow", async () => {
    mock.scenario.setDefaultAction(ready().resource, "Allow");

    const report = await verify();

    expectOnly(report, "network-access", "warn", [/Deny/]);
    expect(statusOf(report, "network-access")?.evidence.join("\n")).toMatch(/no effect/);
  });

  it("reports public access disabled without a private endpoint as network access", async () => {
    mock.scenario.setPublicNetworkAccess(ready().resource, "Disabled");

    const report = await verify();

    expectOnly(report, "network-access", "fail", [/public network access|private endpoint/i]);
    expect(statusOf(report, "network-access")?.errorCode).toBe("PUBLIC_ACCESS_DISABLED");
  });

  it("reports a missing deployment by name", async () => {
    mock.scenario.removeDeployment(ready().resource, ready().deployments.chat);

    const report = await verify();

    expectOnly(report, "deployment", "fail", [ready().deployments.chat], "DEPLOYMENT_NOT_FOUND");
    expect(statusOf(report, "role-assignment")?.status).toBe("pass");
  });

  it("warns when key-based authentication is still enabled", async () => {
    const scenario = structuredClone(mock.scenario.current);
    for (const resource of scenario.resources) resource.disableLocalAuth = false;
    mock.scenario.replace(scenario);

    const report = await verify();

    expectOnly(report, "local-auth-disabled", "warn", [/disableLocalAuth=true/]);
  });

  it("reports a regional endpoint as custom-subdomain and sends it no token", async () => {
    const report = await verify({
      binding: bindingInput({ endpoint: "https://eastus.api.cognitive.microsoft.com" }),
    });

    expectOnly(
      report,
      "custom-subdomain",
      "fail",
      [/custom-subdomain endpoint/, ready().endpoint],
      "ENDPOINT_REGIONAL",
    );
    expect(statusOf(report, "custom-subdomain")?.evidence.join("\n")).toContain(
      `"${ready().resource}"`,
    );
    expect(statusOf(report, "tenant")?.status).toBe("pass");
    expect(mock.journal.entries().filter((entry) => entry.route === "chat")).toEqual([]);
  });

  it("passes network access through an approved private endpoint with public access off", async () => {
    const scenario = structuredClone(mock.scenario.current);
    for (const resource of scenario.resources) {
      resource.network.publicNetworkAccess = "Disabled";
      resource.network.privateEndpoints = [{ name: "platform-pe", status: "Approved" }];
    }
    mock.scenario.replace(scenario);

    const report = await verifyChecklist({
      app: platformApp(),
      binding: createTenantBinding(bindingInput()),
      egressIps: [],
      privateEndpoint: true,
    });

    expect(report.summary.status, JSON.stringify(report.steps, null, 2)).toBe("pass");
    expect(statusOf(report, "network-access")?.evidence.join("\n")).toMatch(
      /approved private endpoint/,
    );
    expect(statusOf(report, "network-access")?.evidence.join("\n")).toMatch(
      /run verify from the platform's network/,
    );
  });

  it("fails network access when the private endpoint connection is still pending", async () => {
    const scenario = structuredClone(mock.scenario.current);
    for (const resource of scenario.resources) {
      resource.network.publicNetworkAccess = "Disabled";
      resource.network.privateEndpoints = [{ name: "platform-pe", status: "Pending" }];
    }
    mock.scenario.replace(scenario);

    const report = await verifyChecklist({
      app: platformApp(),
      binding: createTenantBinding(bindingInput()),
      egressIps: [],
      privateEndpoint: true,
    });

    expectOnly(report, "network-access", "fail", [/Approve the platform's private endpoint/]);
  });

  it("never sends a token to an endpoint or ARM host outside the binding's cloud", async () => {
    const genuine = createTenantBinding(bindingInput());
    const tampered = {
      ...genuine,
      endpoint: { ...genuine.endpoint, url: "https://contoso.openai.azure.com.evil.example" },
      armResourceId: `@evil.example${genuine.armResourceId}`,
    };

    const report = await verify({ binding: tampered });

    expect(mock.journal.entries().filter((e) => e.route === "chat" || e.route === "arm")).toEqual(
      [],
    );
    expect(statusOf(report, "role-assignment")?.evidence.join("\n")).toContain(
      "Refusing to send a token",
    );
    expect(statusOf(report, "local-auth-disabled")?.evidence.join("\n")).toContain(
      "Refusing to send an ARM token",
    );
  });

  it("marks the data-plane steps unknown when the probe times out, and still reads ARM", async () => {
    mock.faults.add({ route: "chat", effect: { type: "latency", latencyInMs: 2_000 } });

    const report = await verifyChecklist({
      app: platformApp(),
      binding: createTenantBinding(bindingInput()),
      egressIps: [mock.defaults.egressIp],
      timeoutInMs: 300,
    });

    expect(statusOf(report, "tenant")?.status).toBe("pass");
    expect(statusOf(report, "local-auth-disabled")?.status).toBe("pass");
    expect(statusOf(report, "network-access")?.evidence.join("\n")).toMatch(/within 300 ms/);
    expect(report.steps.filter((step) => step.status === "fail")).toEqual([]);
  });

  it("rejects with ABORTED when the caller aborts", async () => {
    const controller = new AbortController();
    mock.faults.add({ route: "chat", effect: { type: "latency", latencyInMs: 2_000 } });
    const pending = verifyChecklist({
      app: platformApp(),
      binding: createTenantBinding(bindingInput()),
      egressIps: [mock.defaults.egressIp],
      abortSignal: controller.signal,
      onProgress: (event) => {
        if (event.probe === "data-plane" && event.state === "start") controller.abort();
      },
    });

    await expect(pending).rejects.toBeInstanceOf(OperationCancelledError);
    await expect(pending).rejects.toMatchObject({ code: "ABORTED" });
  });
});
