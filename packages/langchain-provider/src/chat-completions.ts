import { ConfigurationError, type TenantBinding } from "@crosstenant/core";
import {
  AzureChatOpenAICompletions,
  type AzureChatOpenAIFields,
  type OpenAIClient,
  type OpenAICoreRequestOptions,
} from "@langchain/openai";
import {
  type ChatModelOptions,
  passThroughKeys,
  type TenantChatPassThroughOptions,
} from "./chat-options.js";
import { raceAbort } from "./deadline.js";
import { createTenantClient, type TenantClient } from "./tenant-client.js";
import { type TenantErrorContext, toTenantError } from "./tenant-errors.js";
import { assertModelAllowed } from "./tenant-guards.js";

/** Everything one tenant chat model is built from, shared by its `withConfig` copies. */
export interface ChatSetup {
  readonly options: ChatModelOptions;
  readonly tenant: TenantClient;
  readonly fields: AzureChatOpenAIFields;
  readonly errorContext: TenantErrorContext;
}

// withConfig copies share their original's client, so binding tools costs no new transport.
const setups = new WeakMap<ChatModelOptions, ChatSetup>();

/** Validates the options once and builds the tenant's client and LangChain fields. */
export function chatSetup(options: ChatModelOptions): ChatSetup {
  const existing = setups.get(options);
  if (existing) return existing;

  const { app, binding, deployment } = options;
  assertModelAllowed(app, binding, deployment);
  if ((options as { useResponsesApi?: unknown }).useResponsesApi) throw responsesRefusal(binding);

  const tenant = createTenantClient({ ...options, timeoutInMs: options.timeout });
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
    errorContext: { binding, deployment, clientId: app.clientId, egressIps: options.egressIps },
  };
  setups.set(options, setup);
  return setup;
}

/** The refusal of a Responses-only feature: a tenant model never switches API silently. */
export function responsesRefusal(binding: TenantBinding) {
  return new ConfigurationError(
    `A tenant chat model only calls Chat Completions; the request asked for the Responses API (built-in tools, previous_response_id, text, truncation, include or a reasoning summary). Remove those options for tenant ${binding.tenantId}.`,
    {
      tenantId: binding.tenantId,
      issues: [{ path: "options", message: "Responses API features are not supported" }],
    },
  );
}

export interface HermeticTarget {
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
export function makeHermetic(target: HermeticTarget, setup: ChatSetup) {
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

/**
 * Re-raises what a stream throws while being read as the core's typed error, and, given the
 * call's signal, stops waiting for the next chunk as soon as it fires.
 */
export async function* translated<T>(
  source: AsyncIterable<T>,
  context: TenantErrorContext,
  signal?: AbortSignal,
) {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } catch (error) {
    finished = true;
    throw toTenantError(error, context, signal);
  } finally {
    // Stopped early (the reader broke off, or the signal fired): release the source.
    if (!finished) iterator.return?.()?.catch(() => {});
  }
}

export class TenantChatCompletions extends AzureChatOpenAICompletions {
  readonly #context: TenantErrorContext;

  constructor(setup: ChatSetup) {
    super(setup.fields);
    makeHermetic(this as unknown as HermeticTarget, setup);
    this.#context = setup.errorContext;
  }

  /** Request options are exactly the call's: never the ambient client config. */
  override _getClientOptions(
    options: OpenAICoreRequestOptions | undefined,
  ): OpenAICoreRequestOptions {
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
