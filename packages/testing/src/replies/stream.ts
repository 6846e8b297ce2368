import { completionId, createdAt, SYSTEM_FINGERPRINT } from "./chat.js";
import {
  blockedCompletionFilter,
  passedCompletionFilter,
  passedPromptFilterResults,
} from "./content-filter.js";
import { type ChoicePlan, planReply } from "./reply-plan.js";
import { splitIntoDeltas, splitIntoSlices } from "./tokens.js";
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionDelta,
  ContentFilterResults,
  ReplyContext,
  ReplyOptions,
} from "./types.js";

// Arguments stream in slices this long, so a client must reassemble every call.
const ARGUMENT_SLICE_LENGTH = 16;

/**
 * The SSE payloads of a streamed reply, in the order Azure sends them, each to be written as
 * `data: <json>\n\n` (the server adds `data: [DONE]`):
 * 1. a chunk with empty `choices` and `prompt_filter_results`;
 * 2. per choice: the role chunk; the content one word per chunk (leading space kept), or each
 *    tool call in turn — its `index`, `id`, `type` and `function.name` first, then its
 *    arguments in slices; then a chunk with only `finish_reason`;
 * 3. with `stream_options.include_usage`, a last chunk with empty `choices` and `usage` (the
 *    other chunks then carry `usage: null`).
 * Joined, the deltas give exactly the message of {@link createChatCompletion} for the same body
 * and options (`options.content` answers a scripted text).
 *
 * @example
 * ```ts
 * const chunks = createChatCompletionChunks(
 *   { messages: [{ role: "user", content: "Hello there" }], stream: true },
 *   { model: "gpt-4o-2024-08-06" },
 * );
 * chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? "")).join("");
 * // "Echo: Hello there"
 * ```
 */
export function createChatCompletionChunks(
  body: unknown,
  context: ReplyContext,
  options: ReplyOptions = {},
): ChatCompletionChunk[] {
  const plan = planReply(body, options);
  const includeUsage = plan.request.includeUsage;
  const base = {
    id: completionId(body, context),
    object: "chat.completion.chunk" as const,
    created: createdAt(context),
    model: context.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    ...(includeUsage ? { usage: null } : {}),
  };
  const chunk = (choice: ChatCompletionChunkChoice): ChatCompletionChunk => ({
    ...base,
    choices: [choice],
  });

  const chunks: ChatCompletionChunk[] = [
    { ...base, choices: [], prompt_filter_results: passedPromptFilterResults() },
  ];
  for (const choice of plan.choices) {
    chunks.push(...choiceChunks(choice).map(chunk));
  }
  if (includeUsage) chunks.push({ ...base, choices: [], usage: plan.usage });
  return chunks;
}

function choiceChunks(choice: ChoicePlan): ChatCompletionChunkChoice[] {
  const entry = (
    delta: ChatCompletionDelta,
    filter: ContentFilterResults = {},
    finishReason: ChoicePlan["finishReason"] | null = null,
  ): ChatCompletionChunkChoice => ({
    index: choice.index,
    delta,
    finish_reason: finishReason,
    logprobs: null,
    content_filter_results: filter,
  });

  const entries = [
    entry({ role: "assistant", content: choice.content === null ? null : "", refusal: null }),
  ];
  for (const piece of splitIntoDeltas(choice.content ?? "")) {
    entries.push(entry({ content: piece }, passedCompletionFilter));
  }
  choice.toolCalls.forEach((call, index) => {
    const { name, arguments: args } = call.function;
    entries.push(
      entry({
        tool_calls: [{ index, id: call.id, type: "function", function: { name, arguments: "" } }],
      }),
    );
    for (const slice of splitIntoSlices(args, ARGUMENT_SLICE_LENGTH)) {
      entries.push(entry({ tool_calls: [{ index, function: { arguments: slice } }] }));
    }
  });
  const finalFilter = choice.finishReason === "content_filter" ? blockedCompletionFilter : {};
  entries.push(entry({}, finalFilter, choice.finishReason));
  return entries;
}
