import {
  blockedCompletionFilter,
  passedCompletionFilter,
  passedPromptFilterResults,
} from "./content-filter.js";
import { hashHex } from "./hash.js";
import { planReply } from "./reply-plan.js";
import type { ChatCompletion, ReplyContext, ReplyOptions } from "./types.js";

/** Stands in for the backend build Azure reports; constant so replies compare equal. */
export const SYSTEM_FINGERPRINT = "fp_crosstenant";

/** The response id: the context's, or one derived from the request so it is repeatable. */
export function completionId(body: unknown, context: ReplyContext): string {
  return context.id ?? `chatcmpl-${hashHex(JSON.stringify(body) ?? "", 29)}`;
}

/** The `created` time: the context's, or now. */
export function createdAt(context: ReplyContext): number {
  return context.created ?? Math.floor(Date.now() / 1000);
}

/**
 * The non-streamed reply to a chat completions request body: a full `chat.completion` object
 * with Azure's content filter annotations, decided by the rules documented in
 * `replies/index.ts`, or answering `options.content` for a scripted reply. Throws
 * {@link ReplyEngineError} for a body Azure would refuse.
 *
 * @example
 * ```ts
 * const completion = createChatCompletion(
 *   { messages: [{ role: "user", content: "Hello" }] },
 *   { model: "gpt-4o-2024-08-06" },
 * );
 * completion.choices[0]?.message.content; // "Echo: Hello"
 * ```
 */
export function createChatCompletion(
  body: unknown,
  context: ReplyContext,
  options: ReplyOptions = {},
): ChatCompletion {
  const plan = planReply(body, options);

  return {
    id: completionId(body, context),
    object: "chat.completion",
    created: createdAt(context),
    model: context.model,
    choices: plan.choices.map((choice) => ({
      index: choice.index,
      message: {
        role: "assistant",
        content: choice.content,
        refusal: null,
        ...(choice.toolCalls.length > 0 ? { tool_calls: [...choice.toolCalls] } : {}),
      },
      finish_reason: choice.finishReason,
      logprobs: null,
      content_filter_results:
        choice.finishReason === "content_filter" ? blockedCompletionFilter : passedCompletionFilter,
    })),
    usage: plan.usage,
    prompt_filter_results: passedPromptFilterResults(),
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}
