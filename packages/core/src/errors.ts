import type { z } from "zod";
import type { ChecklistItemId } from "./checklist-items.js";

const tokenAcquisitionCodes = [
  "TENANT_NOT_FOUND",
  "TENANT_IN_OTHER_CLOUD",
  "CONSENT_MISSING",
  "APP_DISABLED",
  "PLATFORM_SECRET_INVALID",
  "PLATFORM_SECRET_EXPIRED",
  "PLATFORM_CERTIFICATE_NOT_REGISTERED",
  "PLATFORM_FEDERATED_TOKEN_INVALID",
  "RESOURCE_NOT_IN_TENANT",
  "SCOPE_INVALID",
  "TOKEN_TENANT_MISMATCH",
  "AUTHORITY_UNREACHABLE",
  "TOKEN_REQUEST_FAILED",
] as const;

const resourceAccessCodes = [
  "TOKEN_REJECTED",
  "ROLE_MISSING",
  "TENANT_MISMATCH",
  "CUSTOM_SUBDOMAIN_REQUIRED",
  "NETWORK_ACCESS_DENIED",
  "PUBLIC_ACCESS_DISABLED",
  "KEY_AUTH_DISABLED",
  "DEPLOYMENT_NOT_FOUND",
] as const;

/**
 * Every error code crosstenant raises, grouped as in `docs/troubleshooting.md`, which explains
 * each one. The set is closed: code that switches on {@link CrossTenantErrorCode} can be
 * exhaustive.
 *
 * @example
 * ```ts
 * import { crossTenantErrorCodes } from "@crosstenant/core";
 * crossTenantErrorCodes.includes("CONSENT_MISSING"); // true
 * ```
 */
export const crossTenantErrorCodes = Object.freeze([
  // Configuration given to the library
  "CONFIGURATION_INVALID",
  "DEPLOYMENT_NOT_ALLOWED",
  "CLOUD_MISMATCH",
  // Endpoint validation (parseEndpoint)
  "ENDPOINT_NOT_A_URL",
  "ENDPOINT_NOT_HTTPS",
  "ENDPOINT_HAS_CREDENTIALS",
  "ENDPOINT_IP_ADDRESS",
  "ENDPOINT_LOCALHOST",
  "ENDPOINT_PORT",
  "ENDPOINT_NOT_IN_CLOUD",
  "ENDPOINT_REGIONAL",
  "ENDPOINT_SUBDOMAIN_INVALID",
  "ENDPOINT_PATH",
  "ENDPOINT_QUERY_OR_FRAGMENT",
  // Token acquisition from the customer's tenant (Entra ID)
  ...tokenAcquisitionCodes,
  // The customer's Azure OpenAI resource (data plane)
  ...resourceAccessCodes,
  "RATE_LIMITED",
  "CONTENT_FILTERED",
  "SERVICE_UNAVAILABLE",
  "CONNECTION_FAILED",
  // Lifecycle
  "ABORTED",
  "TIMEOUT",
  "CLOSED",
] as const);

/** One of {@link crossTenantErrorCodes}. */
export type CrossTenantErrorCode = (typeof crossTenantErrorCodes)[number];

/** What every crosstenant error may carry besides its message. */
export interface CrossTenantErrorOptions {
  /** The error this one explains, kept as it was raised. */
  readonly cause?: unknown;
  /** The customer tenant the failure concerns, when known. */
  readonly tenantId?: string;
  /** The checklist step a customer (or the platform) must fix, when one applies. */
  readonly checklistItem?: ChecklistItemId;
  /** HTTP status of the response that failed, when there was one. */
  readonly status?: number;
}

/**
 * Base class of every error crosstenant raises. `code` is stable and meant for programs; the
 * message says what failed, why, and what to do, and is meant for people.
 *
 * @example
 * ```ts
 * import { CrossTenantError } from "@crosstenant/core";
 * try {
 *   await model.invoke("hello");
 * } catch (error) {
 *   if (error instanceof CrossTenantError && error.checklistItem) {
 *     console.error(`${error.tenantId}: fix checklist step ${error.checklistItem}: ${error.message}`);
 *   }
 * }
 * ```
 */
export class CrossTenantError extends Error {
  override name = "CrossTenantError";
  readonly code: CrossTenantErrorCode;
  readonly tenantId: string | undefined;
  readonly checklistItem: ChecklistItemId | undefined;
  readonly status: number | undefined;

  constructor(code: CrossTenantErrorCode, message: string, options: CrossTenantErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.tenantId = options.tenantId;
    this.checklistItem = options.checklistItem;
    this.status = options.status;
  }

  /** A plain object safe to log or return: identifiers and the message, never the cause. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      tenantId: this.tenantId,
      checklistItem: this.checklistItem,
      status: this.status,
    };
  }
}

/** One problem found while validating configuration. */
export interface ConfigurationIssue {
  /** Dotted path of the field, such as `binding.endpoint` or `deployments.2`. */
  readonly path: string;
  /** What is wrong with the value, and what it should be. */
  readonly message: string;
}

/**
 * Configuration given to crosstenant is invalid. `issues` lists every problem by field path;
 * nothing of the configuration was applied.
 *
 * @example
 * ```ts
 * import { ConfigurationError, createTenantBinding } from "@crosstenant/core";
 * try {
 *   createTenantBinding({ tenantId: "contoso", endpoint: "https://contoso.openai.azure.com", deployments: [] });
 * } catch (error) {
 *   if (error instanceof ConfigurationError) for (const issue of error.issues) console.error(issue.path, issue.message);
 * }
 * ```
 */
export class ConfigurationError extends CrossTenantError {
  override name = "ConfigurationError";
  readonly issues: readonly ConfigurationIssue[];

  constructor(
    message: string,
    options: CrossTenantErrorOptions & {
      readonly code?: "CONFIGURATION_INVALID" | "DEPLOYMENT_NOT_ALLOWED" | "CLOUD_MISMATCH";
      readonly issues?: readonly ConfigurationIssue[];
    } = {},
  ) {
    super(options.code ?? "CONFIGURATION_INVALID", message, options);
    this.issues = options.issues ?? [];
  }

  /** Builds the error from a zod failure, naming what was being validated. */
  static fromZod(subject: string, error: z.ZodError, options: CrossTenantErrorOptions = {}) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map(String).join(".") || "(root)",
      message: issue.message,
    }));
    const listed = issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join("\n");
    return new ConfigurationError(
      `Invalid ${subject}: ${issues.length} problem${issues.length === 1 ? "" : "s"}; nothing was applied.\n${listed}`,
      { ...options, issues },
    );
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** Codes of {@link EndpointValidationError}. */
export type EndpointValidationCode = Extract<CrossTenantErrorCode, `ENDPOINT_${string}`>;

/**
 * An endpoint URL is not exactly an Azure OpenAI resource of the expected cloud. The message
 * shows the endpoint to use instead where one can be derived.
 *
 * @example
 * ```ts
 * import { EndpointValidationError, parseEndpoint } from "@crosstenant/core";
 * try {
 *   parseEndpoint("https://eastus.api.cognitive.microsoft.com");
 * } catch (error) {
 *   if (error instanceof EndpointValidationError) console.error(error.code, error.suggestion);
 * }
 * ```
 */
export class EndpointValidationError extends CrossTenantError {
  override name = "EndpointValidationError";
  declare readonly code: EndpointValidationCode;
  /** The endpoint to use instead, when it can be derived from the input. */
  readonly suggestion: string | undefined;

  constructor(
    code: EndpointValidationCode,
    message: string,
    options: CrossTenantErrorOptions & { readonly suggestion?: string } = {},
  ) {
    super(code, message, { checklistItem: "custom-subdomain", ...options });
    this.suggestion = options.suggestion;
  }
}

/** Codes of {@link TokenAcquisitionError}. */
export type TokenAcquisitionCode = (typeof tokenAcquisitionCodes)[number];

/**
 * The customer's tenant did not issue a usable token to the platform app. `aadstsCode` is
 * Entra ID's numeric error code when the service returned one.
 *
 * @example
 * ```ts
 * import { TokenAcquisitionError } from "@crosstenant/core";
 * try {
 *   await app.getToken(tenantId);
 * } catch (error) {
 *   if (error instanceof TokenAcquisitionError && error.code === "CONSENT_MISSING") {
 *     console.error(`ask the admin of ${error.tenantId} to consent: ${error.message}`);
 *   }
 * }
 * ```
 */
export class TokenAcquisitionError extends CrossTenantError {
  override name = "TokenAcquisitionError";
  declare readonly code: TokenAcquisitionCode;
  readonly aadstsCode: number | undefined;

  constructor(
    code: TokenAcquisitionCode,
    message: string,
    options: CrossTenantErrorOptions & { readonly aadstsCode?: number } = {},
  ) {
    super(code, message, options);
    this.aadstsCode = options.aadstsCode;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), aadstsCode: this.aadstsCode };
  }
}

/** Codes of {@link ResourceAccessError}. */
export type ResourceAccessCode = (typeof resourceAccessCodes)[number];

/** The customer's Azure OpenAI resource refused the call. *
 * @example
 * ```ts
 * import { ResourceAccessError } from "@crosstenant/core";
 * try {
 *   await model.invoke("hello");
 * } catch (error) {
 *   if (error instanceof ResourceAccessError) console.error(error.code, error.checklistItem);
 * }
 * ```
 */
export class ResourceAccessError extends CrossTenantError {
  override name = "ResourceAccessError";
  declare readonly code: ResourceAccessCode;
}

/** The resource throttled the call. `retryAfterMs` is the delay it asked for, when it gave one. *
 * @example
 * ```ts
 * import { RateLimitError } from "@crosstenant/core";
 * try {
 *   await model.invoke("hello");
 * } catch (error) {
 *   if (error instanceof RateLimitError) await new Promise((r) => setTimeout(r, error.retryAfterMs ?? 1000));
 * }
 * ```
 */
export class RateLimitError extends CrossTenantError {
  override name = "RateLimitError";
  declare readonly code: "RATE_LIMITED";
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: CrossTenantErrorOptions & { readonly retryAfterMs?: number } = {},
  ) {
    super("RATE_LIMITED", message, options);
    this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** The prompt (or the completion) was blocked by the resource's content filter. *
 * @example
 * ```ts
 * import { ContentFilterError } from "@crosstenant/core";
 * const filtered = (error: unknown) => error instanceof ContentFilterError;
 * ```
 */
export class ContentFilterError extends CrossTenantError {
  override name = "ContentFilterError";
  declare readonly code: "CONTENT_FILTERED";

  constructor(message: string, options: CrossTenantErrorOptions = {}) {
    super("CONTENT_FILTERED", message, options);
  }
}

/** An operation stopped early: the caller aborted it, it ran past its timeout, or the app was closed. *
 * @example
 * ```ts
 * import { OperationCancelledError } from "@crosstenant/core";
 * const controller = new AbortController();
 * const pending = app.getToken(tenantId, { abortSignal: controller.signal });
 * controller.abort();
 * await pending.catch((error) => error instanceof OperationCancelledError); // true, code "ABORTED"
 * ```
 */
export class OperationCancelledError extends CrossTenantError {
  override name = "OperationCancelledError";
  declare readonly code: "ABORTED" | "TIMEOUT" | "CLOSED";

  constructor(
    code: "ABORTED" | "TIMEOUT" | "CLOSED",
    message: string,
    options: CrossTenantErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
