import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { type CloudDefinition, defineCloud, resolveCloud } from "../cloud.js";
import { ConfigurationError } from "../errors.js";

/**
 * The `--config` file. Every field can also come from flags; flags win.
 *
 * ```json
 * {
 *   "cloud": "public",
 *   "app": { "clientId": "…", "homeTenantId": "…", "credential": { "kind": "certificate", "certificatePath": "app.pem" } },
 *   "tenants": [{ "tenantId": "…", "endpoint": "https://contoso.openai.azure.com", "deployments": ["gpt-4o"] }],
 *   "egressIps": ["203.0.113.10"]
 * }
 * ```
 *
 * `cloud` is a built-in cloud's name or a `defineCloud` options object; such an object may name a
 * `caFile` (PEM) instead of `caPem`, which is how `crosstenant verify` talks to the mock. The
 * `cloud` object that `crosstenant-mock` prints can be pasted as is: a missing
 * `cognitiveServicesAudience` is read from `cognitiveServicesScope`, and a cloud whose authority
 * host is on loopback (only the mock's is) allows loopback endpoints and ports unless it says
 * otherwise.
 * A secret credential may name an environment variable (`clientSecretEnv`) instead of holding
 * the secret. Relative paths are relative to the config file.
 */
const configSchema = z
  .object({
    cloud: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    app: z
      .object({
        clientId: z.string(),
        homeTenantId: z.string().optional(),
        credential: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional(),
    tenants: z.array(z.record(z.string(), z.unknown())).optional(),
    egressIps: z.array(z.string()).optional(),
    privateEndpoint: z.boolean().optional(),
  })
  .strict();

/** The config file, parsed; paths resolved against its folder. */
export type CliConfig = z.output<typeof configSchema>;

/** Reads and validates a config file. */
export function readConfig(file: string): { config: CliConfig; baseDir: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the config file ${file}: ${(error as Error).message}. Give a JSON file, see crosstenant --help.`,
      { issues: [{ path: "--config", message: "unreadable or not JSON" }], cause: error },
    );
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw ConfigurationError.fromZod(`config file ${file}`, parsed.error);
  return { config: parsed.data, baseDir: path.dirname(path.resolve(file)) };
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigurationError(`Cannot read ${what} ${file}: ${(error as Error).message}.`, {
      issues: [{ path: what, message: "unreadable file" }],
      cause: error,
    });
  }
}

/** A cloud whose token service is on this machine is a test cloud (the mock): its hosts are too. */
function isLoopbackAuthority(authorityHost: unknown): boolean {
  try {
    const { hostname } = new URL(String(authorityHost));
    return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "127.0.0.1";
  } catch {
    return false;
  }
}

const audienceOf = (scope: unknown) =>
  typeof scope === "string" && scope.endsWith("/.default")
    ? scope.slice(0, -"/.default".length)
    : undefined;

/**
 * Resolves the cloud from the config and `--cloud` / `--ca-file`. A CA file applies only to a
 * defined cloud: a built-in cloud always trusts the public roots.
 */
export function resolveCliCloud(
  configured: CliConfig["cloud"],
  flags: { cloud?: string | undefined; caFile?: string | undefined },
  baseDir: string,
): CloudDefinition {
  const chosen = flags.cloud ?? configured;
  if (chosen === undefined || typeof chosen === "string") {
    if (flags.caFile) {
      throw new ConfigurationError(
        "--ca-file applies only to a cloud defined in the config file (such as the mock's); built-in clouds use the public roots.",
        { issues: [{ path: "--ca-file", message: "needs a defined cloud in --config" }] },
      );
    }
    return resolveCloud(chosen as never);
  }

  const { caFile, ...definition } = chosen as Record<string, unknown> & { caFile?: unknown };
  const caPath = flags.caFile ?? (typeof caFile === "string" ? path.resolve(baseDir, caFile) : "");
  const local = isLoopbackAuthority(definition.authorityHost);
  const audience =
    definition.cognitiveServicesAudience ?? audienceOf(definition.cognitiveServicesScope);
  return defineCloud({
    ...(definition as Parameters<typeof defineCloud>[0]),
    ...(audience === undefined ? {} : { cognitiveServicesAudience: audience as string }),
    allowLoopback: (definition.allowLoopback as boolean | undefined) ?? local,
    allowPorts: (definition.allowPorts as boolean | undefined) ?? local,
    ...(caPath ? { caPem: readPem(caPath, "the CA file") } : {}),
  });
}
