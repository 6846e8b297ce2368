import { isJsonObject } from "./reply-error.js";

/** A JSON Schema as found in a request: an object, or `true`/`false`. */
export type JsonSchema = boolean | Record<string, unknown>;

/** Where a problem sits in a schema: the keys leading to it from the root. */
export type SchemaPath = readonly (string | number)[];

/** A schema the mock cannot accept or cannot satisfy; the caller names the tool or format. */
export class SchemaProblem extends Error {
  override name = "SchemaProblem";
  readonly path: SchemaPath;

  constructor(path: SchemaPath, problem: string) {
    // OpenAI locates schema problems as a tuple of keys; the mock writes them the same way.
    super(`In context=(${path.map((key) => `'${key}'`).join(", ")}), ${problem}`);
    this.path = path;
  }
}

const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
const SCHEMA_KEYWORDS = ["additionalProperties", "items", "additionalItems", "not", "contains"];
const SCHEMA_LIST_KEYWORDS = ["prefixItems", "anyOf", "oneOf", "allOf"];
const SCHEMA_MAP_KEYWORDS = ["properties", "$defs", "definitions"];
const COUNT_KEYWORDS = [
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
];
const BOUND_PAIRS = [
  ["minimum", "maximum"],
  ["minLength", "maxLength"],
  ["minItems", "maxItems"],
  ["minProperties", "maxProperties"],
] as const;

/** Options of {@link checkSchema}. */
export interface CheckSchemaOptions {
  /** Apply OpenAI's structured-output rules (`strict: true`). */
  readonly strict: boolean;
}

/**
 * Throws a {@link SchemaProblem} for the first thing in `schema` that is not a JSON Schema the
 * mock can serve: a root that is not an object schema (OpenAI requires one for function
 * parameters and response formats), a keyword of the wrong type, an unknown type name, an
 * empty `enum`, bounds that exclude every value, a `$ref` that does not resolve inside the
 * document. With `strict`, also OpenAI's structured-output rule that every object is closed
 * with `additionalProperties: false` and lists all its properties in `required`.
 */
export function checkSchema(schema: unknown, options: CheckSchemaOptions): void {
  if (!(isJsonObject(schema) && typeOf(schema) === "object")) {
    throw new SchemaProblem([], "schema must be a JSON Schema of 'type: \"object\"'.");
  }
  checkNode(schema, schema, [], options);
}

function checkNode(node: unknown, root: unknown, path: SchemaPath, options: CheckSchemaOptions) {
  if (typeof node === "boolean") return;
  if (!isJsonObject(node)) {
    throw new SchemaProblem(path, "a schema must be a JSON object or a boolean.");
  }

  checkKeywordTypes(node, root, path);
  if (options.strict && typeOf(node) === "object") checkStrictObject(node, path);

  for (const keyword of SCHEMA_KEYWORDS) {
    const child = node[keyword];
    if (child === undefined) continue;
    if (Array.isArray(child) && keyword === "items") {
      child.forEach((item, index) => {
        checkNode(item, root, [...path, keyword, index], options);
      });
    } else checkNode(child, root, [...path, keyword], options);
  }
  for (const keyword of SCHEMA_LIST_KEYWORDS) {
    const list = node[keyword];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) {
      throw new SchemaProblem([...path, keyword], `'${keyword}' must be a non-empty array.`);
    }
    list.forEach((child, index) => {
      checkNode(child, root, [...path, keyword, index], options);
    });
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = node[keyword];
    if (map === undefined) continue;
    if (!isJsonObject(map)) {
      throw new SchemaProblem([...path, keyword], `'${keyword}' must be an object of schemas.`);
    }
    for (const [key, child] of Object.entries(map)) {
      checkNode(child, root, [...path, keyword, key], options);
    }
  }
}

function checkKeywordTypes(node: Record<string, unknown>, root: unknown, path: SchemaPath) {
  const { type, required, enum: allowed, pattern, multipleOf, $ref } = node;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  if ((Array.isArray(type) && type.length === 0) || types.some((name) => !TYPES.has(name))) {
    throw new SchemaProblem(
      [...path, "type"],
      `'type' must be one of ${[...TYPES].map((name) => `'${name}'`).join(", ")} or a non-empty array of them.`,
    );
  }
  if (
    required !== undefined &&
    !(Array.isArray(required) && required.every((key) => typeof key === "string"))
  ) {
    throw new SchemaProblem([...path, "required"], "'required' must be an array of strings.");
  }
  if (allowed !== undefined && !(Array.isArray(allowed) && allowed.length > 0)) {
    throw new SchemaProblem([...path, "enum"], "'enum' must be a non-empty array.");
  }
  if (pattern !== undefined) checkPattern(pattern, [...path, "pattern"]);
  if (multipleOf !== undefined && !(typeof multipleOf === "number" && multipleOf > 0)) {
    throw new SchemaProblem([...path, "multipleOf"], "'multipleOf' must be a number above 0.");
  }
  for (const keyword of COUNT_KEYWORDS) {
    const count = node[keyword];
    if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 0)) {
      throw new SchemaProblem([...path, keyword], `'${keyword}' must be a non-negative integer.`);
    }
  }
  for (const keyword of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
    const bound = node[keyword];
    const allowsBoolean = keyword.startsWith("exclusive");
    if (bound === undefined || typeof bound === "number") continue;
    if (allowsBoolean && typeof bound === "boolean") continue;
    throw new SchemaProblem([...path, keyword], `'${keyword}' must be a number.`);
  }
  for (const [low, high] of BOUND_PAIRS) {
    const lowValue = node[low];
    const highValue = node[high];
    if (typeof lowValue === "number" && typeof highValue === "number" && lowValue > highValue) {
      throw new SchemaProblem(
        [...path, low],
        `'${low}' (${lowValue}) exceeds '${high}' (${highValue}).`,
      );
    }
  }
  if ($ref !== undefined) {
    if (typeof $ref !== "string") {
      throw new SchemaProblem([...path, "$ref"], "'$ref' must be a string.");
    }
    resolveRef(root, $ref, [...path, "$ref"]);
  }
}

function checkPattern(pattern: unknown, path: SchemaPath) {
  if (typeof pattern !== "string") throw new SchemaProblem(path, "'pattern' must be a string.");
  try {
    new RegExp(pattern, "u");
  } catch {
    throw new SchemaProblem(
      path,
      `'pattern' ${JSON.stringify(pattern)} is not a valid regular expression.`,
    );
  }
}

function checkStrictObject(node: Record<string, unknown>, path: SchemaPath) {
  if (node.additionalProperties !== false) {
    throw new SchemaProblem(
      path,
      "'additionalProperties' is required to be supplied and to be false.",
    );
  }
  const keys = Object.keys(isJsonObject(node.properties) ? node.properties : {});
  const required = Array.isArray(node.required) ? node.required : [];
  const missing = keys.filter((key) => !required.includes(key));
  if (missing.length > 0) {
    throw new SchemaProblem(
      path,
      `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`,
    );
  }
}

/** The JSON type a schema object describes, from `type` or, without it, from its keywords. */
export function typeOf(node: Record<string, unknown>): string | undefined {
  const { type } = node;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((name) => name !== "null") ?? "null";
  if ("properties" in node || "required" in node || "additionalProperties" in node) return "object";
  if ("items" in node || "prefixItems" in node || "minItems" in node) return "array";
  if ("minLength" in node || "maxLength" in node || "pattern" in node || "format" in node) {
    return "string";
  }
  if ("minimum" in node || "maximum" in node || "multipleOf" in node) return "number";
  return undefined;
}

/**
 * The schema a local `$ref` (`#`, `#/$defs/name`, any JSON pointer into the document) points
 * to. References to other documents are refused: the mock has no way to fetch them.
 */
export function resolveRef(root: unknown, ref: string, path: SchemaPath): JsonSchema {
  if (!ref.startsWith("#")) {
    throw new SchemaProblem(
      path,
      `'$ref' ${JSON.stringify(ref)} points outside the schema; only local references ('#/…') are supported.`,
    );
  }
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer !== "" && !pointer.startsWith("/")) {
    throw new SchemaProblem(path, `'$ref' ${JSON.stringify(ref)} is not a JSON pointer.`);
  }

  let target: unknown = root;
  for (const token of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const key = token.replaceAll("~1", "/").replaceAll("~0", "~");
    target = Array.isArray(target)
      ? target[Number(key)]
      : isJsonObject(target)
        ? target[key]
        : undefined;
    if (target === undefined) {
      throw new SchemaProblem(path, `'$ref' ${JSON.stringify(ref)} does not resolve to a schema.`);
    }
  }

  if (typeof target !== "boolean" && !isJsonObject(target)) {
    throw new SchemaProblem(path, `'$ref' ${JSON.stringify(ref)} does not resolve to a schema.`);
  }
  return target;
}
