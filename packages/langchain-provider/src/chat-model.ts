import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { LangSmithParams } from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import { IterableReadableStream } from "@langchain/core/utils/stream";
import { AzureChatOpenAI, type ChatOpenAICallOptions } from "@langchain/openai";
import {
  type ChatSetup,
  chatSetup,
  type HermeticTarget,
  makeHermetic,
  responsesRefusal,
  TenantChatCompletions,
  translated,
} from "./chat-completions.js";
import type { ChatModelOptions } from "./chat-options.js";
import { callSignal, raceAbort } from "./deadline.js";
import { toTenantError } from "./tenant-errors.js";

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
    const signal = callSignal(options?.signal, this.timeout);
    try {
      return await raceAbort(
        super.invoke(input, signal ? { ...options, signal } : options),
        signal,
      );
    } catch (error) {
      throw toTenantError(error, this.#setup.errorContext, signal);
    }
  }

  override async stream(input: BaseLanguageModelInput, options?: ChatOpenAICallOptions) {
    const signal = callSignal(options?.signal, this.timeout);
    let stream: IterableReadableStream<AIMessageChunk>;
    try {
      stream = await raceAbort(
        super.stream(input, signal ? { ...options, signal } : options),
        signal,
      );
    } catch (error) {
      throw toTenantError(error, this.#setup.errorContext, signal);
    }
    return IterableReadableStream.fromAsyncGenerator(
      translated(stream, this.#setup.errorContext, signal),
    );
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
