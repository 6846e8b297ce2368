import {
  assertDeploymentAllowed,
  ConfigurationError,
  type PlatformApp,
  type TenantBinding,
} from "@crosstenant/core";

const sameCloud = (app: PlatformApp, binding: TenantBinding) =>
  app.cloud === binding.cloud ||
  (app.cloud.name === binding.cloud.name &&
    app.cloud.authorityHost === binding.cloud.authorityHost);

/**
 * Checks that the binding is of the app's cloud: a token is only ever issued and sent within
 * one cloud.
 *
 * @throws {ConfigurationError} `CLOUD_MISMATCH`.
 */
export function assertSameCloud(app: PlatformApp, binding: TenantBinding): void {
  if (!sameCloud(app, binding)) {
    throw new ConfigurationError(
      `Tenant ${binding.tenantId}'s binding is in cloud "${binding.cloud.name}" but the platform app is in "${app.cloud.name}": the app cannot obtain or send tokens across clouds. Create the binding with the app's cloud, or use a platform app registered in "${binding.cloud.name}".`,
      {
        code: "CLOUD_MISMATCH",
        tenantId: binding.tenantId,
        checklistItem: "tenant",
        issues: [{ path: "binding.cloud", message: `must be the app's cloud "${app.cloud.name}"` }],
      },
    );
  }
}

/**
 * Checks, before any token is requested, that a model may be built for this (app, binding,
 * deployment): same cloud, and a deployment the binding allows.
 *
 * @throws {ConfigurationError} `CLOUD_MISMATCH` or `DEPLOYMENT_NOT_ALLOWED`.
 */
export function assertModelAllowed(
  app: PlatformApp,
  binding: TenantBinding,
  deployment: string,
): void {
  assertSameCloud(app, binding);
  assertDeploymentAllowed(binding, deployment);
}
