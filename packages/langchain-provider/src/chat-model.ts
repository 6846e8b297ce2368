import { ConfigurationError, type PlatformApp, type TenantBinding } from "@crosstenant/core";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { LangSmithParams } from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import { IterableReadableStream } from "@langchain/core/utils/stream";
import {
  AzureChatOpenAI,
  AzureChatOpenAICompletions,
  type AzureChatOpenAIFields,
  type ChatOpenAICallOptions,
  type OpenAIClient,
} from "@langchain/openai";
import type { RetryOptions } from "./retry-policy.js";
import { type ApiSurface, createTenantClient, type TenantClient } from "./tenant-client.js";
import { type TenantErrorContext, toTenantError } from "./tenant-errors.js";
import { assertModelAllowed } from "./tenant-guards.js";

/** LangChain chat options that pass through unchanged to the model. */
export type TenantChatPassThroughOptions = Pick<
  AzureChatOpenAIFields,
  | "temperature"
  | "maxTokens"
  | "maxCompletionTokens"
  | "topP"
  | "frequencyPenalty"
  | "presencePenalty"
  | "n"
  | "logitBias"
  | "stop"
  | "stopSequences"
  | "user"
  | "timeout"
  | "streaming"
  | "streamUsage"
  | "disableStreaming"
  | "callbacks"
  | "tags"
  | "metadata"
  | "verbose"
  | "modelKwargs"
  | "logprobs"
  | "topLogprobs"
  | "reasoning"
  | "supportsStrictToolCalling"
  | "maxConcurrency"
  | "cache"
  | "verbosity"
  | "promptCacheKey"
>;

/** Options of a tenant's chat model, besides which tenant and deployment it is for. */
export interface TenantChatOptions extends TenantChatPassThroughOptions, RetryOptions {
  /** Which Azure OpenAI API to call; see {@link ApiSurface}. Default `"deployments"`. */
  readonly apiSurface?: ApiSurface;
  /**
   * Add `crosstenant_tenant_id` and `crosstenant_deployment` to the run metadata LangSmith and
   * callbacks receive (`ls_provider` is `"azure"` either way). Default true.
   */
  readonly tracingMetadata?: boolean;
  /** The platform's public egress IPs: a firewall failure's message names them as the ones to allow. */
  readonly egressIps?: readonly string[];
}

/** Options of {@link createChatModel}. */
export interface ChatModelOptions extends TenantChatOptions {
  /** The platform app whose per-tenant tokens the model sends. */
  readonly app: PlatformApp;
  /** The customer's binding, from `createTenantBinding`. */
  readonly binding: TenantBinding;
  /** One of `binding.deployments`; it is also the `model` sent in request bodies. */
  readonly deployment: string;
}

interface ChatSetup {
  readonly options: ChatModelOptions;
  readonly tenant: TenantClient;
  readonly fields: AzureChatOpenAIFields;
  readonly errorContext: TenantErrorContext;
}

// withConfig copies share their original's client, so binding tools costs no new transport.
const setups = new WeakMap<ChatModelOptions, ChatSetup>();

const passThroughKeys = [
  "temperature",
  "maxTokens",
  "maxCompletionTokens",
  "topP",
  "frequencyPenalty",
  "presencePenalty",
  "n",
  "logitBias",
  "stop",
  "stopSequences",
  "user",
  "timeout",
  "streaming",
  "streamUsage",
  "disableStreaming",
  "callbacks",
  "tags",
  "metadata",
  "verbose",
  "modelKwargs",
  "logprobs",
  "topLogprobs",
  "reasoning",
  "supportsStrictToolCalling",
  "maxConcurrency",
  "cache",
  "verbosity",
  "promptCacheKey",
] as const satisfies readonly (keyof TenantChatPassThroughOptions)[];

function chatSetup(options: ChatModelOptions): ChatSetup {
  const existing = setups.get(options);
  if (existing) return existing;

  const { app, binding, deployment } = options;
  assertModelAllowed(app, binding, deployment);
  if ((options as { useResponsesApi?: unknown }).useResponsesApi) throw responsesRefusal(binding);

  const tenant = createTenantClient({
    app,
    binding,
    deployment,
    ...(options.apiSurface === undefined ? {} : { apiSurface: options.apiSurface }),
    ...(options.timeout === undefined ? {} : { timeoutInMs: options.timeout }),
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    ...(options.initialRetryDelayInMs === undefined
      ? {}
      : { initialRetryDelayInMs: options.initialRetryDelayInMs }),
    ...(options.maxRetryDelayInMs === undefined
      ? {}
      : { maxRetryDelayInMs: options.maxRetryDelayInMs }),
  });
  const passThrough: Record<string, unknown> = {};
  for (const key of passThroughKeys)
    if (options[key] !== undefined) passThrough[key] = options[key];

  // Every field LangChain would otherwise default from the environment is given explicitly.
  const fields: AzureChatOpenAIFields = {
    ...(passThrough as TenantChatPassThroughOptions),
    model: deployment,
    azureOpenAIApiDeploymentName: deployment,
    azureOpenAIEndpoint: binding.endpoint.url,
    azureOpenAIApiVersion: binding.apiVersion,
    azureADTokenProvider: tenant.getToken,
    configuration: { baseURL: tenant.baseURL },
    useResponsesApi: false,
    // Retries happen once, in the tenant fetch; LangChain's own retry loop is off.
    maxRetries: 0,
  };
  const setup: ChatSetup = {
    options,
    tenant,
    fields,
    errorContext: {
      binding,
      deployment,
      clientId: app.clientId,
      ...(options.egressIps === undefined ? {} : { egressIps: options.egressIps }),
    },
  };
  setups.set(options, setup);
  return setup;
}

function responsesRefusal(binding: TenantBinding) {
  return new ConfigurationError(
    `A tenant chat model only calls Chat Completions; the request asked for the Responses API (built-in tools, previous_response_id, text, truncation, include or a reasoning summary). Remove those options for tenant ${binding.tenantId}.`,
    {
      tenantId: binding.tenantId,
      issues: [{ path: "options", message: "Responses API features are not supported" }],
    },
  );
}

interface HermeticTarget {
  apiKey?: unknown;
  organization?: string | undefined;
  azureOpenAIApiKey?: string | undefined;
  azureOpenAIApiInstanceName?: string | undefined;
  azureOpenAIBasePath?: string | undefined;
  azureOpenAIEndpoint?: string | undefined;
  azureOpenAIApiVersion?: string | undefined;
  azureOpenAIApiDeploymentName?: string | undefined;
  model: string;
  clientConfig: unknown;
  client: OpenAIClient;
}

/**
 * Overwrites every field the LangChain constructors may have read from `AZURE_OPENAI_*` or
 * `OPENAI_*`, so nothing ambient survives construction, and installs the tenant's client.
 */
function makeHermetic(target: HermeticTarget, setup: ChatSetup) {
  target.apiKey = undefined;
  target.organization = undefined;
  target.azureOpenAIApiKey = undefined;
  target.azureOpenAIApiInstanceName = undefined;
  target.azureOpenAIBasePath = undefined;
  target.azureOpenAIEndpoint = setup.options.binding.endpoint.url;
  target.azureOpenAIApiVersion = setup.options.binding.apiVersion;
  target.azureOpenAIApiDeploymentName = setup.options.deployment;
  target.model = setup.options.deployment;
  target.clientConfig = { baseURL: setup.tenant.baseURL };
  target.client = setup.tenant.client;
}

async function* translated<T>(source: AsyncIterable<T>, context: TenantErrorContext) {
  try {
    yield* source;
  } catch (error) {
    throw toTenantError(error, context);
  }
}

/** The Chat Completions half of a tenant model: the one that talks to the endpoint. */
class TenantChatCompletions extends AzureChatOpenAICompletions {
  readonly #context: TenantErrorContext;

  constructor(setup: ChatSetup) {
    super(setup.fields);
    makeHermetic(this as unknown as HermeticTarget, setup);
    this.#context = setup.errorContext;
  }

  /** Request options are exactly the call's: never the ambient client config. */
  override _getClientOptions(
    options: Parameters<AzureChatOpenAICompletions["_getClientOptions"]>[0],
  ) {
    return { ...options };
  }

  override completionWithRetry(
    request: OpenAIClient.Chat.ChatCompletionCreateParamsStreaming,
    requestOptions?: OpenAIClient.RequestOptions,
  ): Promise<AsyncIterable<OpenAIClient.Chat.Completions.ChatCompletionChunk>>;
  override completionWithRetry(
    request: OpenAIClient.Chat.ChatCompletionCreateParamsNonStreaming,
    requestOptions?: OpenAIClient.RequestOptions,
  ): Promise<OpenAIClient.Chat.Completions.ChatCompletion>;
  override async completionWithRetry(
    request: OpenAIClient.Chat.ChatCompletionCreateParams,
    requestOptions?: OpenAIClient.RequestOptions,
  ): Promise<
    | AsyncIterable<OpenAIClient.Chat.Completions.ChatCompletionChunk>
    | OpenAIClient.Chat.Completions.ChatCompletion
  > {
    // LangChain's per-call maxRetries would retry on top of the tenant fetch; it is forced to 0.
    const options = { ...requestOptions, maxRetries: 0 };
    try {
      if (request.stream) {
        const stream = await super.completionWithRetry(request, options);
        return translated(stream, this.#context);
      }
      return await super.completionWithRetry(request, options);
    } catch (error) {
      throw toTenantError(error, this.#context);
    }
  }
}

const responsesOnlyOptions = ["previous_response_id", "text", "truncation", "include"] as const;

/**
 * A LangChain chat model for one customer tenant and one of its deployments: an
 * `AzureChatOpenAI` whose endpoint, api version, deployment and credential come only from the
 * binding and the platform app. Made by {@link createChatModel}.
 *
 * @example
 * ```ts
 * const model = createChatModel({ app, binding, deployment: "gpt-4o" });
 * model instanceof AzureChatOpenAI; // true
 * ```
 */
export class TenantChatModel extends AzureChatOpenAI {
  /** The customer tenant this model calls. */
  readonly tenantId: string;
  /** The deployment this model calls. */
  readonly deployment: string;
  readonly #setup: ChatSetup;

  constructor(options: ChatModelOptions) {
    const setup = chatSetup(options);
    super(setup.fields);
    this.tenantId = options.binding.tenantId;
    this.deployment = options.deployment;
    this.#setup = setup;
    makeHermetic(this as unknown as HermeticTarget, setup);
    this.completions = new TenantChatCompletions(setup);
  }

  /** Chat Completions only: a Responses-only feature is refused, never silently rerouted. */
  protected override _useResponsesApi(options: this["ParsedCallOptions"] | undefined): boolean {
    const record = (options ?? {}) as Record<string, unknown>;
    const tools = Array.isArray(record.tools) ? (record.tools as unknown[]) : [];
    const builtInTool = tools.some(
      (tool) =>
        tool !== null &&
        typeof tool === "object" &&
        typeof (tool as { type?: unknown }).type === "string" &&
        (tool as { type: string }).type !== "function",
    );
    const reasoningSummary =
      (record.reasoning as { summary?: unknown } | undefined)?.summary != null ||
      this.reasoning?.summary != null;
    if (
      builtInTool ||
      reasoningSummary ||
      responsesOnlyOptions.some((key) => record[key] != null)
    ) {
      throw responsesRefusal(this.#setup.options.binding);
    }
    return false;
  }

  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    const params: LangSmithParams & Record<string, unknown> = {
      ...super.getLsParams(options),
      ls_provider: "azure",
    };
    if (this.#setup.options.tracingMetadata !== false) {
      params.crosstenant_tenant_id = this.tenantId;
      params.crosstenant_deployment = this.deployment;
    }
    return params;
  }

  /** A copy of this tenant model with call options bound (tools, response format, …). */
  override withConfig(
    config: Partial<ChatOpenAICallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ChatOpenAICallOptions> {
    const copy = new TenantChatModel(this.#setup.options);
    copy.defaultOptions = { ...this.defaultOptions, ...config };
    return copy;
  }

  override async invoke(
    input: BaseLanguageModelInput,
    options?: ChatOpenAICallOptions,
  ): Promise<AIMessageChunk> {
    try {
      return await super.invoke(input, options);
    } catch (error) {
      throw toTenantError(error, this.#setup.errorContext);
    }
  }

  override async stream(input: BaseLanguageModelInput, options?: ChatOpenAICallOptions) {
    let stream: IterableReadableStream<AIMessageChunk>;
    try {
      stream = await super.stream(input, options);
    } catch (error) {
      throw toTenantError(error, this.#setup.errorContext);
    }
    return IterableReadableStream.fromAsyncGenerator(translated(stream, this.#setup.errorContext));
  }
}

/**
 * Returns a LangChain chat model for one tenant binding and one of its allowed deployments,
 * authenticated with the platform app's token for that tenant. Nothing in the environment
 * (`AZURE_OPENAI_*`, `OPENAI_*`) can change its endpoint, key, api version or deployment.
 * Failures reach the caller as the core's typed errors, naming the tenant and the checklist step.
 *
 * @throws {ConfigurationError} `CLOUD_MISMATCH` if the binding is of another cloud than the app,
 *   `DEPLOYMENT_NOT_ALLOWED` if the deployment is not in the binding; both before any token is requested.
 * @example
 * ```ts
 * import { createPlatformApp, createTenantBinding } from "@crosstenant/core";
 * import { createChatModel } from "@crosstenant/langchain";
 *
 * const model = createChatModel({ app, binding, deployment: "gpt-4o", temperature: 0 });
 * const reply = await model.invoke("Summarize this ticket in one line.");
 * ```
 */
export function createChatModel(options: ChatModelOptions): TenantChatModel {
  return new TenantChatModel(options);
}
