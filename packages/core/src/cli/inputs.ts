import path from "node:path";
import type { CloudDefinition } from "../cloud.js";
import { ConfigurationError } from "../errors.js";
import { createPlatformApp, type PlatformApp } from "../platform-app.js";
import { platformAppFromEnv } from "../platform-app-from-env.js";
import type { PlatformCredentialOptions } from "../platform-app-options.js";
import { type CliConfig, readConfig, resolveCliCloud } from "./config.js";

/** Flag values every command understands (`parseArgs` output). */
export interface CliFlags {
  readonly config?: string | undefined;
  readonly cloud?: string | undefined;
  readonly "ca-file"?: string | undefined;
  readonly "client-id"?: string | undefined;
  readonly "home-tenant-id"?: string | undefined;
  readonly "tenant-id"?: string | undefined;
  readonly tenant?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly deployment?: string[] | undefined;
  readonly "arm-resource-id"?: string | undefined;
  readonly "api-version"?: string | undefined;
  readonly "display-name"?: string | undefined;
  readonly "egress-ip"?: string[] | undefined;
  readonly "private-endpoint"?: boolean | undefined;
  readonly "certificate-path"?: string | undefined;
  readonly "client-secret-env"?: string | undefined;
}

/** What a command works on, from the config file and the flags together. */
export interface CliInputs {
  readonly cloud: CloudDefinition;
  readonly clientId: string | undefined;
  readonly homeTenantId: string | undefined;
  /** Binding inputs (not yet validated), the cloud filled in. */
  readonly tenants: readonly Record<string, unknown>[];
  readonly egressIps: readonly string[];
  readonly privateEndpoint: boolean;
  readonly credential: Record<string, unknown> | undefined;
  readonly baseDir: string;
}

const usage = (message: string, flag: string) =>
  new ConfigurationError(message, { issues: [{ path: flag, message }] });

function selectTenants(config: CliConfig, flags: CliFlags): Record<string, unknown>[] {
  const fromFlags =
    flags.endpoint !== undefined || flags.deployment !== undefined
      ? [
          {
            tenantId: flags["tenant-id"],
            endpoint: flags.endpoint,
            deployments: flags.deployment ?? [],
            ...(flags["arm-resource-id"] ? { armResourceId: flags["arm-resource-id"] } : {}),
            ...(flags["api-version"] ? { apiVersion: flags["api-version"] } : {}),
            ...(flags["display-name"] ? { displayName: flags["display-name"] } : {}),
          },
        ]
      : undefined;
  const all = fromFlags ?? config.tenants ?? [];
  const wanted = flags.tenant ?? (fromFlags ? undefined : flags["tenant-id"]);
  if (!wanted) return all;

  const chosen = all.filter(
    (tenant) =>
      String(tenant.tenantId).toLowerCase() === wanted.toLowerCase() ||
      tenant.displayName === wanted,
  );
  if (chosen.length === 0) {
    throw usage(
      `No tenant "${wanted}" in the config; it lists ${all.map((t) => String(t.tenantId)).join(", ") || "none"}.`,
      "--tenant",
    );
  }
  return chosen;
}

/** Merges the config file and the flags; flags win. */
export function resolveInputs(flags: CliFlags): CliInputs {
  const { config, baseDir } = flags.config
    ? readConfig(flags.config)
    : { config: {} as CliConfig, baseDir: process.cwd() };
  const cloud = resolveCliCloud(
    config.cloud,
    { cloud: flags.cloud, caFile: flags["ca-file"] },
    baseDir,
  );
  const tenants = selectTenants(config, flags).map((tenant) => ({ cloud, ...tenant }));

  let credential = config.app?.credential;
  if (flags["certificate-path"]) {
    credential = { kind: "certificate", certificatePath: flags["certificate-path"] };
  } else if (flags["client-secret-env"]) {
    credential = { kind: "secret", clientSecretEnv: flags["client-secret-env"] };
  }
  return {
    cloud,
    clientId: flags["client-id"] ?? config.app?.clientId,
    homeTenantId: flags["home-tenant-id"] ?? config.app?.homeTenantId,
    tenants,
    egressIps: flags["egress-ip"] ?? config.egressIps ?? [],
    privateEndpoint: flags["private-endpoint"] ?? config.privateEndpoint ?? false,
    credential,
    baseDir,
  };
}

/** Fails with a usage error when no tenant was given. */
export function requireTenants(inputs: CliInputs): void {
  if (inputs.tenants.length === 0) {
    throw usage(
      "No tenant given: use --tenant-id, --endpoint and --deployment, or --config with a tenants list.",
      "tenants",
    );
  }
}

/** The client id, or a usage error naming the flag. */
export function requireClientId(inputs: CliInputs): string {
  if (!inputs.clientId) {
    throw usage(
      "No platform app given: use --client-id, or app.clientId in --config.",
      "--client-id",
    );
  }
  return inputs.clientId;
}

function credentialOf(
  credential: Record<string, unknown>,
  baseDir: string,
): PlatformCredentialOptions {
  if (credential.kind === "secret" && typeof credential.clientSecretEnv === "string") {
    const name = credential.clientSecretEnv;
    const secret = process.env[name];
    if (!secret) {
      throw usage(`The environment variable ${name} (the client secret) is not set.`, name);
    }
    return { kind: "secret", clientSecret: secret };
  }
  if (credential.kind === "certificate" && typeof credential.certificatePath === "string") {
    return {
      ...credential,
      certificatePath: path.resolve(baseDir, credential.certificatePath),
    } as never;
  }
  if (credential.kind === "workloadIdentity" && typeof credential.tokenFilePath === "string") {
    return {
      ...credential,
      tokenFilePath: path.resolve(baseDir, credential.tokenFilePath),
    } as never;
  }
  return credential as never;
}

/**
 * The platform app for `verify`: from the config's or flags' credential, else from the
 * environment (`AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, and a credential variable).
 */
export function createCliPlatformApp(inputs: CliInputs): PlatformApp {
  if (!inputs.credential) return platformAppFromEnv({ cloud: inputs.cloud });

  const clientId = requireClientId(inputs);
  if (!inputs.homeTenantId) {
    throw usage(
      "No platform home tenant given: use --home-tenant-id, or app.homeTenantId in --config.",
      "--home-tenant-id",
    );
  }
  return createPlatformApp({
    clientId,
    homeTenantId: inputs.homeTenantId,
    cloud: inputs.cloud,
    credential: credentialOf(inputs.credential, inputs.baseDir),
  });
}
