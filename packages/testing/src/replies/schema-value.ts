import {
  type JsonSchema,
  resolveRef,
  type SchemaPath,
  SchemaProblem,
  typeOf,
} from "./json-schema.js";
import { samplePattern } from "./pattern-sample.js";
import type { PromptValues } from "./prompt-values.js";
import { isJsonObject } from "./reply-error.js";
import { formattedString } from "./string-formats.js";

type SchemaObject = Record<string, unknown>;

/** Where a value goes: the property it fills, and its position among array items. */
interface Slot {
  readonly key: string | undefined;
  readonly variant: number;
}

// Deeper than this, a schema can only be a recursion without an optional way out.
const MAX_DEPTH = 64;
const DEFAULT_NUMBER = 1;
const PATTERN_FALLBACKS = ["a", "A", "0", "a0", "example", "x"];

/**
 * A value valid against `schema` (already accepted by `checkSchema`), built by the mock's
 * documented rules, taking numbers, quoted phrases and dates from `values` where the schema
 * leaves a choice. Throws {@link SchemaProblem} when the schema asks for something the rules
 * cannot meet (a `pattern` no candidate matches, unsatisfiable bounds, endless recursion).
 */
export function generateValue(schema: JsonSchema, values: PromptValues): unknown {
  return new ValueGenerator(schema, values).generate(schema, [], { key: undefined, variant: 0 });
}

class ValueGenerator {
  readonly #root: JsonSchema;
  readonly #values: PromptValues;
  readonly #activeRefs: string[] = [];

  constructor(root: JsonSchema, values: PromptValues) {
    this.#root = root;
    this.#values = values;
  }

  generate(node: JsonSchema, path: SchemaPath, slot: Slot): unknown {
    if (path.length > MAX_DEPTH) {
      throw new SchemaProblem(
        path,
        "the schema recurses without end; make the recursive field optional or nullable.",
      );
    }
    if (node === true) return slot.key ?? "text";
    if (node === false) throw new SchemaProblem(path, "the schema 'false' accepts no value.");

    if (typeof node.$ref === "string") return this.#reference(node, node.$ref, path, slot);
    if (Array.isArray(node.allOf)) {
      const { allOf, ...rest } = node;
      const merged = (allOf as JsonSchema[]).reduce<JsonSchema>(mergeSchemas, rest);
      return this.generate(merged, [...path, "allOf"], slot);
    }
    if ("const" in node) return node.const;
    if (Array.isArray(node.enum)) return node.enum[slot.variant % node.enum.length];
    const keyword = Array.isArray(node.anyOf) ? "anyOf" : "oneOf";
    const branches = node[keyword];
    if (Array.isArray(branches)) {
      const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
      // The first branch wins, unless it would recurse into a definition being built.
      const usable = branches.findIndex(
        (candidate) => candidate !== false && !this.#reenters(candidate),
      );
      const index = usable === -1 ? 0 : usable;
      const branch = branches[index] as JsonSchema;
      return this.generate(mergeSchemas(rest, branch), [...path, keyword, index], slot);
    }

    switch (typeOf(node)) {
      case "object":
        return this.#object(node, path, slot);
      case "array":
        return this.#array(node, path, slot);
      case "integer":
        return this.#number(node, path, slot, true);
      case "number":
        return this.#number(node, path, slot, false);
      case "boolean":
        return slot.variant % 2 === 0;
      case "null":
        return null;
      default:
        return this.#string(node, path, slot);
    }
  }

  #reference(node: SchemaObject, ref: string, path: SchemaPath, slot: Slot): unknown {
    const { $ref: _ref, ...siblings } = node;
    const target = resolveRef(this.#root, ref, [...path, "$ref"]);
    const schema = Object.keys(siblings).length > 0 ? mergeSchemas(target, siblings) : target;

    this.#activeRefs.push(ref);
    try {
      return this.generate(schema, [...path, "$ref"], slot);
    } finally {
      this.#activeRefs.pop();
    }
  }

  #reenters(node: unknown): boolean {
    return (
      isJsonObject(node) && typeof node.$ref === "string" && this.#activeRefs.includes(node.$ref)
    );
  }

  #object(node: SchemaObject, path: SchemaPath, slot: Slot): Record<string, unknown> {
    const properties = isJsonObject(node.properties) ? node.properties : {};
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    const extra = (node.additionalProperties ?? true) as JsonSchema;
    const result: Record<string, unknown> = {};

    // Every declared property is filled, optional ones too, except a recursion back into a
    // definition being built: that is where a recursive schema ends.
    for (const [key, child] of Object.entries(properties)) {
      if (!required.includes(key) && this.#reenters(child)) continue;
      result[key] = this.generate(child as JsonSchema, [...path, "properties", key], {
        key,
        variant: slot.variant,
      });
    }
    for (const key of required.filter((name) => !(name in result))) {
      if (extra === false) {
        throw new SchemaProblem(
          [...path, "required"],
          `'${key}' is required but not among the allowed properties.`,
        );
      }
      result[key] = this.generate(extra, [...path, "additionalProperties"], { key, variant: 0 });
    }

    const minimum = typeof node.minProperties === "number" ? node.minProperties : 0;
    for (let extraIndex = 1; Object.keys(result).length < minimum; extraIndex += 1) {
      if (extra === false) {
        throw new SchemaProblem(
          [...path, "minProperties"],
          "'minProperties' exceeds the properties allowed.",
        );
      }
      const key = `property${extraIndex}`;
      if (!(key in result)) {
        result[key] = this.generate(extra, [...path, "additionalProperties"], { key, variant: 0 });
      }
    }
    const maximum = typeof node.maxProperties === "number" ? node.maxProperties : Infinity;
    for (const key of Object.keys(result).reverse()) {
      if (Object.keys(result).length <= maximum) break;
      if (!required.includes(key)) delete result[key];
    }
    if (Object.keys(result).length > maximum) {
      throw new SchemaProblem(
        [...path, "maxProperties"],
        "'maxProperties' is below the number of required properties.",
      );
    }
    return result;
  }

  #array(node: SchemaObject, path: SchemaPath, slot: Slot): unknown[] {
    const tuple = Array.isArray(node.items);
    const prefix = (
      Array.isArray(node.prefixItems) ? node.prefixItems : tuple ? node.items : []
    ) as JsonSchema[];
    const rest = (tuple ? (node.additionalItems ?? true) : (node.items ?? true)) as JsonSchema;
    const minimum = typeof node.minItems === "number" ? node.minItems : 0;
    const maximum = typeof node.maxItems === "number" ? node.maxItems : Infinity;

    const wanted =
      prefix.length + (rest === false || this.#reenters(rest) ? 0 : this.#restCount(rest));
    const count = Math.min(Math.max(wanted, minimum), maximum);
    if (rest === false && count > prefix.length) {
      throw new SchemaProblem(
        [...path, "minItems"],
        "'minItems' exceeds the items the tuple allows.",
      );
    }

    const items = Array.from({ length: count }, (_, index) =>
      this.generate(prefix[index] ?? rest, [...path, "items", index], {
        key: slot.key,
        variant: index,
      }),
    );
    if (
      node.uniqueItems === true &&
      new Set(items.map((item) => JSON.stringify(item))).size < count
    ) {
      throw new SchemaProblem(
        [...path, "uniqueItems"],
        "the mock cannot make these items distinct; lower 'minItems' or give distinct values in the prompt.",
      );
    }
    return items;
  }

  // An array of numbers takes every number left in the prompt, an array of plain strings every
  // quoted phrase left; any other array gets one item.
  #restCount(rest: JsonSchema): number {
    if (!isJsonObject(rest) || "enum" in rest || "const" in rest) return 1;
    const type = typeOf(rest);
    if (type === "number" || type === "integer") return Math.max(1, this.#values.remainingNumbers);
    if (type === "string" && rest.format === undefined) {
      return Math.max(1, this.#values.remainingPhrases);
    }
    return 1;
  }

  #string(node: SchemaObject, path: SchemaPath, slot: Slot): string {
    const formatted =
      typeof node.format === "string"
        ? formattedString(node.format, slot.variant, this.#values)
        : undefined;
    if (formatted !== undefined) return formatted;

    const base = slot.key ?? "text";
    const chosen =
      this.#values.nextPhrase() ?? (slot.variant === 0 ? base : `${base}-${slot.variant + 1}`);
    const fitted = fitLength(chosen, node);
    if (typeof node.pattern !== "string") return fitted;

    const pattern = new RegExp(node.pattern, "u");
    const sampled = samplePattern(node.pattern);
    const candidates = [chosen, ...(sampled === undefined ? [] : [sampled]), ...PATTERN_FALLBACKS];
    const match = candidates
      .map((candidate) => fitLength(candidate, node))
      .find((candidate) => pattern.test(candidate));
    if (match === undefined) {
      throw new SchemaProblem(
        [...path, "pattern"],
        `the mock cannot produce a string matching ${JSON.stringify(node.pattern)}; quote a matching value in the prompt.`,
      );
    }
    return match;
  }

  #number(node: SchemaObject, path: SchemaPath, slot: Slot, integer: boolean): number {
    const wanted = this.#values.nextNumber() ?? DEFAULT_NUMBER + slot.variant;
    const { low, high, lowExclusive, highExclusive } = numberBounds(node);
    const value = integer ? Math.round(wanted) : wanted;

    if (typeof node.multipleOf === "number") {
      const step = node.multipleOf;
      const first = Math.ceil(low / step) + (lowExclusive && Number.isInteger(low / step) ? 1 : 0);
      const last =
        Math.floor(high / step) - (highExclusive && Number.isInteger(high / step) ? 1 : 0);
      if (first > last) throw unsatisfiable(path);
      return tidy(Math.min(Math.max(Math.round(value / step), first), last) * step);
    }
    if (integer) {
      const least = lowExclusive ? Math.floor(low) + 1 : Math.ceil(low);
      const most = highExclusive ? Math.ceil(high) - 1 : Math.floor(high);
      if (least > most) throw unsatisfiable(path);
      return Math.min(Math.max(value, least), most);
    }

    // An exclusive bound is not a value: step one unit (or half the gap) inside it.
    let clamped = value;
    if (clamped < low || (lowExclusive && clamped <= low)) {
      clamped = lowExclusive ? inside(low, high, 1) : low;
    }
    if (clamped > high || (highExclusive && clamped >= high)) {
      clamped = highExclusive ? inside(high, low, -1) : high;
    }
    const outside = lowExclusive ? clamped <= low : clamped < low;
    if (outside || (highExclusive ? clamped >= high : clamped > high)) throw unsatisfiable(path);
    return tidy(clamped);
  }
}

function numberBounds(node: SchemaObject) {
  let low = typeof node.minimum === "number" ? node.minimum : -Infinity;
  let high = typeof node.maximum === "number" ? node.maximum : Infinity;
  // Draft 4 writes exclusivity as a boolean beside minimum/maximum; later drafts as a number.
  let lowExclusive = node.exclusiveMinimum === true;
  let highExclusive = node.exclusiveMaximum === true;
  if (typeof node.exclusiveMinimum === "number" && node.exclusiveMinimum >= low) {
    low = node.exclusiveMinimum;
    lowExclusive = true;
  }
  if (typeof node.exclusiveMaximum === "number" && node.exclusiveMaximum <= high) {
    high = node.exclusiveMaximum;
    highExclusive = true;
  }
  return { low, high, lowExclusive, highExclusive };
}

function inside(bound: number, other: number, direction: 1 | -1): number {
  const gap = Math.abs(other - bound);
  return bound + direction * (Number.isFinite(gap) && gap <= 2 ? gap / 2 : 1);
}

const unsatisfiable = (path: SchemaPath) =>
  new SchemaProblem(path, "the bounds leave no number that satisfies them.");

// Float steps such as 0.1 * 3 would otherwise print as 0.30000000000000004.
const tidy = (value: number) => (Number.isInteger(value) ? value : Number(value.toPrecision(12)));

function fitLength(text: string, node: SchemaObject): string {
  const characters = Array.from(text);
  const minimum = typeof node.minLength === "number" ? node.minLength : 0;
  const maximum = typeof node.maxLength === "number" ? node.maxLength : Infinity;
  while (characters.length < minimum) characters.push("x");
  return characters.slice(0, maximum).join("");
}

/**
 * Both schemas at once, as far as the generator needs: properties and `required` combined,
 * a property in both kept as `allOf` of the two, every other keyword taken from `extra`.
 */
export function mergeSchemas(base: JsonSchema, extra: JsonSchema): JsonSchema {
  if (typeof base === "boolean") return base ? extra : false;
  if (typeof extra === "boolean") return extra ? base : false;

  const merged: SchemaObject = { ...base, ...extra };
  if (isJsonObject(base.properties) && isJsonObject(extra.properties)) {
    const properties: SchemaObject = { ...base.properties };
    for (const [key, schema] of Object.entries(extra.properties)) {
      properties[key] = key in properties ? { allOf: [properties[key], schema] } : schema;
    }
    merged.properties = properties;
  }
  if (Array.isArray(base.required) && Array.isArray(extra.required)) {
    merged.required = [...new Set([...base.required, ...extra.required])];
  }
  return merged;
}
