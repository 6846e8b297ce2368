import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { defaultIds } from "@crosstenant/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crosstenant } from "./cli-run.js";

interface MockConnection {
  readonly caFile: string;
  readonly endpoints: Record<string, string>;
  readonly cloud: Record<string, unknown>;
  readonly clientId: string;
  readonly homeTenantId: string;
}

const workDir = mkdtempSync(path.join(tmpdir(), "crosstenant-cli-mock-process-"));
const mockCli = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@crosstenant/testing")),
  "cli.js",
);
let mockProcess: ChildProcess;
let connection: MockConnection;

beforeAll(async () => {
  mockProcess = spawn(process.execPath, [mockCli, "--ca-file", path.join(workDir, "ca.pem")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: mockProcess.stdout as NodeJS.ReadableStream });
  const [line] = (await once(lines, "line")) as [string];
  connection = JSON.parse(line);
});

afterAll(async () => {
  if (mockProcess.exitCode === null) {
    mockProcess.kill("SIGTERM");
    await once(mockProcess, "exit");
  }
  rmSync(workDir, { recursive: true, force: true });
});

describe("crosstenant verify against the crosstenant-mock process", () => {
  it("verifies the mock's ready tenant from the connection line the mock prints", async () => {
    const resource = defaultIds.readyResource;
    const config = path.join(workDir, "crosstenant.json");
    writeFileSync(
      config,
      JSON.stringify({
        cloud: { ...connection.cloud, caFile: connection.caFile },
        app: {
          clientId: connection.clientId,
          homeTenantId: connection.homeTenantId,
          credential: { kind: "secret", clientSecretEnv: "PLATFORM_SECRET" },
        },
        tenants: [
          {
            tenantId: defaultIds.readyTenantId,
            displayName: "Contoso",
            endpoint: connection.endpoints[resource],
            deployments: [defaultIds.chatDeployment],
            armResourceId: `/subscriptions/${defaultIds.readySubscriptionId}/resourceGroups/rg-openai/providers/Microsoft.CognitiveServices/accounts/${resource}`,
          },
        ],
        egressIps: [defaultIds.egressIp],
      }),
    );

    const result = await crosstenant(["verify", "--config", config], {
      PLATFORM_SECRET: defaultIds.secretValue,
    });

    expect(result.stderr).toContain("crosstenant verify Contoso: PASS: 8/8 steps pass.");
    expect(result.code).toBe(0);
  });
});
