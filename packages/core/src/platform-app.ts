import { isTokenCredential } from "@azure/core-auth";
import type { CloudDefinition } from "./cloud.js";
import { diagnose } from "./diagnose.js";
import { ConfigurationError, CrossTenantError, TokenAcquisitionError } from "./errors.js";
import {
  guidSchema,
  type PlatformAppOptions,
  parsePlatformAppOptions,
} from "./platform-app-options.js";
import { createTenantTokenRequester } from "./platform-credential.js";
import { createTokenEventSink } from "./token-events.js";
import { type TenantAccessToken, TokenSource } from "./token-source.js";

/** Options of {@link PlatformApp.tokenProvider}. */
export interface TokenProviderOptions {
  /** Scope to ask for; defaults to the cloud's Azure OpenAI scope. Must end with `/.default`. */
  readonly scope?: string;
}

/** Options of {@link PlatformApp.getToken}. */
export interface GetTenantTokenOptions extends TokenProviderOptions {
  /** Stops waiting; a request shared with other callers goes on for them. */
  readonly abortSignal?: AbortSignal;
}

/** Options of {@link PlatformApp.invalidate}. */
export type InvalidateTokenOptions = TokenProviderOptions;

/**
 * The platform's multi-tenant app registration, able to get a token from any customer tenant
 * that consented to it. One per process: it holds the per-tenant token cache.
 *
 * @example
 * ```ts
 * import { AzureChatOpenAI } from "@langchain/openai";
 * const model = new AzureChatOpenAI({
 *   azureOpenAIEndpoint: binding.endpoint,
 *   azureOpenAIApiDeploymentName: "gpt-4o",
 *   azureOpenAIApiVersion: "2024-10-21",
 *   azureADTokenProvider: app.tokenProvider(binding.tenantId),
 * });
 * // The resource rejected the token (401): drop it so the next call gets a fresh one.
 * app.invalidate(binding.tenantId);
 * await app.close(); // at shutdown
 * ```
 */
export interface PlatformApp {
  readonly clientId: string;
  readonly homeTenantId: string;
  readonly cloud: CloudDefinition;
  /**
   * A function returning a token of `tenantId`, usable as LangChain's `azureADTokenProvider`.
   * Validates the tenant id and scope now; each call is a cache hit while a token is held.
   */
  tokenProvider(tenantId: string, options?: TokenProviderOptions): () => Promise<string>;
  /** The token of `tenantId` for the scope, from the cache or fetched from that tenant. */
  getToken(tenantId: string, options?: GetTenantTokenOptions): Promise<TenantAccessToken>;
  /** Drops a token a resource rejected; the next call fetches a fresh one. */
  invalidate(tenantId: string, options?: InvalidateTokenOptions): void;
  /** Stops timers and requests; afterwards calls throw `OperationCancelledError` `CLOSED`. */
  close(): Promise<void>;
}

/**
 * Creates the platform app from validated options. Nothing is requested until a token is.
 *
 * @throws {ConfigurationError} listing every invalid option by field path.
 * @example
 * ```ts
 * import { createPlatformApp } from "@crosstenant/core";
 * const app = createPlatformApp({
 *   clientId: "00000000-0000-0000-0000-00000000a11c",
 *   homeTenantId: "00000000-0000-0000-0000-0000000000a1",
 *   credential: { kind: "certificate", certificatePath: "/etc/platform/app.pem" },
 * });
 * const azureADTokenProvider = app.tokenProvider("72f988bf-86f1-41af-91ab-2d7cd011db47");
 * ```
 */
export function createPlatformApp(options: PlatformAppOptions): PlatformApp {
  const resolved = parsePlatformAppOptions(options);
  const { clientId, homeTenantId, cloud } = resolved;

  const source = new TokenSource({
    requestToken: createTenantTokenRequester(resolved),
    cache: resolved.cache,
    tokenRequestTimeoutInMs: resolved.tokenRequestTimeoutInMs,
    allowOpaqueTokens: resolved.allowOpaqueTokens,
    emit: createTokenEventSink(resolved.onEvent),
    explainError: (error, tenantId) =>
      explainTokenError(error, tenantId, clientId, cloud, isTokenCredential(resolved.credential)),
  });

  const target = (tenantId: string, scope: string | undefined) => {
    const parsedTenant = guidSchema.safeParse(tenantId);
    if (!parsedTenant.success) {
      throw new ConfigurationError(
        `The tenant id "${String(tenantId)}" is not a GUID; no token was requested. Use the customer's directory (tenant) id, a GUID shown in the Entra admin center, not a domain name.`,
        { checklistItem: "tenant", issues: [{ path: "tenantId", message: "must be a GUID" }] },
      );
    }
    const resolvedScope = scope ?? cloud.cognitiveServicesScope;
    if (!/^\S+\/\.default$/.test(resolvedScope)) {
      throw new ConfigurationError(
        `The scope "${resolvedScope}" cannot be used: the platform app gets app-only tokens, whose scope is a resource followed by /.default, such as ${cloud.cognitiveServicesScope}.`,
        { issues: [{ path: "scope", message: "must end with /.default" }] },
      );
    }
    const normalizedTenant = parsedTenant.data;
    return {
      tenantId: normalizedTenant,
      scope: resolvedScope,
      key: `${normalizedTenant} ${resolvedScope}`,
    };
  };

  return Object.freeze({
    clientId,
    homeTenantId,
    cloud,
    tokenProvider(tenantId: string, providerOptions: TokenProviderOptions = {}) {
      const { key, tenantId: normalized, scope } = target(tenantId, providerOptions.scope);
      return source.provider(key, normalized, scope);
    },
    async getToken(tenantId: string, getOptions: GetTenantTokenOptions = {}) {
      const { key, tenantId: normalized, scope } = target(tenantId, getOptions.scope);
      return source.token(key, normalized, scope, getOptions.abortSignal);
    },
    invalidate(tenantId: string, invalidateOptions: InvalidateTokenOptions = {}) {
      source.invalidate(target(tenantId, invalidateOptions.scope).key);
    },
    close: () => source.close(),
  });
}

// diagnose() recognizes Entra ID's AADSTS codes and MSAL's own failures; what it does not
// recognize becomes TOKEN_REQUEST_FAILED, with the original error kept as cause.
function explainTokenError(
  error: unknown,
  tenantId: string,
  clientId: string,
  cloud: CloudDefinition,
  customCredential: boolean,
): CrossTenantError {
  const diagnosed = diagnose(error, { tenantId, clientId, cloud });
  if (diagnosed instanceof CrossTenantError) return diagnosed;

  const reason = error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : "unknown";
  const what = customCredential ? "The custom credential" : `The platform app ${clientId}`;
  return new TokenAcquisitionError(
    "TOKEN_REQUEST_FAILED",
    `${what} could not get a token from tenant ${tenantId} on ${cloud.authorityHost} (${reason}). Check that the tenant consented to the app and that the platform credential is valid.`,
    { cause: error, tenantId },
  );
}

function firstLine(message: string) {
  const line = message.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
