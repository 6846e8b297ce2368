export type { ChecklistItemId } from "./checklist-items.js";
export { checklistItemIds, checklistItemOwners } from "./checklist-items.js";
export type { BuiltInCloudName, CloudDefinition, DefineCloudOptions } from "./cloud.js";
export { clouds, defineCloud, resolveCloud } from "./cloud.js";
export type { CloudFetchOptions } from "./cloud-fetch.js";
export { createCloudFetch } from "./cloud-fetch.js";
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
  EndpointValidationError,
  OperationCancelledError,
  RateLimitError,
  ResourceAccessError,
  TokenAcquisitionError,
} from "./errors.js";
export type { BuiltInRole } from "./roles.js";
export { broaderRoles, openAIUserRole } from "./roles.js";
