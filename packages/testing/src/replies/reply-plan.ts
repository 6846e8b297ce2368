import { OUTPUT_FILTER_MARKER } from "./content-filter.js";
import { SchemaProblem } from "./json-schema.js";
import { PromptValues } from "./prompt-values.js";
import { ReplyEngineError } from "./reply-error.js";
import { type ChatRequest, parseChatRequest } from "./request.js";
import { generateValue } from "./schema-value.js";
import { countTokens, cutAtStopSequence, truncateToTokens } from "./tokens.js";
import { buildToolCalls, chooseTools, lastUserText, toolResultsText } from "./tools.js";
import type { ChatToolCall, CompletionUsage, FinishReason, ReplyOptions } from "./types.js";

/** What one choice of the reply says, before it is shaped as a completion or as chunks. */
export interface ChoicePlan {
  readonly index: number;
  readonly content: string | null;
  readonly toolCalls: readonly ChatToolCall[];
  readonly finishReason: FinishReason;
}

/** The whole reply to a chat request, shared by the JSON and the streamed forms. */
export interface ReplyPlan {
  readonly request: ChatRequest;
  readonly choices: readonly ChoicePlan[];
  readonly usage: CompletionUsage;
}

/**
 * Checks `body` and decides every choice of the reply by the documented rules, or, given
 * `options.content`, answers with that text.
 */
export function planReply(body: unknown, options: ReplyOptions = {}): ReplyPlan {
  const request = parseChatRequest(body);
  const scripted = options.content;
  const tools = scripted === undefined ? chooseTools(request) : [];
  const filtered =
    scripted === undefined && lastUserText(request.messages).includes(OUTPUT_FILTER_MARKER);
  const text = scripted ?? (tools.length > 0 || filtered ? "" : replyText(request));

  const choices = Array.from({ length: request.choiceCount }, (_, index): ChoicePlan => {
    if (filtered) return { index, content: null, toolCalls: [], finishReason: "content_filter" };
    if (tools.length > 0) {
      const toolCalls = buildToolCalls(request, tools, index);
      return { index, content: null, toolCalls, finishReason: "tool_calls" };
    }
    const stopped = cutAtStopSequence(text, request.stop);
    if (request.maxTokens === undefined) {
      return { index, content: stopped, toolCalls: [], finishReason: "stop" };
    }
    const { text: content, truncated } = truncateToTokens(stopped, request.maxTokens);
    return { index, content, toolCalls: [], finishReason: truncated ? "length" : "stop" };
  });

  return { request, choices, usage: countUsage(request, choices) };
}

/**
 * The content before stop sequences and token limits: JSON for a JSON response format; the
 * tool results when they end the conversation; otherwise `Echo: <last user message>`.
 */
function replyText(request: ChatRequest): string {
  const { messages, responseFormat } = request;
  const text =
    messages.at(-1)?.role === "tool"
      ? toolResultsText(messages)
      : `Echo: ${lastUserText(messages)}`;

  if (responseFormat.kind === "json_object") return JSON.stringify({ reply: text });
  if (responseFormat.kind === "text") return text;
  try {
    return JSON.stringify(
      generateValue(responseFormat.schema, new PromptValues(lastUserText(messages))),
    );
  } catch (error) {
    if (!(error instanceof SchemaProblem)) throw error;
    throw new ReplyEngineError(
      `Invalid schema for response_format '${responseFormat.name}': ${error.message}`,
      { param: "response_format", code: "invalid_json_schema" },
    );
  }
}

/** Usage by the mock's token rule: words of every message, tool call name and arguments. */
function countUsage(request: ChatRequest, choices: readonly ChoicePlan[]): CompletionUsage {
  const callTokens = (calls: readonly { name: string; arguments: string }[]) =>
    calls.reduce((sum, call) => sum + countTokens(call.name) + countTokens(call.arguments), 0);

  const prompt = request.messages.reduce(
    (sum, message) => sum + countTokens(message.text) + callTokens(message.toolCalls),
    0,
  );
  const completion = choices.reduce(
    (sum, choice) =>
      sum +
      countTokens(choice.content ?? "") +
      callTokens(choice.toolCalls.map((call) => call.function)),
    0,
  );
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}
