import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createChatCompletion, ReplyEngineError } from "../src/replies/index.js";

const context = { model: "gpt-4o-2024-08-06", id: "chatcmpl-test", created: 1_700_000_000 };

/** The JSON content the engine answers `prompt` with under `schema`. */
function structuredReply(schema: unknown, prompt = "Fill the form", strict = false): unknown {
  const completion = createChatCompletion(
    {
      messages: [{ role: "user", content: prompt }],
      response_format: { type: "json_schema", json_schema: { name: "form", schema, strict } },
    },
    context,
  );
  const content = completion.choices[0]?.message.content;
  if (typeof content !== "string") throw new Error("the reply has no content");
  return JSON.parse(content);
}

/** The arguments of the single call the engine makes to a tool with these parameters. */
function toolArguments(parameters: unknown, prompt: string): unknown {
  const completion = createChatCompletion(
    {
      messages: [{ role: "user", content: prompt }],
      tools: [{ type: "function", function: { name: "tool", parameters } }],
      tool_choice: { type: "function", function: { name: "tool" } },
    },
    context,
  );
  const call = completion.choices[0]?.message.tool_calls?.[0];
  if (!call) throw new Error("the reply has no tool call");
  return JSON.parse(call.function.arguments);
}

function expectValid(schema: Record<string, unknown>, value: unknown) {
  const result = z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema).safeParse(value);
  expect(result.error?.issues ?? []).toEqual([]);
}

function refusal(action: () => unknown): ReplyEngineError {
  try {
    action();
  } catch (error) {
    if (error instanceof ReplyEngineError) return error;
    throw error;
  }
  throw new Error("expected a ReplyEngineError, but nothing was thrown");
}

const order = {
  type: "object",
  properties: {
    orderId: { type: "string", format: "uuid" },
    placedAt: { type: "string", format: "date-time" },
    deliveryDate: { type: "string", format: "date" },
    contact: { type: "string", format: "email" },
    website: { type: "string", format: "uri" },
    status: { type: "string", enum: ["pending", "shipped", "delivered"] },
    channel: { const: "web" },
    customer: { $ref: "#/$defs/customer" },
    lines: { type: "array", minItems: 2, items: { $ref: "#/$defs/line" } },
    note: { type: ["string", "null"], maxLength: 4 },
    discount: { anyOf: [{ type: "number", minimum: 0, maximum: 0.5 }, { type: "null" }] },
    gift: { type: "boolean" },
    reachAt: {
      oneOf: [
        { type: "integer", minimum: 1000 },
        { type: "string", format: "email" },
      ],
    },
    tags: { type: "array", items: { type: "string", minLength: 3 }, uniqueItems: true },
  },
  required: ["orderId", "placedAt", "status", "customer", "lines", "channel"],
  additionalProperties: false,
  $defs: {
    customer: {
      type: "object",
      properties: {
        name: { type: "string", minLength: 2, maxLength: 40 },
        address: {
          type: "object",
          properties: {
            street: { type: "string" },
            postcode: { type: "string", pattern: "^[0-9]{5}$" },
            country: { type: "string", enum: ["FR", "DE"] },
          },
          required: ["street", "postcode", "country"],
          additionalProperties: false,
        },
      },
      required: ["name", "address"],
      additionalProperties: false,
    },
    line: {
      type: "object",
      properties: {
        sku: { type: "string", minLength: 8 },
        quantity: { type: "integer", minimum: 1, maximum: 10 },
        unitPrice: { type: "number", exclusiveMinimum: 0, multipleOf: 0.01 },
      },
      required: ["sku", "quantity", "unitPrice"],
      additionalProperties: false,
    },
  },
};

describe("structured output", () => {
  it("fills a schema with nested objects, arrays, refs, enums, formats and anyOf validly", () => {
    const value = structuredReply(order);

    expectValid(order, value);
    expect(value).toMatchObject({
      orderId: "00000000-0000-4000-8000-000000000000",
      placedAt: "2025-01-01T00:00:00Z",
      deliveryDate: "2025-01-01",
      contact: "user@example.com",
      website: "https://example.com/",
      status: "pending",
      channel: "web",
      customer: { address: { country: "FR" } },
      gift: true,
      reachAt: 1000,
    });
    expect((value as { lines: unknown[] }).lines).toHaveLength(2);
  });

  it("includes optional properties, and only declared ones when the object is closed", () => {
    const schema = {
      type: "object",
      properties: { required: { type: "string" }, optional: { type: "integer" } },
      required: ["required"],
      additionalProperties: false,
    };

    expect(structuredReply(schema)).toEqual({ required: "required", optional: 1 });
  });

  it("takes numbers from the prompt in property order and clamps them to the bounds", () => {
    const schema = {
      type: "object",
      properties: {
        small: { type: "integer", maximum: 10 },
        price: { type: "number" },
        rounded: { type: "integer" },
        positive: { type: "number", exclusiveMinimum: 0, maximum: 1 },
      },
      required: ["small", "price", "rounded", "positive"],
    };

    const value = structuredReply(schema, "Set 42, then 3.25 and 7.6 and finally -5");

    expect(value).toEqual({ small: 10, price: 3.25, rounded: 8, positive: 0.5 });
    expectValid(schema, value);
  });

  it("honours exclusive bounds written as draft-4 booleans and multipleOf steps", () => {
    const schema = {
      type: "object",
      properties: {
        above: { type: "integer", minimum: 5, exclusiveMinimum: true },
        below: { type: "number", maximum: 2, exclusiveMaximum: true },
        step: { type: "integer", multipleOf: 5, minimum: 12 },
      },
      required: ["above", "below", "step"],
    };

    expect(structuredReply(schema, "values 1, 2 and 3")).toEqual({ above: 6, below: 1, step: 15 });
  });

  it("gives a quoted phrase to the next plain string and ISO dates to date formats", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        from: { type: "string", format: "date" },
        until: { type: "string", format: "date-time" },
      },
      required: ["city", "from", "until"],
    };

    const value = structuredReply(
      schema,
      "What's on in 'San Francisco' from 2025-03-14 to 2025-03-20?",
    );

    expect(value).toEqual({
      city: "San Francisco",
      from: "2025-03-14",
      until: "2025-03-20T00:00:00Z",
    });
  });

  it("takes a full ISO date-time from the prompt for a date-time field", () => {
    const schema = {
      type: "object",
      properties: {
        at: { type: "string", format: "date-time" },
        day: { type: "string", format: "date" },
      },
      required: ["at", "day"],
    };

    expect(structuredReply(schema, "Book it for 2025-06-01T09:30:00+02:00 please")).toEqual({
      at: "2025-06-01T09:30:00+02:00",
      day: "2025-01-01",
    });
  });

  it("ignores digits inside words, versions and quoted phrases when taking numbers", () => {
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, count: { type: "integer" } },
      required: ["name", "count"],
    };

    expect(structuredReply(schema, "Ask gpt-4o v1.2.3 about 'iPhone 15' under 1000")).toEqual({
      name: "iPhone 15",
      count: 1000,
    });
  });

  it("fills an array of numbers with every number left in the prompt", () => {
    const schema = {
      type: "object",
      properties: { numbers: { type: "array", items: { type: "number" }, maxItems: 3 } },
      required: ["numbers"],
    };

    expect(structuredReply(schema, "sum 1, 2, 3 and 4")).toEqual({ numbers: [1, 2, 3] });
  });

  it("fills an array of strings with every quoted phrase left in the prompt", () => {
    const schema = {
      type: "object",
      properties: { cities: { type: "array", items: { type: "string" } } },
      required: ["cities"],
    };

    expect(structuredReply(schema, `Compare 'Paris' and "Berlin"`)).toEqual({
      cities: ["Paris", "Berlin"],
    });
  });

  it("makes unique items distinct: successive enum values, numbered strings and formats", () => {
    const schema = {
      type: "object",
      properties: {
        colors: {
          type: "array",
          items: { enum: ["red", "green", "blue"] },
          minItems: 2,
          uniqueItems: true,
        },
        labels: { type: "array", items: { type: "string" }, minItems: 3, uniqueItems: true },
        emails: {
          type: "array",
          items: { type: "string", format: "email" },
          minItems: 2,
          uniqueItems: true,
        },
      },
      required: ["colors", "labels", "emails"],
    };

    const value = structuredReply(schema);

    expect(value).toEqual({
      colors: ["red", "green"],
      labels: ["labels", "labels-2", "labels-3"],
      emails: ["user@example.com", "user2@example.com"],
    });
    expectValid(schema, value);
  });

  it("ends a recursive schema at its optional or nullable recursion", () => {
    const tree = {
      type: "object",
      properties: { root: { $ref: "#/$defs/node" } },
      required: ["root"],
      $defs: {
        node: {
          type: "object",
          properties: {
            label: { type: "string" },
            parent: { anyOf: [{ $ref: "#/$defs/node" }, { type: "null" }] },
            next: { $ref: "#/$defs/node" },
            children: { type: "array", items: { $ref: "#/$defs/node" } },
          },
          required: ["label", "parent", "children"],
        },
      },
    };

    const value = structuredReply(tree);

    expect(value).toEqual({ root: { label: "label", parent: null, children: [] } });
    expectValid(tree, value);
  });

  it("merges allOf branches and resolves draft-7 definitions and root references", () => {
    const schema = {
      type: "object",
      allOf: [
        { properties: { id: { type: "integer", minimum: 100 } }, required: ["id"] },
        { properties: { kind: { $ref: "#/definitions/kind" } }, required: ["kind"] },
      ],
      definitions: { kind: { type: "string", enum: ["a", "b"] } },
    };

    expect(structuredReply(schema)).toEqual({ id: 100, kind: "a" });
  });

  it("pads and cuts strings to their length bounds and satisfies a simple pattern", () => {
    const schema = {
      type: "object",
      properties: {
        code: { type: "string", minLength: 6 },
        short: { type: "string", maxLength: 3 },
        digits: { type: "string", pattern: "^[0-9]+$" },
      },
      required: ["code", "short", "digits"],
    };

    const value = structuredReply(schema);

    expect(value).toEqual({ code: "codexx", short: "sho", digits: "0" });
    expectValid(schema, value);
  });

  it("derives the shortest match of a simple pattern: classes, escapes, groups, quantifiers", () => {
    const schema = {
      type: "object",
      properties: {
        plate: { type: "string", pattern: "^[A-Z]{2}-\\d{3}$" },
        url: { type: "string", pattern: "^(https?|ftp)://[a-z]+\\.com/?$" },
        hex: { type: "string", pattern: "^#[0-9a-fA-F]{6}$" },
      },
      required: ["plate", "url", "hex"],
    };

    const value = structuredReply(schema);

    expect(value).toEqual({ plate: "AA-000", url: "http://a.com", hex: "#000000" });
    expectValid(schema, value);
  });

  it("uses a quoted phrase that matches a pattern", () => {
    const schema = {
      type: "object",
      properties: { plate: { type: "string", pattern: "^[A-Z]{2}-[0-9]{3}$" } },
      required: ["plate"],
    };

    expect(structuredReply(schema, "Look up 'AB-123'")).toEqual({ plate: "AB-123" });
  });

  it("generates tool arguments with the same rules as structured output", () => {
    const parameters = {
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    };

    expect(toolArguments(parameters, "multiply 6 by 7")).toEqual({ a: 6, b: 7 });
  });

  it("answers a tool without parameters with empty arguments", () => {
    expect(toolArguments(undefined, "now")).toEqual({});
  });
});

describe("schemas the engine refuses", () => {
  it.each([
    ["a non-object root", { type: "string" }, "schema must be a JSON Schema of 'type: \"object\"'"],
    [
      "an unknown type",
      { type: "object", properties: { a: { type: "text" } } },
      "'type' must be one of",
    ],
    [
      "an empty enum",
      { type: "object", properties: { a: { enum: [] } } },
      "'enum' must be a non-empty array",
    ],
    [
      "a dangling $ref",
      { type: "object", properties: { a: { $ref: "#/$defs/missing" } } },
      "does not resolve",
    ],
    [
      "a remote $ref",
      { type: "object", properties: { a: { $ref: "https://example.com/s.json" } } },
      "only local references",
    ],
    [
      "crossed bounds",
      { type: "object", properties: { a: { type: "integer", minimum: 5, maximum: 1 } } },
      "'minimum' (5) exceeds 'maximum' (1)",
    ],
    [
      "an invalid pattern",
      { type: "object", properties: { a: { type: "string", pattern: "(" } } },
      "not a valid regular expression",
    ],
    [
      "required keys as a string",
      { type: "object", required: "a" },
      "'required' must be an array of strings",
    ],
  ])(
    "refuses %s in function parameters with invalid_function_parameters",
    (_, parameters, meaning) => {
      const error = refusal(() => toolArguments(parameters, "go"));

      expect(error.status).toBe(400);
      expect(error.body.error).toMatchObject({
        code: "invalid_function_parameters",
        param: "tools[0].function.parameters",
        type: "invalid_request_error",
      });
      expect(error.message).toContain("Invalid schema for function 'tool': In context=(");
      expect(error.message).toContain(meaning);
    },
  );

  it("refuses a strict schema whose objects are open, naming where", () => {
    const schema = {
      type: "object",
      properties: {
        inner: { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      },
      required: ["inner"],
      additionalProperties: false,
    };

    const error = refusal(() => structuredReply(schema, "go", true));

    expect(error.body.error.code).toBe("invalid_json_schema");
    expect(error.body.error.param).toBe("response_format");
    expect(error.message).toBe(
      "Invalid schema for response_format 'form': In context=('properties', 'inner'), 'additionalProperties' is required to be supplied and to be false.",
    );
  });

  it("refuses a strict schema that leaves a property out of required", () => {
    const schema = {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "string" } },
      required: ["a"],
      additionalProperties: false,
    };

    const error = refusal(() => structuredReply(schema, "go", true));

    expect(error.message).toContain("Missing 'b'");
  });

  it("accepts the same open schema when it is not strict", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };

    expect(structuredReply(schema, "go", false)).toEqual({ a: "a" });
  });

  it("refuses a pattern it cannot meet and says how to meet it", () => {
    const schema = {
      type: "object",
      properties: { password: { type: "string", pattern: "^(?=.*[0-9])(?=.*[a-z])[a-z0-9]{8}$" } },
      required: ["password"],
    };

    const error = refusal(() => structuredReply(schema));

    expect(error.message).toContain("cannot produce a string matching");
    expect(error.message).toContain("quote a matching value in the prompt");
  });

  it("refuses a required recursion that never ends", () => {
    const schema = {
      type: "object",
      properties: { node: { $ref: "#/$defs/node" } },
      required: ["node"],
      $defs: {
        node: {
          type: "object",
          properties: { next: { $ref: "#/$defs/node" } },
          required: ["next"],
        },
      },
    };

    const error = refusal(() => structuredReply(schema));

    expect(error.message).toContain("recurses without end");
  });
});
