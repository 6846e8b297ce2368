#!/usr/bin/env node
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CrossTenantError } from "@crosstenant/core";
import { startMockAzure } from "./mock-azure.js";

const usage = `crosstenant-mock — a mock Entra ID, Azure OpenAI and ARM over HTTPS on loopback

Usage: crosstenant-mock [options]

Options:
  --scenario <file>          scenario JSON (see scenarioSchema); the default scenario if left out
  --host <address>           address to listen on (default 127.0.0.1)
  --port <number>            port to listen on (default: a free port)
  --ca-file <path>           where to write the CA certificate (default: a file in the temp folder)
  --certificate-file <path>  where to write the platform app's generated certificate and key
  --help                     show this help

Prints one JSON line with the connection details (authorityHost, caFile, endpoints, armUrl,
cloud, tenants) and serves until SIGINT or SIGTERM.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "0" },
      "ca-file": { type: "string" },
      "certificate-file": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }

  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, not "${values.port}".`);
  }
  const scenario = values.scenario
    ? (JSON.parse(await readFile(values.scenario, "utf8")) as object)
    : undefined;
  const mock = await startMockAzure({
    host: values.host,
    port,
    ...(scenario ? { scenario } : {}),
  });

  const caFile = values["ca-file"] ?? join(tmpdir(), `crosstenant-mock-ca-${mock.port}.pem`);
  await writeFile(caFile, mock.ca);
  const certificateFile = values["certificate-file"];
  if (certificateFile) await writeFile(certificateFile, mock.defaults.certificate, { mode: 0o600 });

  const { cloud } = mock;
  console.log(
    JSON.stringify({
      authorityHost: mock.authorityHost,
      caFile,
      ...(certificateFile ? { certificateFile } : {}),
      endpoints: mock.endpoints,
      armUrl: mock.armUrl,
      cloud: {
        name: cloud.name,
        authorityHost: cloud.authorityHost,
        openAIHostSuffixes: cloud.openAIHostSuffixes,
        cognitiveServicesScope: cloud.cognitiveServicesScope,
        armEndpoint: cloud.armEndpoint,
        armScope: cloud.armScope,
      },
      clientId: mock.defaults.clientId,
      homeTenantId: mock.defaults.homeTenantId,
      tenants: mock.scenario.current.tenants.map(({ tenantId, displayName }) => ({
        tenantId,
        displayName,
      })),
      managedIdentityEndpoint: mock.managedIdentityEnvironment().IDENTITY_ENDPOINT,
    }),
  );

  const stop = () => {
    void mock.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  const message =
    error instanceof CrossTenantError || error instanceof Error ? error.message : String(error);
  console.error(`crosstenant-mock: ${message}`);
  process.exit(1);
});
