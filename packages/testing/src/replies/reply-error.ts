/**
 * The body Azure OpenAI answers an invalid request with.
 *
 * @example
 * ```ts
 * const body: ReplyErrorBody = {
 *   error: { code: "invalid_value", message: "…", param: "n", type: "invalid_request_error" },
 * };
 * ```
 */
export interface ReplyErrorBody {
  readonly error: {
    readonly code: string | null;
    readonly message: string;
    readonly param: string | null;
    readonly type: "invalid_request_error";
  };
}

/**
 * Options of {@link ReplyEngineError}.
 *
 * @example
 * ```ts
 * new ReplyEngineError("Missing required parameter: 'messages'.", {
 *   param: "messages",
 *   code: "missing_required_parameter",
 * });
 * ```
 */
export interface ReplyEngineErrorOptions {
  /** The request field at fault, in OpenAI's notation (`messages[2].role`), or null. */
  readonly param: string | null;
  /** OpenAI's error code, such as `invalid_value` or `missing_required_parameter`. */
  readonly code: string | null;
  /** HTTP status to answer with; 400 unless told. */
  readonly status?: number;
}

/**
 * A request body the mock Azure OpenAI refuses, as the real service would. The server answers
 * with `status` and `body` unchanged; the message names the field and what it must be. It never
 * leaves the mock as an exception, which is why it is not one of the library's
 * `CrossTenantError`s: callers see it as the HTTP error the openai SDK raises.
 *
 * @example
 * ```ts
 * try {
 *   createChatCompletion(body, { model: "gpt-4o" });
 * } catch (error) {
 *   if (error instanceof ReplyEngineError) {
 *     response.writeHead(error.status).end(JSON.stringify(error.body));
 *   }
 * }
 * ```
 */
export class ReplyEngineError extends Error {
  override name = "ReplyEngineError";
  readonly status: number;
  readonly body: ReplyErrorBody;

  constructor(message: string, options: ReplyEngineErrorOptions) {
    super(message);
    this.status = options.status ?? 400;
    this.body = {
      error: {
        code: options.code,
        message,
        param: options.param,
        type: "invalid_request_error",
      },
    };
  }
}

/** The field is required and absent. */
export const missingParameter = (param: string) =>
  new ReplyEngineError(`Missing required parameter: '${param}'.`, {
    param,
    code: "missing_required_parameter",
  });

/** The field has the wrong JSON type; `expected` is written for people ("an array"). */
export const invalidType = (param: string, expected: string, value: unknown) =>
  new ReplyEngineError(
    `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`,
    { param, code: "invalid_type" },
  );

/** The field has the right type but a value the service refuses; `why` says what it must be. */
export const invalidValue = (param: string, why: string) =>
  new ReplyEngineError(`Invalid value for '${param}': ${why}`, { param, code: "invalid_value" });

function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "boolean") return "a boolean";
  return "an undefined value";
}

/** Narrows a parsed JSON value to a plain object. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
