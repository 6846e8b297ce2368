import { checkSchema, type JsonSchema, SchemaProblem } from "./json-schema.js";
import { type ChatMessage, parseMessages } from "./messages.js";
import {
  invalidType,
  invalidValue,
  isJsonObject,
  missingParameter,
  ReplyEngineError,
} from "./reply-error.js";

/** A function tool offered by the request. */
export interface ToolDefinition {
  readonly name: string;
  readonly parameters: JsonSchema;
}

/** How the request lets the model use its tools. */
export type ToolChoice =
  | { readonly kind: "auto" }
  | { readonly kind: "none" }
  | { readonly kind: "required" }
  | { readonly kind: "function"; readonly name: string };

/** The format the reply's content must take. */
export type ResponseFormat =
  | { readonly kind: "text" }
  | { readonly kind: "json_object" }
  | { readonly kind: "json_schema"; readonly name: string; readonly schema: JsonSchema };

/** A chat completions request body, checked and reduced to what the reply rules read. */
export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  /** The tools the model may call (narrowed by an `allowed_tools` choice). */
  readonly tools: readonly ToolDefinition[];
  readonly toolChoice: ToolChoice;
  readonly parallelToolCalls: boolean;
  readonly responseFormat: ResponseFormat;
  readonly stop: readonly string[];
  readonly maxTokens: number | undefined;
  readonly choiceCount: number;
  readonly includeUsage: boolean;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const EMPTY_PARAMETERS = { type: "object", properties: {} };

/**
 * Checks a chat completions request body the way Azure OpenAI does and returns what the reply
 * depends on. Throws {@link ReplyEngineError} naming the first field at fault. Parameters the
 * mock does not act on (temperature, seed, user…) are accepted and ignored.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isJsonObject(body)) throw invalidType("(request body)", "a JSON object", body);
  if (body.functions != null || body.function_call != null) {
    throw new ReplyEngineError(
      "The mock serves 'tools' and 'tool_choice' only; replace the deprecated 'functions' and 'function_call' with them.",
      {
        param: body.functions != null ? "functions" : "function_call",
        code: "unsupported_parameter",
      },
    );
  }

  const messages = parseMessages(body.messages);
  const offered = parseTools(body.tools);
  const { toolChoice, tools } = parseToolChoice(body.tool_choice, offered);
  const responseFormat = parseResponseFormat(body.response_format, messages);
  if (body.stream_options != null && body.stream !== true) {
    throw invalidValue(
      "stream_options",
      "'stream_options' is only allowed when 'stream' is enabled.",
    );
  }

  return {
    messages,
    tools,
    toolChoice,
    parallelToolCalls: optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls") ?? true,
    responseFormat,
    stop: parseStop(body.stop),
    maxTokens:
      positiveInteger(body.max_completion_tokens, "max_completion_tokens") ??
      positiveInteger(body.max_tokens, "max_tokens"),
    choiceCount: positiveInteger(body.n, "n", 128) ?? 1,
    includeUsage: parseIncludeUsage(body.stream_options),
  };
}

function parseTools(value: unknown): ToolDefinition[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw invalidType("tools", "an array", value);

  return value.map((tool, index) => {
    const param = `tools[${index}]`;
    if (!isJsonObject(tool)) throw invalidType(param, "an object", tool);
    if (tool.type !== "function") {
      throw invalidValue(
        `${param}.type`,
        `${JSON.stringify(tool.type)} is not served by the mock. Supported values are: 'function'.`,
      );
    }
    if (!isJsonObject(tool.function)) throw missingParameter(`${param}.function`);
    const { name, parameters, strict } = tool.function;
    if (name === undefined) throw missingParameter(`${param}.function.name`);
    if (typeof name !== "string" || !NAME.test(name)) {
      throw invalidValue(
        `${param}.function.name`,
        `${JSON.stringify(name)} does not match the pattern '^[a-zA-Z0-9_-]{1,64}$'.`,
      );
    }

    const schema = parameters ?? EMPTY_PARAMETERS;
    const isStrict = optionalBoolean(strict, `${param}.function.strict`) ?? false;
    checkOrThrow(
      schema,
      parameters !== undefined && isStrict,
      (problem) =>
        new ReplyEngineError(`Invalid schema for function '${name}': ${problem}`, {
          param: `${param}.function.parameters`,
          code: "invalid_function_parameters",
        }),
    );
    return { name, parameters: schema as JsonSchema };
  });
}

function parseToolChoice(value: unknown, offered: readonly ToolDefinition[]) {
  const byName = (name: unknown, param: string): ToolDefinition => {
    const tool = offered.find((candidate) => candidate.name === name);
    if (tool) return tool;
    const names = offered.map((candidate) => `'${candidate.name}'`).join(", ");
    throw invalidValue(
      param,
      `no function named ${JSON.stringify(name)} is among the tools offered (${names}). Name an offered tool or add it to 'tools'.`,
    );
  };

  if (value == null) return { toolChoice: { kind: "auto" } as ToolChoice, tools: offered };
  if (offered.length === 0) {
    throw invalidValue("tool_choice", "'tool_choice' is only allowed when 'tools' are specified.");
  }
  if (value === "auto" || value === "none" || value === "required") {
    return { toolChoice: { kind: value } as ToolChoice, tools: offered };
  }
  if (!isJsonObject(value)) {
    throw invalidValue(
      "tool_choice",
      `${JSON.stringify(value)} is not one of 'none', 'auto', 'required' or an object naming a function.`,
    );
  }
  if (value.type === "function" && isJsonObject(value.function)) {
    const tool = byName(value.function.name, "tool_choice.function.name");
    return { toolChoice: { kind: "function", name: tool.name } as ToolChoice, tools: offered };
  }
  if (value.type === "allowed_tools" && isJsonObject(value.allowed_tools)) {
    const { mode, tools } = value.allowed_tools;
    if (mode !== "auto" && mode !== "required") {
      throw invalidValue("tool_choice.allowed_tools.mode", "must be 'auto' or 'required'.");
    }
    if (!Array.isArray(tools)) throw missingParameter("tool_choice.allowed_tools.tools");
    const allowed = tools.map((tool, index) =>
      byName(
        isJsonObject(tool) && isJsonObject(tool.function) ? tool.function.name : undefined,
        `tool_choice.allowed_tools.tools[${index}]`,
      ),
    );
    return { toolChoice: { kind: mode } as ToolChoice, tools: allowed };
  }
  throw invalidValue(
    "tool_choice",
    'an object choice must be {"type":"function","function":{"name":…}} or {"type":"allowed_tools",…}.',
  );
}

function parseResponseFormat(value: unknown, messages: readonly ChatMessage[]): ResponseFormat {
  if (value == null) return { kind: "text" };
  if (!isJsonObject(value)) throw invalidType("response_format", "an object", value);

  if (value.type === "text") return { kind: "text" };
  if (value.type === "json_object") {
    if (!messages.some((message) => /json/i.test(message.text))) {
      throw invalidValue(
        "messages",
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      );
    }
    return { kind: "json_object" };
  }
  if (value.type !== "json_schema") {
    throw invalidValue(
      "response_format.type",
      `${JSON.stringify(value.type)} is not one of 'text', 'json_object', 'json_schema'.`,
    );
  }

  const format = value.json_schema;
  if (!isJsonObject(format)) throw missingParameter("response_format.json_schema");
  const { name, schema, strict } = format;
  if (name === undefined) throw missingParameter("response_format.json_schema.name");
  if (typeof name !== "string" || !NAME.test(name)) {
    throw invalidValue(
      "response_format.json_schema.name",
      `${JSON.stringify(name)} does not match the pattern '^[a-zA-Z0-9_-]{1,64}$'.`,
    );
  }
  const checked = schema ?? EMPTY_PARAMETERS;
  const isStrict = optionalBoolean(strict, "response_format.json_schema.strict") ?? false;
  checkOrThrow(
    checked,
    schema !== undefined && isStrict,
    (problem) =>
      new ReplyEngineError(`Invalid schema for response_format '${name}': ${problem}`, {
        param: "response_format",
        code: "invalid_json_schema",
      }),
  );
  return { kind: "json_schema", name, schema: checked as JsonSchema };
}

function checkOrThrow(schema: unknown, strict: boolean, toError: (problem: string) => Error) {
  try {
    checkSchema(schema, { strict });
  } catch (error) {
    if (error instanceof SchemaProblem) throw toError(error.message);
    throw error;
  }
}

function parseStop(value: unknown): string[] {
  if (value == null) return [];
  if (typeof value === "string") return [value];
  if (!Array.isArray(value) || !value.every((stop) => typeof stop === "string")) {
    throw invalidType("stop", "a string or an array of strings", value);
  }
  if (value.length > 4) throw invalidValue("stop", "at most 4 stop sequences are allowed.");
  return value;
}

function parseIncludeUsage(value: unknown): boolean {
  if (value == null) return false;
  if (!isJsonObject(value)) throw invalidType("stream_options", "an object", value);
  return optionalBoolean(value.include_usage, "stream_options.include_usage") ?? false;
}

function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value == null) return undefined;
  if (typeof value !== "boolean") throw invalidType(param, "a boolean", value);
  return value;
}

function positiveInteger(value: unknown, param: string, maximum = Infinity): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value)) throw invalidType(param, "an integer", value);
  const count = value as number;
  if (count < 1 || count > maximum) {
    const range = Number.isFinite(maximum) ? `between 1 and ${maximum}` : "at least 1";
    throw invalidValue(param, `${count} is out of range; it must be ${range}.`);
  }
  return count;
}
