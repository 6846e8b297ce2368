import { ConfigurationError } from "./errors.js";
import { logger } from "./logger.js";
import { createPlatformApp, type PlatformApp } from "./platform-app.js";
import type { PlatformAppOptions, PlatformCredentialOptions } from "./platform-app-options.js";

/**
 * Options of {@link platformAppFromEnv}: everything but the identity, which the environment gives.
 *
 * @example
 * ```ts
 * const options: PlatformAppFromEnvOptions = { env: { ...process.env }, cloud: "china" };
 * ```
 */
export interface PlatformAppFromEnvOptions
  extends Omit<PlatformAppOptions, "clientId" | "homeTenantId" | "credential"> {
  /** The environment to read; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

const truthy = new Set(["1", "true", "yes"]);

/**
 * Creates the platform app from the environment variables @azure/identity users know. Read only
 * when called, never implicitly:
 *
 * - `AZURE_CLIENT_ID` (the app registration) and `AZURE_TENANT_ID` (the platform's home tenant);
 * - then the first credential found: `AZURE_CLIENT_CERTIFICATE_PATH` (with
 *   `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN`), `AZURE_FEDERATED_TOKEN_FILE` (workload identity),
 *   `CROSSTENANT_MANAGED_IDENTITY_CLIENT_ID` (a user-assigned managed identity federated with the
 *   app), `AZURE_CLIENT_SECRET`.
 *
 * `AZURE_AUTHORITY_HOST` is ignored: the cloud option decides where tokens are requested.
 *
 * @throws {ConfigurationError} naming the missing variables.
 * @example
 * ```ts
 * import { platformAppFromEnv } from "@crosstenant/core";
 * const app = platformAppFromEnv({ cloud: "public" });
 * ```
 */
export function platformAppFromEnv(options: PlatformAppFromEnvOptions = {}): PlatformApp {
  const { env = process.env, ...appOptions } = options;
  const value = (name: string) => env[name]?.trim() || undefined;

  const clientId = value("AZURE_CLIENT_ID");
  const homeTenantId = value("AZURE_TENANT_ID");
  const credential = credentialFromEnv(value);
  const missing = [
    ...(clientId ? [] : ["AZURE_CLIENT_ID"]),
    ...(homeTenantId ? [] : ["AZURE_TENANT_ID"]),
    ...(credential
      ? []
      : [
          "one of AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, CROSSTENANT_MANAGED_IDENTITY_CLIENT_ID, AZURE_CLIENT_SECRET",
        ]),
  ];
  if (!clientId || !homeTenantId || !credential) {
    throw new ConfigurationError(
      `Cannot create the platform app from the environment: ${missing.join("; ")} ${missing.length === 1 ? "is" : "are"} not set. Set them, or call createPlatformApp() with explicit options.`,
      {
        checklistItem: "platform-credential",
        issues: missing.map((name) => ({ path: name, message: "not set" })),
      },
    );
  }
  if (value("AZURE_AUTHORITY_HOST")) {
    logger.info("AZURE_AUTHORITY_HOST is set and ignored: the platform app's cloud decides");
  }

  return createPlatformApp({ ...appOptions, clientId, homeTenantId, credential });
}

function credentialFromEnv(
  value: (name: string) => string | undefined,
): PlatformCredentialOptions | undefined {
  const certificatePath = value("AZURE_CLIENT_CERTIFICATE_PATH");
  if (certificatePath) {
    const chain = value("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN")?.toLowerCase();
    return {
      kind: "certificate",
      certificatePath,
      sendCertificateChain: chain !== undefined && truthy.has(chain),
    };
  }
  const tokenFilePath = value("AZURE_FEDERATED_TOKEN_FILE");
  if (tokenFilePath) return { kind: "workloadIdentity", tokenFilePath };

  const managedIdentityClientId = value("CROSSTENANT_MANAGED_IDENTITY_CLIENT_ID");
  if (managedIdentityClientId)
    return { kind: "managedIdentity", clientId: managedIdentityClientId };

  const clientSecret = value("AZURE_CLIENT_SECRET");
  return clientSecret ? { kind: "secret", clientSecret } : undefined;
}
