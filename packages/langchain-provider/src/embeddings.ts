import type { PlatformApp, TenantBinding } from "@crosstenant/core";
import type { EmbeddingsParams } from "@langchain/core/embeddings";
import { AzureOpenAIEmbeddings, type OpenAIClient } from "@langchain/openai";
import { callSignal, raceAbort } from "./deadline.js";
import type { RetryOptions } from "./retry-policy.js";
import { type ApiSurface, createTenantClient, type TenantClient } from "./tenant-client.js";
import { type TenantErrorContext, toTenantError } from "./tenant-errors.js";
import { assertModelAllowed } from "./tenant-guards.js";

/** Options of a tenant's embeddings, besides which tenant and deployment they are for. */
export interface TenantEmbeddingsOptions extends RetryOptions {
  /** Which Azure OpenAI API to call; see {@link ApiSurface}. Default `"deployments"`. */
  readonly apiSurface?: ApiSurface;
  /** Inputs per request. Default 16; Azure accepts up to 2,048 per request. */
  readonly batchSize?: number;
  /** Output dimensions, for models that support shortening (text-embedding-3-*). */
  readonly dimensions?: number;
  /** Replace newlines by spaces before embedding. Default true, as in LangChain. */
  readonly stripNewLines?: boolean;
  /** Deadline of one request, retries included, in milliseconds. */
  readonly timeout?: number;
  /** Most requests in flight at once for one `embedDocuments` call. Default 2. */
  readonly maxConcurrency?: EmbeddingsParams["maxConcurrency"];
  /** The platform's public egress IPs: a firewall failure's message names them as the ones to allow. */
  readonly egressIps?: readonly string[];
}

/** Options of {@link createEmbeddings}. */
export interface EmbeddingsOptions extends TenantEmbeddingsOptions {
  readonly app: PlatformApp;
  readonly binding: TenantBinding;
  /** One of `binding.deployments`; it is also the `model` sent in request bodies. */
  readonly deployment: string;
}

/**
 * LangChain embeddings for one customer tenant and one of its deployments: an
 * `AzureOpenAIEmbeddings` whose endpoint, api version, deployment and credential come only from
 * the binding and the platform app. Made by {@link createEmbeddings}.
 *
 * @example
 * ```ts
 * const embeddings = createEmbeddings({ app, binding, deployment: "text-embedding-3-small" });
 * const vector = await embeddings.embedQuery("invoice overdue");
 * ```
 */
export class TenantEmbeddings extends AzureOpenAIEmbeddings {
  /** The customer tenant these embeddings call. */
  readonly tenantId: string;
  /** The deployment these embeddings call. */
  readonly deployment: string;
  readonly #tenant: TenantClient;
  readonly #context: TenantErrorContext;

  constructor(options: EmbeddingsOptions) {
    const { app, binding, deployment } = options;
    assertModelAllowed(app, binding, deployment);
    const tenant = createTenantClient({ ...options, timeoutInMs: options.timeout });

    // AzureOpenAIEmbeddings has no endpoint field (only an instance name or base path) and
    // defaults the body's model to text-embedding-ada-002; both are replaced below.
    super({
      model: deployment,
      azureOpenAIApiDeploymentName: deployment,
      azureOpenAIApiVersion: binding.apiVersion,
      azureOpenAIBasePath: `${binding.endpoint.url}/openai/deployments`,
      azureADTokenProvider: tenant.getToken,
      configuration: { baseURL: tenant.baseURL },
      batchSize: options.batchSize ?? 16,
      stripNewLines: options.stripNewLines ?? true,
      maxConcurrency: options.maxConcurrency ?? 2,
      maxRetries: 0,
      ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    });
    this.tenantId = binding.tenantId;
    this.deployment = deployment;
    this.#tenant = tenant;
    this.#context = { binding, deployment, clientId: app.clientId, egressIps: options.egressIps };

    // Overwrite everything the constructors may have read from AZURE_OPENAI_* / OPENAI_*.
    this.apiKey = undefined;
    this.organization = undefined;
    this.azureOpenAIApiKey = undefined;
    this.azureOpenAIApiInstanceName = undefined;
    this.azureOpenAIBasePath = `${binding.endpoint.url}/openai/deployments`;
    this.azureOpenAIApiVersion = binding.apiVersion;
    this.azureOpenAIApiDeploymentName = deployment;
    this.model = deployment;
    this.modelName = deployment;
    this.clientConfig = { baseURL: tenant.baseURL };
    this.client = tenant.client as OpenAIClient;
  }

  protected override async embeddingWithRetry(request: OpenAIClient.EmbeddingCreateParams) {
    // The deadline covers the token wait too, which the openai client cannot cancel.
    const signal = callSignal(undefined, this.timeout);
    try {
      return await raceAbort(
        this.caller.call(() =>
          this.#tenant.client.embeddings.create(request, signal ? { signal } : undefined),
        ),
        signal,
      );
    } catch (error) {
      throw toTenantError(error, this.#context, signal);
    }
  }
}

/**
 * Returns LangChain embeddings for one tenant binding and one of its allowed deployments,
 * authenticated with the platform app's token for that tenant, hermetic to the environment like
 * {@link createChatModel}.
 *
 * @throws {ConfigurationError} `CLOUD_MISMATCH` or `DEPLOYMENT_NOT_ALLOWED`, before any token is requested.
 * @example
 * ```ts
 * import { createEmbeddings } from "@crosstenant/langchain";
 * const embeddings = createEmbeddings({ app, binding, deployment: "text-embedding-3-small" });
 * const vectors = await embeddings.embedDocuments(["first", "second"]);
 * ```
 */
export function createEmbeddings(options: EmbeddingsOptions): TenantEmbeddings {
  return new TenantEmbeddings(options);
}
