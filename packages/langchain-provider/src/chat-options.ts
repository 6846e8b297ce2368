import type { PlatformApp, TenantBinding } from "@crosstenant/core";
import type { AzureChatOpenAIFields } from "@langchain/openai";
import type { RetryOptions } from "./retry-policy.js";
import type { ApiSurface } from "./tenant-client.js";

/** Names of the LangChain chat options that pass through unchanged to a tenant's model. */
export const passThroughKeys = [
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
] as const;

/**
 * LangChain chat options that pass through unchanged to the model (`timeout` is also the
 * deadline of one call, retries included).
 */
export type TenantChatPassThroughOptions = Pick<
  AzureChatOpenAIFields,
  (typeof passThroughKeys)[number]
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
