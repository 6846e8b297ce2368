import { createCloudFetch, type PlatformApp, type TenantBinding } from "@crosstenant/core";
import { type ClientOptions, getHeadersWithUserAgent, OpenAIClient } from "@langchain/openai";
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from "./retry-policy.js";
import { createTenantFetch } from "./tenant-fetch.js";

/**
 * Which Azure OpenAI data-plane API a tenant's model calls:
 * - `"deployments"` (default): `{endpoint}/openai/deployments/{deployment}/…?api-version={binding.apiVersion}`;
 * - `"v1"`: the GA v1 API, `{endpoint}/openai/v1/…`, no api-version, `model` = the deployment.
 */
export type ApiSurface = "deployments" | "v1";

/** What every tenant model (chat or embeddings) is built from. */
export interface TenantClientOptions extends RetryOptions {
  readonly app: PlatformApp;
  readonly binding: TenantBinding;
  readonly deployment: string;
  readonly apiSurface?: ApiSurface;
  /** The caller's deadline for one call, retries included. */
  readonly timeoutInMs?: number;
}

/** The openai client of one (tenant, deployment), with its token function and base URL. */
export interface TenantClient {
  readonly client: OpenAIClient;
  readonly baseURL: string;
  /** `app.tokenProvider(tenantId)`: what LangChain is given as `azureADTokenProvider`. */
  readonly getToken: () => Promise<string>;
  readonly retry: ResolvedRetryOptions;
}

/** Base URL of a deployment on a surface; the endpoint is an origin without a trailing slash. */
export function tenantBaseURL(binding: TenantBinding, deployment: string, surface: ApiSurface) {
  return surface === "v1"
    ? `${binding.endpoint.url}/openai/v1`
    : `${binding.endpoint.url}/openai/deployments/${encodeURIComponent(deployment)}`;
}

/**
 * The openai client, with every option that the SDK would otherwise default from the
 * environment given explicitly. `OPENAI_CUSTOM_HEADERS` is merged into the default headers
 * unconditionally by the base constructor, so the headers are put back to exactly ours.
 */
class TenantOpenAIClient extends OpenAIClient {
  constructor(options: ClientOptions, defaultHeaders: Record<string, string>) {
    super(options);
    this._options = { ...this._options, defaultHeaders };
  }
}

/**
 * What the openai client believes its key is. The client keeps the last key it resolved in a
 * field, where anything walking the model (JSON.stringify, util.inspect) would find it; so it is
 * only ever given this placeholder, and the tenant fetch puts the real token on each request.
 */
const clientKeyPlaceholder = "tenant-token-set-per-request";

/**
 * Builds the hermetic openai client of one (tenant, deployment): base URL from the binding, its
 * api version (deployments surface), the cloud's transport wrapped by the tenant fetch (boundary,
 * the tenant's token on every attempt, retries), and zero SDK retries.
 */
export function createTenantClient(options: TenantClientOptions): TenantClient {
  const { app, binding, deployment } = options;
  const surface = options.apiSurface ?? "deployments";
  const baseURL = tenantBaseURL(binding, deployment, surface);
  const getToken = app.tokenProvider(binding.tenantId);
  const retry = resolveRetryOptions(options);

  const fetch = createTenantFetch({
    tenantId: binding.tenantId,
    endpointUrl: binding.endpoint.url,
    // Abortable, unlike a token provider: the caller's signal and deadline cover the token wait.
    getToken: async (abortSignal) =>
      (await app.getToken(binding.tenantId, abortSignal ? { abortSignal } : {})).token,
    invalidateToken: () => app.invalidate(binding.tenantId),
    fetch: createCloudFetch(binding.cloud),
    retry,
    timeoutInMs: options.timeoutInMs,
  });
  const client = new TenantOpenAIClient(
    {
      apiKey: clientKeyPlaceholder,
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      baseURL,
      ...(surface === "deployments" ? { defaultQuery: { "api-version": binding.apiVersion } } : {}),
      fetch,
      maxRetries: 0,
      logLevel: "off",
      timeout: options.timeoutInMs,
    },
    getHeadersWithUserAgent({}, true, "2.0.0") as Record<string, string>,
  );
  return { client, baseURL, getToken, retry };
}
