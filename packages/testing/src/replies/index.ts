/**
 * The mock Azure OpenAI's reply engine: request body in, response objects out, no I/O. Every
 * reply follows fixed rules, so a test can predict it by reading its own request.
 *
 * **Text.** A plain prompt is answered `Echo: <last user message>`; a message made of content
 * parts is read as its text parts joined by one space (images and other parts are skipped).
 * Once tool results end the conversation (last message role `tool`), the answer is
 * `Tool results: <name> → <result>` per result, joined by `; `, so an agent loop ends.
 *
 * **Scripted replies.** Given `options.content`, both chat functions answer that text instead:
 * no tool call, no output filter; `stop`, the token limit and usage apply to it as to any text.
 *
 * **Tools.** The reply calls tools, as parallel calls in the order the prompt names them, when:
 * `tool_choice` names a function (exactly that one); `tool_choice` is `"required"` (every tool
 * the last user message names, or else the first tool); `tool_choice` is `"auto"` or absent
 * and the last message is the user's (every tool it names; none named → text). A tool is named
 * when its name appears in the prompt as a whole word, any letter case. `"none"` never calls;
 * an `allowed_tools` choice narrows the tools and takes its mode; `parallel_tool_calls: false`
 * keeps the first call only. Call ids are `call_<24 hex digits>`, a hash of the conversation
 * length, choice, position, name and arguments.
 *
 * **Arguments and JSON content** are generated valid against the schema, all the way down:
 * `const`; `enum` (the first value; array items take the values in turn); `anyOf`/`oneOf`
 * (the first branch, unless it recurses into a definition being built); `allOf` (merged);
 * local `$ref`s (`#/$defs/…`, `#/definitions/…`, `#`); type arrays (the first non-null type);
 * objects (every declared property, optional ones included, except an optional recursion);
 * arrays (one item, or as many as `minItems`; an array of numbers takes every number left
 * in the prompt, an array of plain strings every quoted phrase left; tuples via `prefixItems`
 * or array `items`); booleans `true`; `null`. Values come from the last user message, each
 * used once, in call order then property order:
 * - numbers: the prompt's numbers that stand alone (not in words like `gpt-4o`, dates or
 *   quotes), else 1 (plus the item position in an array); integers rounded; clamped into
 *   `minimum`/`maximum`, exclusive bounds (draft 4 booleans or numbers) and `multipleOf`.
 *   "multiply 6 by 7" gives `{"a":6,"b":7}`.
 * - strings: the prompt's next quoted phrase (`'…'`, `"…"`, `“…”`, `‘…’`, quotes not
 *   inside a word), else the property name; padded with `x` to `minLength`, cut to
 *   `maxLength`. With a `pattern`: that string if it matches, else the shortest string the
 *   pattern's text suggests (first alternative, first character of each class, fewest
 *   repetitions), else a few fixed candidates. "weather in 'Paris'" gives `{"city":"Paris"}`.
 * - formats: `date` and `date-time` take the prompt's ISO dates, else `2025-01-01` and
 *   `2025-01-01T00:00:00Z`; `email` `user@example.com`, `uri` `https://example.com/`, `uuid`
 *   `00000000-0000-4000-8000-000000000000`, `time`, `hostname`, `ipv4`, `ipv6`, `duration` too.
 * A schema the rules cannot satisfy is refused with a 400, as an invalid schema would be.
 *
 * **Response format.** `json_schema` → content is such a JSON value; `json_object` → content
 * is `{"reply":"<the text reply>"}` (and, as on Azure, a message must mention "json").
 *
 * **Limits.** A token is one whitespace-separated word. `stop` cuts the content before the
 * earliest stop sequence (finish_reason stays `stop`); then `max_completion_tokens` (or
 * `max_tokens`) keeps that many words, finish_reason `length` if anything was cut. Tool-call
 * arguments are never cut. `n` gives n identical choices (their call ids differ). Usage
 * counts the words of every message, tool name and arguments, prompt and completion alike.
 *
 * **Content filter.** `[[content-filter]]` in the last user message makes
 * {@link promptTriggersContentFilter} true (the server answers Azure's 400 from
 * {@link contentFilterErrorBody}); `[[content-filter:output]]` makes each choice end with
 * `finish_reason: "content_filter"`, no content and the violence category filtered.
 *
 * **Refusals** ({@link ReplyEngineError}, 400, OpenAI's error shape): a missing or empty
 * `messages`, unknown roles, missing content, malformed tool calls, tool messages that answer
 * no preceding call or calls left unanswered, tools that are not functions or have invalid
 * names or schemas (and, with `strict`, objects not closed by `additionalProperties: false`
 * or not requiring every property), a `tool_choice` without tools or naming a tool not
 * offered, bad `response_format`, `n`, token limits, `stop` or `stream_options`, and the
 * deprecated `functions`.
 *
 * @packageDocumentation
 */

import { OUTPUT_FILTER_MARKER, PROMPT_FILTER_MARKER } from "./content-filter.js";
import { isJsonObject } from "./reply-error.js";

export { createChatCompletion } from "./chat.js";
export {
  type ContentFilterErrorBody,
  contentFilterErrorBody,
  OUTPUT_FILTER_MARKER,
  PROMPT_FILTER_MARKER,
} from "./content-filter.js";
export {
  createEmbeddingsResponse,
  DEFAULT_EMBEDDING_DIMENSIONS,
  MAX_EMBEDDING_DIMENSIONS,
} from "./embeddings.js";
export {
  ReplyEngineError,
  type ReplyEngineErrorOptions,
  type ReplyErrorBody,
} from "./reply-error.js";
export { createChatCompletionChunks } from "./stream.js";
export type * from "./types.js";

/**
 * Whether Azure's content filter would block this chat request: its last user message holds
 * {@link PROMPT_FILTER_MARKER}. Never throws, whatever the body; the server checks this first
 * and answers 400 with {@link contentFilterErrorBody}.
 *
 * @example
 * ```ts
 * const body = { messages: [{ role: "user", content: "[[content-filter]] hi" }] };
 * promptTriggersContentFilter(body); // true
 * ```
 */
export function promptTriggersContentFilter(body: unknown): boolean {
  return lastUserMessageText(body).includes(PROMPT_FILTER_MARKER);
}

/**
 * Whether the reply to this chat request will end with `finish_reason: "content_filter"`
 * ({@link OUTPUT_FILTER_MARKER} in the last user message). Never throws.
 *
 * @example
 * ```ts
 * const body = { messages: [{ role: "user", content: "[[content-filter:output]]" }] };
 * completionTriggersContentFilter(body); // true
 * ```
 */
export function completionTriggersContentFilter(body: unknown): boolean {
  return lastUserMessageText(body).includes(OUTPUT_FILTER_MARKER);
}

/**
 * Whether the request asks for a streamed reply (`"stream": true`), in which case the server
 * answers with the chunks of `createChatCompletionChunks` as server-sent events.
 *
 * @example
 * ```ts
 * const reply = wantsStream(body)
 *   ? createChatCompletionChunks(body, context)
 *   : createChatCompletion(body, context);
 * ```
 */
export function wantsStream(body: unknown): boolean {
  return isJsonObject(body) && body.stream === true;
}

function lastUserMessageText(body: unknown): string {
  if (!isJsonObject(body) || !Array.isArray(body.messages)) return "";
  const message = body.messages.findLast(
    (candidate) => isJsonObject(candidate) && candidate.role === "user",
  );
  const content: unknown = isJsonObject(message) ? message.content : undefined;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isJsonObject(part) && typeof part.text === "string" ? part.text : ""))
    .join(" ");
}
