import { seededSequence } from "./hash.js";
import { invalidType, invalidValue, isJsonObject, missingParameter } from "./reply-error.js";
import { countTokens } from "./tokens.js";
import type { EmbeddingsResponse, ReplyContext } from "./types.js";

/**
 * Vector length when the request does not ask for `dimensions` (that of text-embedding-3-small).
 *
 * @example
 * ```ts
 * expect(await embeddings.embedQuery("hello")).toHaveLength(DEFAULT_EMBEDDING_DIMENSIONS);
 * ```
 */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/**
 * The largest `dimensions` the mock serves (that of text-embedding-3-large); more is a 400.
 *
 * @example
 * ```ts
 * createEmbeddingsResponse(
 *   { input: "a", dimensions: MAX_EMBEDDING_DIMENSIONS },
 *   { model: "text-embedding-3-large" },
 * );
 * ```
 */
export const MAX_EMBEDDING_DIMENSIONS = 3072;
const MAX_INPUTS = 2048;

/** One input of the request: its text, or its token ids, and its token count. */
interface EmbeddingInput {
  readonly words: readonly string[];
  readonly tokens: number;
}

/**
 * The reply to an embeddings request body: one unit-length vector per input, in order. A vector
 * is the normalized sum of one pseudo-random vector per word (lower-cased letters and digits,
 * each seeded by the word) and one seeded by the whole input, so equal inputs give equal
 * vectors and inputs sharing words are closer than unrelated ones. `input` may be a string, an
 * array of strings, an array of token ids or an array of such arrays (each id counts as a
 * word `#<id>`). `dimensions` defaults to 1536; `encoding_format: "base64"` (what the openai
 * SDK asks for by default) returns little-endian float32 bytes, decoding to exactly the floats.
 * Usage counts words, or token ids. Throws {@link ReplyEngineError} for a body Azure refuses.
 *
 * @example
 * ```ts
 * const response = createEmbeddingsResponse(
 *   { input: ["red apple", "green apple"], dimensions: 8, encoding_format: "float" },
 *   { model: "text-embedding-3-small" },
 * );
 * response.data[0]?.embedding; // 8 numbers, unit length
 * ```
 */
export function createEmbeddingsResponse(body: unknown, context: ReplyContext): EmbeddingsResponse {
  if (!isJsonObject(body)) throw invalidType("(request body)", "a JSON object", body);
  const inputs = parseInputs(body.input);
  const dimensions = parseDimensions(body.dimensions);
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    throw invalidValue(
      "encoding_format",
      `${JSON.stringify(format)} is not one of 'float', 'base64'.`,
    );
  }

  const data = inputs.map((input, index) => {
    const vector = embed(input.words, dimensions);
    return {
      object: "embedding" as const,
      index,
      embedding: format === "base64" ? toBase64(vector) : Array.from(vector),
    };
  });
  const tokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  return {
    object: "list",
    model: context.model,
    data,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function parseInputs(input: unknown): EmbeddingInput[] {
  if (input === undefined) throw missingParameter("input");
  if (typeof input === "string") return [textInput(input, "input")];
  if (!Array.isArray(input) || input.length === 0) {
    throw invalidType("input", "a non-empty string, array of strings or array of token ids", input);
  }
  if (input.length > MAX_INPUTS) {
    throw invalidValue(
      "input",
      `${input.length} inputs exceed the limit of ${MAX_INPUTS} per request.`,
    );
  }
  if (input.every((item) => typeof item === "number")) return [tokenInput(input, "input")];

  return input.map((item, index) => {
    const param = `input[${index}]`;
    if (typeof item === "string") return textInput(item, param);
    if (Array.isArray(item)) return tokenInput(item, param);
    throw invalidType(param, "a string or an array of token ids", item);
  });
}

function textInput(text: string, param: string): EmbeddingInput {
  if (text === "") throw invalidValue(param, "an input must not be an empty string.");
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return { words: [`text:${text}`, ...words], tokens: countTokens(text) };
}

function tokenInput(ids: readonly unknown[], param: string): EmbeddingInput {
  if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && (id as number) >= 0)) {
    throw invalidValue(param, "a token array must hold at least one non-negative integer.");
  }
  const words = ids.map((id) => `#${id}`);
  return { words: [`tokens:${words.join(" ")}`, ...words], tokens: ids.length };
}

function parseDimensions(value: unknown): number {
  if (value == null) return DEFAULT_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(value)) throw invalidType("dimensions", "an integer", value);
  const dimensions = value as number;
  if (dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
    throw invalidValue(
      "dimensions",
      `${dimensions} is out of range; it must be between 1 and ${MAX_EMBEDDING_DIMENSIONS}.`,
    );
  }
  return dimensions;
}

function embed(words: readonly string[], dimensions: number): Float32Array {
  const sum = new Float64Array(dimensions);
  for (const word of words) {
    const next = seededSequence(word);
    for (let index = 0; index < dimensions; index += 1) sum[index] = (sum[index] ?? 0) + next();
  }

  let squares = 0;
  for (const value of sum) squares += value * value;
  const norm = Math.sqrt(squares) || 1;
  return Float32Array.from(sum, (value) => value / norm);
}

function toBase64(vector: Float32Array): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, index) => {
    bytes.setFloat32(index * 4, value, true);
  });
  return Buffer.from(bytes.buffer).toString("base64");
}
