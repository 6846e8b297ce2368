/**
 * Shapes of the responses the mock Azure OpenAI sends. They follow what Azure returns (the
 * OpenAI shapes plus Azure's content filter annotations), and stay assignable to the openai
 * SDK's `ChatCompletion`, `ChatCompletionChunk` and `CreateEmbeddingResponse` types.
 */

/**
 * What the server knows about the call that the request body does not say.
 *
 * @example
 * ```ts
 * const context: ReplyContext = { model: "gpt-4o-2024-08-06", created: 1_700_000_000 };
 * ```
 */
export interface ReplyContext {
  /** The model name the deployment serves, echoed in `model` (for example `gpt-4o-2024-08-06`). */
  readonly model: string;
  /** The response id; derived from the request body when absent. */
  readonly id?: string;
  /** Unix time in seconds for `created`; the current time when absent. */
  readonly created?: number;
}

/**
 * Options of `createChatCompletion` and `createChatCompletionChunks`.
 *
 * @example
 * ```ts
 * createChatCompletion(body, { model: "gpt-4o" }, { content: "A scripted answer." });
 * ```
 */
export interface ReplyOptions {
  /**
   * Text to answer with instead of the rule-based reply, for scripted replies: no tool is
   * called and no output filter applies; `stop` and the token limit still cut it, and usage
   * counts it.
   */
  readonly content?: string;
}

/** Severity-graded result of one content filter category. */
export interface SeverityFilterResult {
  readonly filtered: boolean;
  readonly severity: "safe" | "low" | "medium" | "high";
}

/** Result of a detection filter (jailbreak, protected material). */
export interface DetectionFilterResult {
  readonly filtered: boolean;
  readonly detected: boolean;
}

/** Azure's `content_filter_results` on a prompt or a choice. Empty on some stream chunks. */
export interface ContentFilterResults {
  readonly hate?: SeverityFilterResult;
  readonly self_harm?: SeverityFilterResult;
  readonly sexual?: SeverityFilterResult;
  readonly violence?: SeverityFilterResult;
  readonly jailbreak?: DetectionFilterResult;
  readonly protected_material_code?: DetectionFilterResult;
  readonly protected_material_text?: DetectionFilterResult;
}

/** Azure's filter verdict on one prompt of the request. */
export interface PromptFilterResult {
  readonly prompt_index: number;
  readonly content_filter_results: ContentFilterResults;
}

/** Token counts of a reply; see the counting rule in the module documentation. */
export interface CompletionUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** One function call the assistant asks for. */
export interface ChatToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

/** Why a choice ended. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** The assistant message of one choice. */
export interface ChatCompletionMessage {
  readonly role: "assistant";
  readonly content: string | null;
  readonly refusal: null;
  readonly tool_calls?: ChatToolCall[];
}

/** One choice of a non-streamed reply. */
export interface ChatCompletionChoice {
  readonly index: number;
  readonly message: ChatCompletionMessage;
  readonly finish_reason: FinishReason;
  readonly logprobs: null;
  readonly content_filter_results: ContentFilterResults;
}

/**
 * A full `chat.completion` object as Azure returns it; assignable to the openai SDK's type.
 *
 * @example
 * ```ts
 * const completion: ChatCompletion = createChatCompletion(body, { model: "gpt-4o" });
 * response.end(JSON.stringify(completion));
 * ```
 */
export interface ChatCompletion {
  readonly id: string;
  readonly object: "chat.completion";
  readonly created: number;
  readonly model: string;
  readonly choices: ChatCompletionChoice[];
  readonly usage: CompletionUsage;
  readonly prompt_filter_results: PromptFilterResult[];
  readonly system_fingerprint: string;
}

/** A piece of one streamed tool call. */
export interface ChatToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: "function";
  readonly function: { readonly name?: string; readonly arguments: string };
}

/** What one stream chunk adds to a choice. */
export interface ChatCompletionDelta {
  readonly role?: "assistant";
  readonly content?: string | null;
  readonly refusal?: null;
  readonly tool_calls?: ChatToolCallDelta[];
}

/** One choice entry of a stream chunk. */
export interface ChatCompletionChunkChoice {
  readonly index: number;
  readonly delta: ChatCompletionDelta;
  readonly finish_reason: FinishReason | null;
  readonly logprobs: null;
  readonly content_filter_results: ContentFilterResults;
}

/**
 * One SSE payload of a streamed reply (`data: <json>`); assignable to the openai SDK's type.
 *
 * @example
 * ```ts
 * for (const chunk of createChatCompletionChunks(body, context)) {
 *   response.write(`data: ${JSON.stringify(chunk)}\n\n`);
 * }
 * response.end("data: [DONE]\n\n");
 * ```
 */
export interface ChatCompletionChunk {
  readonly id: string;
  readonly object: "chat.completion.chunk";
  readonly created: number;
  readonly model: string;
  readonly choices: ChatCompletionChunkChoice[];
  readonly system_fingerprint: string;
  readonly prompt_filter_results?: PromptFilterResult[];
  /** Present (null, or the counts on the last chunk) only when `stream_options.include_usage`. */
  readonly usage?: CompletionUsage | null;
}

/** One vector of an embeddings reply; a base64 string of little-endian float32 when asked. */
export interface Embedding {
  readonly object: "embedding";
  readonly index: number;
  readonly embedding: number[] | string;
}

/**
 * An embeddings reply.
 *
 * @example
 * ```ts
 * const reply: EmbeddingsResponse = createEmbeddingsResponse(
 *   { input: "hi" },
 *   { model: "text-embedding-3-small" },
 * );
 * ```
 */
export interface EmbeddingsResponse {
  readonly object: "list";
  readonly model: string;
  readonly data: Embedding[];
  readonly usage: { readonly prompt_tokens: number; readonly total_tokens: number };
}
