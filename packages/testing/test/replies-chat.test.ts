import type { ChatCompletion as OpenAIChatCompletion } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import {
  completionTriggersContentFilter,
  contentFilterErrorBody,
  createChatCompletion,
  promptTriggersContentFilter,
  ReplyEngineError,
  wantsStream,
} from "../src/replies/index.js";

const context = { model: "gpt-4o-2024-08-06", id: "chatcmpl-test", created: 1_700_000_000 };

const ask = (content: unknown, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: "user", content }],
  ...extra,
});

const contentOf = (body: unknown) =>
  createChatCompletion(body, context).choices[0]?.message.content;

function refusal(body: unknown): ReplyEngineError {
  try {
    createChatCompletion(body, context);
  } catch (error) {
    if (error instanceof ReplyEngineError) return error;
    throw error;
  }
  throw new Error("expected a ReplyEngineError, but the body was accepted");
}

describe("createChatCompletion", () => {
  it("answers a plain prompt with an Azure-shaped completion echoing the last user message", () => {
    const completion = createChatCompletion(
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "first question" },
          { role: "assistant", content: "Echo: first question" },
          { role: "user", content: "Hello there" },
        ],
      },
      context,
    );

    expect(completion).toEqual({
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o-2024-08-06",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Echo: Hello there", refusal: null },
          finish_reason: "stop",
          logprobs: null,
          content_filter_results: {
            hate: { filtered: false, severity: "safe" },
            protected_material_code: { filtered: false, detected: false },
            protected_material_text: { filtered: false, detected: false },
            self_harm: { filtered: false, severity: "safe" },
            sexual: { filtered: false, severity: "safe" },
            violence: { filtered: false, severity: "safe" },
          },
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
      prompt_filter_results: [
        {
          prompt_index: 0,
          content_filter_results: {
            hate: { filtered: false, severity: "safe" },
            jailbreak: { filtered: false, detected: false },
            self_harm: { filtered: false, severity: "safe" },
            sexual: { filtered: false, severity: "safe" },
            violence: { filtered: false, severity: "safe" },
          },
        },
      ],
      system_fingerprint: "fp_crosstenant",
    });
  });

  it("produces an object the openai SDK's ChatCompletion type accepts", () => {
    const completion: OpenAIChatCompletion = createChatCompletion(ask("typed"), context);

    expect(completion.choices[0]?.message.content).toBe("Echo: typed");
  });

  it("reads content parts as their text parts joined by a space, skipping images", () => {
    const content = [
      { type: "text", text: "Describe" },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
      { type: "text", text: "this picture" },
    ];

    expect(contentOf(ask(content))).toBe("Echo: Describe this picture");
  });

  it("derives a repeatable id from the request and keeps the deployment's model name", () => {
    const first = createChatCompletion(ask("same"), { model: "gpt-4o-mini" });
    const second = createChatCompletion(ask("same"), { model: "gpt-4o-mini" });
    const other = createChatCompletion(ask("different"), { model: "gpt-4o-mini" });

    expect(first.id).toMatch(/^chatcmpl-[0-9a-f]{29}$/);
    expect(second.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(first.model).toBe("gpt-4o-mini");
    expect(Number.isInteger(first.created)).toBe(true);
  });

  it("answers tool results that end the conversation with each result under its tool's name", () => {
    const body = {
      messages: [
        { role: "user", content: "get_weather and get_time for 'Paris'" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } },
            { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
        { role: "tool", tool_call_id: "call_2", content: "14:00" },
      ],
      tools: [
        { type: "function", function: { name: "get_weather" } },
        { type: "function", function: { name: "get_time" } },
      ],
    };

    const completion = createChatCompletion(body, context);

    expect(completion.choices[0]?.message.content).toBe(
      'Tool results: get_weather → {"temp":21}; get_time → 14:00',
    );
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("answers a json_object request with the text reply wrapped in a JSON object", () => {
    const content = contentOf(
      ask("Answer in JSON please", { response_format: { type: "json_object" } }),
    );

    expect(JSON.parse(content ?? "")).toEqual({ reply: "Echo: Answer in JSON please" });
  });

  it("answers a JSON schema format with JSON even when tools are offered but none is named", () => {
    const body = ask("Rate 'Dune' 9", {
      tools: [{ type: "function", function: { name: "search" } }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "rating",
          schema: {
            type: "object",
            properties: { title: { type: "string" }, score: { type: "integer", maximum: 10 } },
            required: ["title", "score"],
          },
        },
      },
    });

    expect(JSON.parse(contentOf(body) ?? "")).toEqual({ title: "Dune", score: 9 });
  });

  it("tells a streamed request from a plain one", () => {
    expect(wantsStream(ask("x", { stream: true }))).toBe(true);
    expect(wantsStream(ask("x", { stream: false }))).toBe(false);
    expect(wantsStream(ask("x"))).toBe(false);
    expect(wantsStream(null)).toBe(false);
  });

  it("cuts the content before the earliest stop sequence and still finishes with stop", () => {
    const completion = createChatCompletion(
      ask("one two. three; four", { stop: [";", "."] }),
      context,
    );

    expect(completion.choices[0]?.message.content).toBe("Echo: one two");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("accepts a single stop string", () => {
    expect(contentOf(ask("alpha STOP beta", { stop: "STOP" }))).toBe("Echo: alpha ");
  });

  it("keeps max_tokens words and finishes with length when the content was longer", () => {
    const completion = createChatCompletion(ask("a b c d e", { max_tokens: 3 }), context);

    expect(completion.choices[0]?.message.content).toBe("Echo: a b");
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage.completion_tokens).toBe(3);
  });

  it("prefers max_completion_tokens and finishes with stop when the content fits", () => {
    const completion = createChatCompletion(
      ask("short", { max_tokens: 1, max_completion_tokens: 2 }),
      context,
    );

    expect(completion.choices[0]?.message.content).toBe("Echo: short");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("answers n choices, indexed in order, and counts the completion tokens of all", () => {
    const completion = createChatCompletion(ask("two words", { n: 3 }), context);

    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(new Set(completion.choices.map((choice) => choice.message.content))).toEqual(
      new Set(["Echo: two words"]),
    );
    expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 9, total_tokens: 11 });
  });

  it("counts prompt tokens over every message, including tool calls in the history", () => {
    const completion = createChatCompletion(
      {
        messages: [
          { role: "user", content: "one two three" },
          {
            role: "assistant",
            tool_calls: [
              { id: "c", type: "function", function: { name: "f", arguments: '{"a": 1}' } },
            ],
          },
          { role: "tool", tool_call_id: "c", content: "done" },
        ],
      },
      context,
    );

    expect(completion.usage.prompt_tokens).toBe(3 + 1 + 2 + 1);
  });
});

describe("scripted content", () => {
  it("answers the given text instead of the rules, calling no tool even when one is named", () => {
    const body = ask("multiply 6 by 7", {
      tools: [{ type: "function", function: { name: "multiply" } }],
    });

    const completion = createChatCompletion(body, context, { content: "It is 42." });

    expect(completion.choices[0]?.message).toEqual({
      role: "assistant",
      content: "It is 42.",
      refusal: null,
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage.completion_tokens).toBe(3);
  });

  it("still cuts scripted text at stop sequences and the token limit", () => {
    const body = ask("anything", { stop: "|", max_tokens: 2 });

    const completion = createChatCompletion(body, context, { content: "one two three | four" });

    expect(completion.choices[0]?.message.content).toBe("one two");
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });
});

describe("content filter markers", () => {
  it("flags a prompt whose last user message carries the prompt marker", () => {
    expect(promptTriggersContentFilter(ask("please [[content-filter]] this"))).toBe(true);
    expect(promptTriggersContentFilter(ask([{ type: "text", text: "[[content-filter]]" }]))).toBe(
      true,
    );
  });

  it("ignores the marker in other messages and never throws on a malformed body", () => {
    const body = {
      messages: [
        { role: "user", content: "[[content-filter]]" },
        { role: "user", content: "fine" },
      ],
    };

    expect(promptTriggersContentFilter(body)).toBe(false);
    expect(promptTriggersContentFilter(ask("[[content-filter:output]]"))).toBe(false);
    expect(completionTriggersContentFilter(ask("[[content-filter]]"))).toBe(false);
    expect(promptTriggersContentFilter("not a body")).toBe(false);
    expect(promptTriggersContentFilter({ messages: [null, { role: "user" }] })).toBe(false);
  });

  it("builds Azure's 400 body for a filtered prompt", () => {
    const body = contentFilterErrorBody();

    expect(body.error).toMatchObject({
      code: "content_filter",
      status: 400,
      param: "prompt",
      innererror: { code: "ResponsibleAIPolicyViolation" },
    });
    expect(body.error.innererror.content_filter_result.violence).toEqual({
      filtered: true,
      severity: "high",
    });
  });

  it("ends the completion with content_filter and no content for the output marker", () => {
    const body = ask("tell me [[content-filter:output]]", { n: 2 });

    const completion = createChatCompletion(body, context);

    expect(completionTriggersContentFilter(body)).toBe(true);
    for (const choice of completion.choices) {
      expect(choice.finish_reason).toBe("content_filter");
      expect(choice.message.content).toBeNull();
      expect(choice.content_filter_results.violence).toEqual({
        filtered: true,
        severity: "medium",
      });
    }
  });
});

describe("bodies the engine refuses", () => {
  it.each([
    ["a body that is not an object", [], "(request body)", "invalid_type"],
    ["missing messages", {}, "messages", "missing_required_parameter"],
    ["messages that are not an array", { messages: "hi" }, "messages", "invalid_type"],
    ["empty messages", { messages: [] }, "messages", "invalid_value"],
    [
      "a message without a role",
      { messages: [{ content: "x" }] },
      "messages[0].role",
      "missing_required_parameter",
    ],
    [
      "an unknown role",
      { messages: [{ role: "bot", content: "x" }] },
      "messages[0].role",
      "invalid_value",
    ],
    [
      "a user message without content",
      { messages: [{ role: "user" }] },
      "messages[0].content",
      "missing_required_parameter",
    ],
    [
      "content of the wrong type",
      { messages: [{ role: "user", content: 5 }] },
      "messages[0].content",
      "invalid_type",
    ],
    [
      "a text part without text",
      ask([{ type: "text" }]),
      "messages[0].content[0].text",
      "invalid_type",
    ],
    [
      "a tool message without tool_call_id",
      { messages: [{ role: "tool", content: "x" }] },
      "messages[0].tool_call_id",
      "missing_required_parameter",
    ],
    ["n out of range", ask("x", { n: 0 }), "n", "invalid_value"],
    ["a fractional max_tokens", ask("x", { max_tokens: 2.5 }), "max_tokens", "invalid_type"],
    ["stop of the wrong type", ask("x", { stop: 3 }), "stop", "invalid_type"],
    ["five stop sequences", ask("x", { stop: ["a", "b", "c", "d", "e"] }), "stop", "invalid_value"],
    [
      "stream_options without stream",
      ask("x", { stream_options: { include_usage: true } }),
      "stream_options",
      "invalid_value",
    ],
    [
      "an unknown response format",
      ask("x", { response_format: { type: "yaml" } }),
      "response_format.type",
      "invalid_value",
    ],
    [
      "a json_schema format without a name",
      ask("x", { response_format: { type: "json_schema", json_schema: { schema: {} } } }),
      "response_format.json_schema.name",
      "missing_required_parameter",
    ],
    [
      "deprecated functions",
      ask("x", { functions: [{ name: "f" }] }),
      "functions",
      "unsupported_parameter",
    ],
  ])("refuses %s", (_, body, param, code) => {
    const error = refusal(body);

    expect(error.status).toBe(400);
    expect(error.body).toEqual({
      error: { code, message: error.message, param, type: "invalid_request_error" },
    });
    expect(error.message).toContain(param === "(request body)" ? "request body" : `'${param}'`);
  });

  it("lists the supported roles when a role is unknown", () => {
    const error = refusal({ messages: [{ role: "bot", content: "x" }] });

    expect(error.message).toBe(
      "Invalid value for 'messages[0].role': \"bot\" is not a role. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', 'function'.",
    );
  });

  it("refuses json_object when no message mentions JSON, as Azure does", () => {
    const error = refusal(ask("give me data", { response_format: { type: "json_object" } }));

    expect(error.message).toContain("must contain the word 'json'");
  });

  it("refuses a tool message that answers no preceding tool call", () => {
    const error = refusal({
      messages: [
        { role: "user", content: "hi" },
        { role: "tool", tool_call_id: "call_x", content: "result" },
      ],
    });

    expect(error.message).toContain(
      "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'",
    );
  });

  it("refuses an assistant tool call left without a tool result, naming the call", () => {
    const error = refusal({
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "f", arguments: "{}" } },
            { id: "call_b", type: "function", function: { name: "g", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: "ok" },
        { role: "user", content: "and?" },
      ],
    });

    expect(error.message).toContain("did not have response messages: call_b");
    expect(error.body.error.param).toBe("messages.[1].role");
  });
});
