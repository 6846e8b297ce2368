#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { createTenantBinding } from "../binding.js";
import { buildChecklist } from "../checklist/build.js";
import { renderChecklist } from "../checklist/render.js";
import { type ChecklistFormat, checklistFormats } from "../checklist/types.js";
import { verifyChecklist } from "../checklist/verify.js";
import { adminConsentUrl } from "../consent.js";
import { ConfigurationError, CrossTenantError } from "../errors.js";
import { helpTexts } from "./help.js";
import {
  type CliFlags,
  createCliPlatformApp,
  requireClientId,
  requireTenants,
  resolveInputs,
} from "./inputs.js";
import { createProgress } from "./progress.js";

/** Where the CLI writes; a test or an embedding program can pass its own. */
export interface CliStreams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

const sharedOptions = {
  config: { type: "string" },
  tenant: { type: "string" },
  cloud: { type: "string" },
  "ca-file": { type: "string" },
  "client-id": { type: "string" },
  "home-tenant-id": { type: "string" },
  "tenant-id": { type: "string" },
  endpoint: { type: "string" },
  deployment: { type: "string", multiple: true },
  "arm-resource-id": { type: "string" },
  "api-version": { type: "string" },
  "display-name": { type: "string" },
  "egress-ip": { type: "string", multiple: true },
  "private-endpoint": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

const commandOptions = {
  checklist: { ...sharedOptions, format: { type: "string" }, color: { type: "boolean" } },
  verify: {
    ...sharedOptions,
    format: { type: "string" },
    color: { type: "boolean" },
    "probe-deployment": { type: "boolean" },
    "timeout-ms": { type: "string" },
    "certificate-path": { type: "string" },
    "client-secret-env": { type: "string" },
  },
  "consent-url": {
    ...sharedOptions,
    "redirect-uri": { type: "string" },
    state: { type: "string" },
  },
} as const satisfies Record<string, ParseArgsConfig["options"]>;

type Command = keyof typeof commandOptions;

const isCommand = (value: string | undefined): value is Command =>
  value !== undefined && Object.hasOwn(commandOptions, value);

function formatOf(value: string | undefined, fallback: ChecklistFormat): ChecklistFormat {
  if (value === undefined) return fallback;
  if ((checklistFormats as readonly string[]).includes(value)) return value as ChecklistFormat;
  throw new ConfigurationError(
    `Unknown --format "${value}". Use one of: ${checklistFormats.join(", ")}.`,
    { issues: [{ path: "--format", message: "unknown format" }] },
  );
}

/** Formats that are one document per tenant: several tenants would not make one valid file. */
function requireSingleTenant(format: ChecklistFormat, count: number): void {
  if (count > 1 && format !== "markdown" && format !== "text") {
    throw new ConfigurationError(
      `The ${format} format covers one tenant, and ${count} were given: pick one with --tenant.`,
      { issues: [{ path: "--tenant", message: "required with several tenants" }] },
    );
  }
}

async function run(command: Command, flags: Record<string, unknown>, io: CliStreams) {
  const inputs = resolveInputs(flags as CliFlags);
  requireTenants(inputs);

  if (command === "consent-url") {
    const clientId = requireClientId(inputs);
    for (const tenant of inputs.tenants) {
      const url = adminConsentUrl({
        clientId,
        tenantId: String(tenant.tenantId),
        cloud: inputs.cloud,
        ...(typeof flags["redirect-uri"] === "string"
          ? { redirectUri: flags["redirect-uri"] }
          : {}),
        ...(typeof flags.state === "string" ? { state: flags.state } : {}),
      });
      io.stdout.write(`${url}\n`);
    }
    return 0;
  }

  const color = flags.color === true;
  if (command === "checklist") {
    const format = formatOf(flags.format as string | undefined, "markdown");
    requireSingleTenant(format, inputs.tenants.length);
    const clientId = requireClientId(inputs);
    const outputs = inputs.tenants.map((tenant) =>
      renderChecklist(
        buildChecklist({
          app: {
            clientId,
            cloud: inputs.cloud,
            ...(inputs.homeTenantId ? { homeTenantId: inputs.homeTenantId } : {}),
          },
          binding: createTenantBinding(tenant),
          egressIps: inputs.egressIps,
          privateEndpoint: inputs.privateEndpoint,
        }),
        format,
        { color },
      ),
    );
    io.stdout.write(outputs.join("\n"));
    return 0;
  }

  const format = formatOf(flags.format as string | undefined, "text");
  requireSingleTenant(format, inputs.tenants.length);
  const timeoutText = flags["timeout-ms"] as string | undefined;
  const timeoutInMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutInMs !== undefined && !(Number.isInteger(timeoutInMs) && timeoutInMs > 0)) {
    throw new ConfigurationError(`--timeout-ms must be a positive integer, not "${timeoutText}".`, {
      issues: [{ path: "--timeout-ms", message: "not a positive integer" }],
    });
  }

  const app = createCliPlatformApp(inputs);
  let exitCode = 0;
  try {
    for (const tenant of inputs.tenants) {
      const progress = createProgress(io.stderr, String(tenant.displayName ?? tenant.tenantId));
      const report = await verifyChecklist({
        app,
        binding: tenant,
        egressIps: inputs.egressIps,
        privateEndpoint: inputs.privateEndpoint,
        probeDeployment: flags["probe-deployment"] === true,
        ...(timeoutInMs ? { timeoutInMs } : {}),
        onProgress: progress.update,
      });
      progress.finish(report.summary.text);
      io.stdout.write(renderChecklist(report, format, { color }));
      if (report.summary.status !== "pass") exitCode = 1;
    }
  } finally {
    await app.close();
  }
  return exitCode;
}

/**
 * Runs the `crosstenant` CLI with the given arguments (without `node` and the script) and
 * returns the exit code: 0 all good, 1 something to fix, 2 a usage or configuration error.
 *
 * @example
 * ```ts
 * // The `crosstenant` bin calls it with process.argv; tests call it with their own streams.
 * process.exitCode = await runCli(["checklist", "--config", "tenants.json", "--format", "text"]);
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliStreams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  if (!isCommand(command)) {
    const asked = command === undefined || command === "--help" || command === "-h";
    (asked ? io.stdout : io.stderr).write(helpTexts.main);
    if (!asked) io.stderr.write(`\nUnknown command "${command}".\n`);
    return asked ? 0 : 2;
  }

  try {
    const { values } = parseArgs({
      args: [...rest],
      options: commandOptions[command],
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.stdout.write(helpTexts[command]);
      return 0;
    }
    return await run(command, values, io);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      io.stderr.write(`crosstenant ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CrossTenantError) {
      io.stderr.write(`crosstenant ${command}: ${error.message}\n`);
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      io.stderr.write(
        `crosstenant ${command}: ${(error as Error).message}\n\n${helpTexts[command]}`,
      );
      return 2;
    }
    throw error;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2));
}
