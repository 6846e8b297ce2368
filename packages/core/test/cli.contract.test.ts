import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { crosstenant } from "./cli-run.js";

let mock: MockAzure;
const workDir = mkdtempSync(path.join(tmpdir(), "crosstenant-cli-mock-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

beforeEach(async () => {
  mock = await startMockAzure();
});
afterEach(async () => {
  await mock.close();
});

/** A config file as a platform operator writes it for the mock: its cloud, with the CA as a file. */
function mockConfig(): string {
  const caFile = path.join(workDir, "mock-ca.pem");
  writeFileSync(caFile, mock.ca);
  const { caPem: _caPem, ...cloud } = mock.cloud;
  const tenant = mock.defaults.tenants.ready;
  const file = path.join(workDir, "crosstenant.json");
  writeFileSync(
    file,
    JSON.stringify({
      cloud: { ...cloud, caFile: "mock-ca.pem" },
      app: {
        clientId: mock.defaults.clientId,
        homeTenantId: mock.defaults.homeTenantId,
        credential: { kind: "secret", clientSecretEnv: "PLATFORM_SECRET" },
      },
      tenants: [
        {
          tenantId: tenant.tenantId,
          displayName: "Contoso",
          endpoint: tenant.endpoint,
          deployments: [tenant.deployments.chat],
          armResourceId: tenant.armResourceId,
        },
      ],
      egressIps: [mock.defaults.egressIp],
    }),
  );
  return file;
}

describe("crosstenant verify against the mock", () => {
  it("exits 0 when every step passes, with plain progress lines on a non-terminal stderr", async () => {
    const secret = mock.defaults.clientSecret;

    const result = await crosstenant(["verify", "--config", mockConfig()], {
      PLATFORM_SECRET: secret,
    });

    expect(result.stderr).toContain(
      "crosstenant verify Contoso: token from the customer tenant started",
    );
    expect(result.stderr).toContain("crosstenant verify Contoso: PASS: 8/8 steps pass.");
    expect(result.stderr).not.toContain("\u001b");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1. [PASS] Confirm the tenant id");
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  });

  it("exits 1 and names the step to fix when the role is missing", async () => {
    const tenant = mock.defaults.tenants.ready;
    mock.scenario.removeRole(tenant.resource, tenant.servicePrincipalId as string);

    const result = await crosstenant(["verify", "--config", mockConfig(), "--format", "json"], {
      PLATFORM_SECRET: mock.defaults.clientSecret,
    });

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary.status).toBe("fail");
    expect(
      report.steps.find((step: { id: string }) => step.id === "role-assignment"),
    ).toMatchObject({
      status: "fail",
      errorCode: "ROLE_MISSING",
    });
  });

  it("exits 2 when the secret's environment variable is not set", async () => {
    const result = await crosstenant(["verify", "--config", mockConfig()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("PLATFORM_SECRET");
  });

  it("accepts the cloud exactly as crosstenant-mock prints it", async () => {
    const config = JSON.parse(readFileSync(mockConfig(), "utf8"));
    const { cloud } = mock;
    config.cloud = {
      name: cloud.name,
      authorityHost: cloud.authorityHost,
      openAIHostSuffixes: cloud.openAIHostSuffixes,
      cognitiveServicesScope: cloud.cognitiveServicesScope,
      armEndpoint: cloud.armEndpoint,
      armScope: cloud.armScope,
      caFile: "mock-ca.pem",
    };
    const file = path.join(workDir, "printed-cloud.json");
    writeFileSync(file, JSON.stringify(config));

    const result = await crosstenant(["verify", "--config", file], {
      PLATFORM_SECRET: mock.defaults.clientSecret,
    });

    expect(result.stderr).toContain("PASS: 8/8 steps pass.");
    expect(result.code).toBe(0);
  });

  it("accepts --ca-file instead of the config's caFile", async () => {
    const config = mockConfig();
    const caFile = path.join(workDir, "other-ca.pem");
    writeFileSync(caFile, mock.ca);

    const result = await crosstenant(
      ["verify", "--config", config, "--ca-file", caFile, "--format", "markdown"],
      { PLATFORM_SECRET: mock.defaults.clientSecret },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("**Verification:** PASS: 8/8 steps pass.");
  });
});
