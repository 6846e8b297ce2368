import { describe, expect, it } from "vitest";
import { createChatCompletion, ReplyEngineError } from "../src/replies/index.js";

const context = { model: "gpt-4o-2024-08-06", id: "chatcmpl-test", created: 1_700_000_000 };

const numberPair = {
  type: "object",
  properties: { a: { type: "number" }, b: { type: "number" } },
  required: ["a", "b"],
};
const tools = [
  { type: "function", function: { name: "multiply", parameters: numberPair } },
  { type: "function", function: { name: "add", parameters: numberPair } },
  {
    type: "function",
    function: {
      name: "get_weather",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
          days: { type: "integer", minimum: 1, maximum: 7 },
        },
        required: ["city", "unit"],
      },
    },
  },
];

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: "user", content }],
  tools,
  ...extra,
});

function calls(body: unknown) {
  const choice = createChatCompletion(body, context).choices[0];
  return (choice?.message.tool_calls ?? []).map((call) => ({
    name: call.function.name,
    args: JSON.parse(call.function.arguments) as unknown,
  }));
}

function refusal(body: unknown): ReplyEngineError {
  try {
    createChatCompletion(body, context);
  } catch (error) {
    if (error instanceof ReplyEngineError) return error;
    throw error;
  }
  throw new Error("expected a ReplyEngineError, but the body was accepted");
}

describe("tool calls", () => {
  it("calls the tool the prompt names with the prompt's numbers in property order", () => {
    const completion = createChatCompletion(ask("Please multiply 6 by 7"), context);
    const choice = completion.choices[0];

    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: "function",
        function: { name: "multiply", arguments: '{"a":6,"b":7}' },
      },
    ]);
  });

  it("calls every named tool in parallel, in the order named, handing out numbers in call order", () => {
    expect(calls(ask("add 1 and 2, then multiply 3 by 4"))).toEqual([
      { name: "add", args: { a: 1, b: 2 } },
      { name: "multiply", args: { a: 3, b: 4 } },
    ]);
  });

  it("takes a quoted city, the first enum value and a clamped number for the weather", () => {
    expect(calls(ask("get_weather in 'New York' for the next 10 days"))).toEqual([
      { name: "get_weather", args: { city: "New York", unit: "celsius", days: 7 } },
    ]);
  });

  it("matches tool names as whole words in any letter case", () => {
    expect(calls(ask("MULTIPLY 2 by 3"))).toEqual([{ name: "multiply", args: { a: 2, b: 3 } }]);
    expect(calls(ask("multiplying 2 by 3"))).toEqual([]);
    expect(calls(ask("the get_weather_now tool"))).toEqual([]);
  });

  it("answers in text when tools are offered but none is named", () => {
    const completion = createChatCompletion(ask("just chatting"), context);

    expect(completion.choices[0]?.message.content).toBe("Echo: just chatting");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("calls exactly the tool a named tool_choice forces, even when others are named", () => {
    const body = ask("multiply 2 by 5", {
      tool_choice: { type: "function", function: { name: "add" } },
    });

    expect(calls(body)).toEqual([{ name: "add", args: { a: 2, b: 5 } }]);
  });

  it("calls the first tool when tool_choice is required and none is named", () => {
    expect(calls(ask("do something with 9", { tool_choice: "required" }))).toEqual([
      { name: "multiply", args: { a: 9, b: 1 } },
    ]);
  });

  it("calls the named tools when tool_choice is required and some are named", () => {
    expect(calls(ask("add 1 2", { tool_choice: "required" }))).toEqual([
      { name: "add", args: { a: 1, b: 2 } },
    ]);
  });

  it("calls nothing when tool_choice is none", () => {
    const completion = createChatCompletion(
      ask("multiply 6 by 7", { tool_choice: "none" }),
      context,
    );

    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(completion.choices[0]?.message.content).toBe("Echo: multiply 6 by 7");
  });

  it("keeps only the first call when parallel_tool_calls is false", () => {
    expect(calls(ask("add and multiply 1 2", { parallel_tool_calls: false }))).toEqual([
      { name: "add", args: { a: 1, b: 2 } },
    ]);
  });

  it("narrows the tools to an allowed_tools choice and applies its mode", () => {
    const body = ask("multiply and add", {
      tool_choice: {
        type: "allowed_tools",
        allowed_tools: {
          mode: "required",
          tools: [{ type: "function", function: { name: "get_weather" } }],
        },
      },
    });

    expect(calls(body)).toEqual([
      { name: "get_weather", args: { city: "city", unit: "celsius", days: 1 } },
    ]);
  });

  it("gives repeatable ids that differ between calls, choices and conversation turns", () => {
    const body = ask("add and multiply", { n: 2 });
    const first = createChatCompletion(body, context);
    const again = createChatCompletion(body, context);
    const later = createChatCompletion(
      {
        ...body,
        messages: [
          { role: "user", content: "hello" },
          { role: "assistant", content: "hi" },
          ...body.messages,
        ],
      },
      context,
    );

    const ids = (completion: typeof first) =>
      completion.choices.flatMap(
        (choice) => choice.message.tool_calls?.map((call) => call.id) ?? [],
      );
    expect(ids(again)).toEqual(ids(first));
    expect(new Set([...ids(first), ...ids(later)]).size).toBe(8);
  });

  it("stops calling once tool results end the conversation, so an agent loop ends", () => {
    const [call] =
      createChatCompletion(ask("multiply 6 by 7"), context).choices[0]?.message.tool_calls ?? [];
    if (!call) throw new Error("expected a first tool call");

    const completion = createChatCompletion(
      {
        tools,
        messages: [
          { role: "user", content: "multiply 6 by 7" },
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "42" },
        ],
      },
      context,
    );

    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.choices[0]?.message.content).toBe("Tool results: multiply → 42");
  });

  it("gives every one of n choices its own calls", () => {
    const completion = createChatCompletion(ask("add 1 2", { n: 2 }), context);

    expect(
      completion.choices.map((choice) => choice.message.tool_calls?.[0]?.function.arguments),
    ).toEqual(['{"a":1,"b":2}', '{"a":1,"b":2}']);
  });

  it("counts the tool calls' name and arguments as completion tokens", () => {
    const completion = createChatCompletion(ask("multiply 6 by 7"), context);

    expect(completion.usage.completion_tokens).toBe(2);
  });
});

describe("tool requests the engine refuses", () => {
  it("refuses a tool_choice naming a tool that is not offered, listing the offered ones", () => {
    const error = refusal(
      ask("x", { tool_choice: { type: "function", function: { name: "divide" } } }),
    );

    expect(error.body.error.param).toBe("tool_choice.function.name");
    expect(error.body.error.code).toBe("invalid_value");
    expect(error.message).toContain('no function named "divide"');
    expect(error.message).toContain("'multiply', 'add', 'get_weather'");
  });

  it("refuses a tool_choice when no tools are offered", () => {
    const error = refusal({ messages: [{ role: "user", content: "x" }], tool_choice: "auto" });

    expect(error.message).toBe(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    );
  });

  it.each([
    ["an unknown tool_choice string", { tool_choice: "always" }, "tool_choice"],
    ["a tool that is not a function", { tools: [{ type: "web_search" }] }, "tools[0].type"],
    [
      "a function without a name",
      { tools: [{ type: "function", function: {} }] },
      "tools[0].function.name",
    ],
    [
      "a function name with spaces",
      { tools: [{ type: "function", function: { name: "get weather" } }] },
      "tools[0].function.name",
    ],
    ["tools that are not an array", { tools: {} }, "tools"],
    ["a non-boolean parallel_tool_calls", { parallel_tool_calls: "yes" }, "parallel_tool_calls"],
  ])("refuses %s", (_, extra, param) => {
    const error = refusal(ask("x", extra));

    expect(error.status).toBe(400);
    expect(error.body.error.param).toBe(param);
  });

  it("refuses a strict tool whose parameters leave the object open", () => {
    const error = refusal(
      ask("x", {
        tools: [
          {
            type: "function",
            function: { name: "f", strict: true, parameters: { type: "object", properties: {} } },
          },
        ],
      }),
    );

    expect(error.message).toBe(
      "Invalid schema for function 'f': In context=(), 'additionalProperties' is required to be supplied and to be false.",
    );
  });
});
