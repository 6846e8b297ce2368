import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { MockAzure } from "@crosstenant/testing";

const run = promisify(execFile);

/** The built `crosstenant` CLI, if the core package has been built with it. */
export const crosstenantCli = path.resolve(
  import.meta.dirname,
  "../node_modules/@crosstenant/core/dist/cli/main.js",
);

/** Whether the CLI is there to run. */
export const cliBuilt = (): boolean => existsSync(crosstenantCli);

/** What one CLI run printed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI in a child process (asynchronously: the mock in this process must keep answering)
 * with only PATH and the given variables in its environment.
 */
export async function runCrosstenant(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [crosstenantCli, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * Writes a CLI config for the mock's ready tenant (its cloud, with the CA as a file) and, when
 * asked, the platform certificate; `remove()` deletes them.
 */
export function writeMockCliConfig(mock: MockAzure): {
  readonly configFile: string;
  readonly certificateFile: string;
  remove(): void;
} {
  const directory = mkdtempSync(path.join(tmpdir(), "crosstenant-reliability-"));
  writeFileSync(path.join(directory, "mock-ca.pem"), mock.ca);
  const certificateFile = path.join(directory, "platform.pem");
  writeFileSync(certificateFile, mock.defaults.certificate, { mode: 0o600 });
  const { caPem: _caPem, ...cloud } = mock.cloud;
  const tenant = mock.defaults.tenants.ready;
  const configFile = path.join(directory, "crosstenant.json");
  writeFileSync(
    configFile,
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
  return {
    configFile,
    certificateFile,
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
