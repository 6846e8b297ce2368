import type { CreateEmbeddingResponse } from "openai/resources/embeddings";
import { describe, expect, it } from "vitest";
import {
  createEmbeddingsResponse,
  DEFAULT_EMBEDDING_DIMENSIONS,
  ReplyEngineError,
} from "../src/replies/index.js";

const context = { model: "text-embedding-3-small" };

function vectors(input: unknown, extra: Record<string, unknown> = {}): number[][] {
  const response = createEmbeddingsResponse({ input, encoding_format: "float", ...extra }, context);
  return response.data.map((item) => {
    if (typeof item.embedding === "string") throw new Error("expected float vectors");
    return item.embedding;
  });
}

const dot = (a: readonly number[], b: readonly number[]) =>
  a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);

function refusal(body: unknown): ReplyEngineError {
  try {
    createEmbeddingsResponse(body, context);
  } catch (error) {
    if (error instanceof ReplyEngineError) return error;
    throw error;
  }
  throw new Error("expected a ReplyEngineError, but the body was accepted");
}

describe("createEmbeddingsResponse", () => {
  it("answers one unit-length vector of 1536 dimensions per input, with usage", () => {
    const response = createEmbeddingsResponse(
      { input: ["first text", "second longer text"], encoding_format: "float" },
      context,
    );

    expect(response.object).toBe("list");
    expect(response.model).toBe("text-embedding-3-small");
    expect(response.data.map((item) => [item.object, item.index])).toEqual([
      ["embedding", 0],
      ["embedding", 1],
    ]);
    for (const item of response.data) {
      const vector = item.embedding as number[];
      expect(vector).toHaveLength(DEFAULT_EMBEDDING_DIMENSIONS);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
    }
    expect(response.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
  });

  it("produces an object the openai SDK's CreateEmbeddingResponse type accepts for floats", () => {
    const response = createEmbeddingsResponse(
      { input: "typed", encoding_format: "float" },
      context,
    );
    const typed: CreateEmbeddingResponse = {
      ...response,
      data: response.data.map((item) => ({ ...item, embedding: item.embedding as number[] })),
    };

    expect(typed.data).toHaveLength(1);
  });

  it("gives equal texts equal vectors and different texts different ones", () => {
    const [first, again, other] = vectors(["the same text", "the same text", "another text"]);

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it("places texts sharing words closer than unrelated texts", () => {
    const [apple, greenApple, weather] = vectors([
      "red apple pie",
      "green apple pie",
      "stormy weather",
    ]);
    if (!apple || !greenApple || !weather) throw new Error("expected three vectors");

    expect(dot(apple, greenApple)).toBeGreaterThan(0.5);
    expect(Math.abs(dot(apple, weather))).toBeLessThan(0.2);
  });

  it("honours dimensions", () => {
    const [vector] = vectors("short", { dimensions: 8 });

    expect(vector).toHaveLength(8);
    expect(dot(vector ?? [], vector ?? [])).toBeCloseTo(1, 5);
  });

  it("encodes base64 as little-endian float32 that decodes to exactly the float vector", () => {
    const floats = vectors("encode me", { dimensions: 16 })[0];
    const response = createEmbeddingsResponse(
      { input: "encode me", dimensions: 16, encoding_format: "base64" },
      context,
    );
    const encoded = response.data[0]?.embedding;
    if (typeof encoded !== "string") throw new Error("expected a base64 string");

    const bytes = Buffer.from(encoded, "base64");
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) =>
      bytes.readFloatLE(index * 4),
    );

    expect(decoded).toEqual(floats);
  });

  it("defaults to floats when the request names no encoding", () => {
    const response = createEmbeddingsResponse({ input: "plain", dimensions: 4 }, context);

    expect(Array.isArray(response.data[0]?.embedding)).toBe(true);
  });

  it("accepts token arrays and counts their ids as tokens", () => {
    const response = createEmbeddingsResponse(
      { input: [[1, 2, 3], [4]], dimensions: 4, encoding_format: "float" },
      context,
    );
    const single = createEmbeddingsResponse(
      { input: [1, 2, 3], dimensions: 4, encoding_format: "float" },
      context,
    );

    expect(response.data).toHaveLength(2);
    expect(response.usage.prompt_tokens).toBe(4);
    expect(single.data[0]?.embedding).toEqual(response.data[0]?.embedding);
  });

  it.each([
    ["a body that is not an object", "text", "(request body)"],
    ["missing input", {}, "input"],
    ["an empty input array", { input: [] }, "input"],
    ["an empty string", { input: "" }, "input"],
    ["an empty string among inputs", { input: ["a", ""] }, "input[1]"],
    ["an input of the wrong type", { input: [{}] }, "input[0]"],
    ["negative token ids", { input: [[-1]] }, "input[0]"],
    ["dimensions of zero", { input: "a", dimensions: 0 }, "dimensions"],
    ["too many dimensions", { input: "a", dimensions: 4096 }, "dimensions"],
    ["an unknown encoding", { input: "a", encoding_format: "hex" }, "encoding_format"],
    ["more than 2048 inputs", { input: Array.from({ length: 2049 }, () => "a") }, "input"],
  ])("refuses %s", (_, body, param) => {
    const error = refusal(body);

    expect(error.status).toBe(400);
    expect(error.body.error.param).toBe(param);
    expect(error.body.error.type).toBe("invalid_request_error");
  });
});
