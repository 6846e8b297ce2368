import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import type { ChatCompletionChunk as OpenAIChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import {
  type ChatCompletionChunk,
  createChatCompletion,
  createChatCompletionChunks,
  ReplyEngineError,
} from "../src/replies/index.js";

const context = { model: "gpt-4o-2024-08-06", id: "chatcmpl-test", created: 1_700_000_000 };

const numberPair = {
  type: "object",
  properties: { a: { type: "number" }, b: { type: "number" }, note: { type: "string" } },
  required: ["a", "b", "note"],
};
const tools = [
  { type: "function", function: { name: "multiply", parameters: numberPair } },
  { type: "function", function: { name: "add", parameters: numberPair } },
];

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: "user", content }],
  stream: true,
  ...extra,
});

/** The chunks the openai SDK's own stream accumulator turns into a completion. */
async function reassembleWithSdk(chunks: readonly ChatCompletionChunk[]) {
  const lines = chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join("");
  const readable = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(lines));
      controller.close();
    },
  });
  return ChatCompletionStream.fromReadableStream(readable).finalChatCompletion();
}

describe("createChatCompletionChunks", () => {
  it("opens with Azure's chunk of empty choices carrying the prompt filter results", () => {
    const [first] = createChatCompletionChunks(ask("Hello"), context);

    expect(first).toEqual({
      id: "chatcmpl-test",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "gpt-4o-2024-08-06",
      system_fingerprint: "fp_crosstenant",
      choices: [],
      prompt_filter_results: [
        {
          prompt_index: 0,
          content_filter_results: expect.objectContaining({
            jailbreak: { filtered: false, detected: false },
          }),
        },
      ],
    });
  });

  it("sends the role, then one word per chunk, then a chunk with only the finish reason", () => {
    const chunks = createChatCompletionChunks(ask("one two three"), context);
    const deltas = chunks.slice(1).map((chunk) => chunk.choices[0]?.delta);

    expect(deltas).toEqual([
      { role: "assistant", content: "", refusal: null },
      { content: "Echo:" },
      { content: " one" },
      { content: " two" },
      { content: " three" },
      {},
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      "stop",
    ]);
    expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
  });

  it("produces chunks the openai SDK's ChatCompletionChunk type accepts", () => {
    const chunks: OpenAIChatCompletionChunk[] = createChatCompletionChunks(ask("typed"), context);

    expect(chunks.length).toBeGreaterThan(2);
  });

  it("reassembles, through the openai SDK, into the same message as the non-streamed reply", async () => {
    const body = ask("Describe this in a few words", { n: 2, stop: "few" });

    const streamed = await reassembleWithSdk(createChatCompletionChunks(body, context));
    const { stream: _stream, ...plain } = body;
    const direct = createChatCompletion(plain, context);

    expect(
      streamed.choices.map((choice) => [choice.message.content, choice.finish_reason]),
    ).toEqual(direct.choices.map((choice) => [choice.message.content, choice.finish_reason]));
  });

  it("streams each tool call in turn: id, type and name first, then its arguments in slices", () => {
    const chunks = createChatCompletionChunks(
      ask("multiply 6 by 7 and add 1 and 2 with 'a note long enough to be sliced'", { tools }),
      context,
    );
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);

    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: "function",
      function: { name: "multiply", arguments: "" },
    });
    const heads = toolDeltas.filter((delta) => delta.id !== undefined);
    expect(heads.map((delta) => [delta.index, delta.function.name])).toEqual([
      [0, "multiply"],
      [1, "add"],
    ]);
    const slicesOfFirst = toolDeltas.filter((delta) => delta.index === 0 && delta.id === undefined);
    expect(slicesOfFirst.length).toBeGreaterThan(1);
    expect(toolDeltas.findIndex((delta) => delta.index === 1)).toBeGreaterThan(
      toolDeltas.findLastIndex((delta) => delta.index === 0),
    );
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("reassembles tool call deltas, through the openai SDK, into the non-streamed calls", async () => {
    const body = ask("multiply 6 by 7 and add 1 and 2 with 'a note long enough to be sliced'", {
      tools,
    });

    const streamed = await reassembleWithSdk(createChatCompletionChunks(body, context));
    const { stream: _stream, ...plain } = body;
    const direct = createChatCompletion(plain, context);

    expect(streamed.choices[0]?.message.tool_calls).toEqual(direct.choices[0]?.message.tool_calls);
    const [first] = direct.choices[0]?.message.tool_calls ?? [];
    expect(JSON.parse(first?.function.arguments ?? "")).toEqual({
      a: 6,
      b: 7,
      note: "a note long enough to be sliced",
    });
    expect(streamed.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("ends with a usage chunk of empty choices when include_usage is set, usage null before", () => {
    const body = ask("count me", { stream_options: { include_usage: true } });

    const chunks = createChatCompletionChunks(body, context);
    const direct = createChatCompletion({ messages: body.messages }, context);
    const last = chunks.at(-1);

    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(last?.usage).toEqual(direct.usage);
  });

  it("streams each of n choices under its own index, each with its finish reason", () => {
    const chunks = createChatCompletionChunks(ask("hi", { n: 2 }), context);
    const finishes = chunks.flatMap((chunk) =>
      chunk.choices.filter((choice) => choice.finish_reason !== null).map((choice) => choice.index),
    );

    expect(finishes).toEqual([0, 1]);
  });

  it("cuts a streamed reply at max_tokens and finishes with length", () => {
    const chunks = createChatCompletionChunks(ask("a b c d", { max_tokens: 2 }), context);
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");

    expect(content).toBe("Echo: a");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
  });

  it("ends a reply stopped by the output marker with content_filter and no content", () => {
    const chunks = createChatCompletionChunks(ask("[[content-filter:output]] hi"), context);
    const last = chunks.at(-1)?.choices[0];

    expect(
      chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? null)),
    ).toEqual([null, null]);
    expect(last?.finish_reason).toBe("content_filter");
    expect(last?.content_filter_results.violence).toEqual({ filtered: true, severity: "medium" });
  });

  it("streams scripted content word by word, like a rule-based reply", () => {
    const chunks = createChatCompletionChunks(ask("ignored"), context, {
      content: "Scripted reply here",
    });
    const pieces = chunks.map((chunk) => chunk.choices[0]?.delta.content).filter(Boolean);

    expect(pieces).toEqual(["Scripted", " reply", " here"]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("refuses an invalid body before producing any chunk", () => {
    expect(() => createChatCompletionChunks({ stream: true }, context)).toThrow(ReplyEngineError);
  });
});
