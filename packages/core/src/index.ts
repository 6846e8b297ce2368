export type { TenantBinding, TenantBindingInput } from "./binding.js";
export {
  assertDeploymentAllowed,
  createTenantBinding,
  DEFAULT_API_VERSION,
  tenantBindingSchema,
} from "./binding.js";
export type { BuildChecklistOptions, ChecklistAppInfo } from "./checklist/build.js";
export { buildChecklist } from "./checklist/build.js";
export { MAX_EGRESS_IP_RULES, normalizeEgressIps } from "./checklist/egress-ips.js";
export type { VerifierApp } from "./checklist/probes.js";
export type { RenderChecklistOptions } from "./checklist/render.js";
export { renderChecklist } from "./checklist/render.js";
export type {
  Checklist,
  ChecklistFact,
  ChecklistFormat,
  ChecklistHow,
  ChecklistReport,
  ChecklistStep,
  ChecklistTarget,
  ReportSummary,
  StepReport,
  StepStatus,
} from "./checklist/types.js";
export { CHECKLIST_SCHEMA_VERSION, checklistFormats } from "./checklist/types.js";
export type { VerifyChecklistOptions, VerifyProgressEvent } from "./checklist/verify.js";
export { verifyChecklist } from "./checklist/verify.js";
export type { ChecklistItemId } from "./checklist-items.js";
export { checklistItemIds, checklistItemOwners } from "./checklist-items.js";
export type { BuiltInCloudName, CloudDefinition, DefineCloudOptions } from "./cloud.js";
export { clouds, defineCloud, resolveCloud } from "./cloud.js";
export type { CloudFetchOptions } from "./cloud-fetch.js";
export { createCloudFetch } from "./cloud-fetch.js";
export type {
  AdminConsentUrlOptions,
  ConsentResult,
  ParseConsentRedirectOptions,
} from "./consent.js";
export { adminConsentUrl, parseConsentRedirect } from "./consent.js";
export type { DiagnoseContext } from "./diagnose.js";
export { diagnose, diagnoseResponse } from "./diagnose.js";
export type { EndpointSurface, ParsedEndpoint, ParseEndpointOptions } from "./endpoint.js";
export { parseEndpoint } from "./endpoint.js";
export type {
  ConfigurationIssue,
  CrossTenantErrorCode,
  CrossTenantErrorOptions,
  EndpointValidationCode,
  ResourceAccessCode,
  TokenAcquisitionCode,
} from "./errors.js";
export {
  ConfigurationError,
  ContentFilterError,
  CrossTenantError,
  crossTenantErrorCodes,
  EndpointValidationError,
  OperationCancelledError,
  RateLimitError,
  ResourceAccessError,
  TokenAcquisitionError,
} from "./errors.js";
export type {
  GetTenantTokenOptions,
  InvalidateTokenOptions,
  PlatformApp,
  TokenProviderOptions,
} from "./platform-app.js";
export { createPlatformApp } from "./platform-app.js";
export type { PlatformAppFromEnvOptions } from "./platform-app-from-env.js";
export { platformAppFromEnv } from "./platform-app-from-env.js";
export type {
  PlatformAppCacheOptions,
  PlatformAppOptions,
  PlatformCredentialOptions,
  ResolvedPlatformAppOptions,
} from "./platform-app-options.js";
export { parsePlatformAppOptions, platformAppOptionsSchema } from "./platform-app-options.js";
export type { BuiltInRole } from "./roles.js";
export { broaderRoles, openAIUserRole } from "./roles.js";
export type { TokenClaims } from "./token-claims.js";
export { readTokenClaims } from "./token-claims.js";
export type {
  TenantEvictedEvent,
  TokenAcquiredEvent,
  TokenEvent,
  TokenEventListener,
  TokenFailedEvent,
  TokenRequestTrigger,
} from "./token-events.js";
export type { TenantAccessToken } from "./token-source.js";
