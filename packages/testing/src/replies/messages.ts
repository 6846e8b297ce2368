import {
  invalidType,
  invalidValue,
  isJsonObject,
  missingParameter,
  ReplyEngineError,
} from "./reply-error.js";

/** A role a chat message may have. */
export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool" | "function";

const ROLES: readonly ChatRole[] = ["system", "developer", "user", "assistant", "tool", "function"];

/** A tool call an assistant message of the history made. */
export interface HistoryToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** One message of the request, reduced to what the reply rules read. */
export interface ChatMessage {
  readonly role: ChatRole;
  /** The text of the message: its string content, or its text parts joined by a space. */
  readonly text: string;
  readonly toolCalls: readonly HistoryToolCall[];
  /** For a `tool` message, the call it answers. */
  readonly toolCallId: string | undefined;
}

/**
 * The `messages` of a chat request, checked as the service checks them: a non-empty array,
 * known roles, content where the role needs it, well-formed tool calls, and every tool message
 * answering a call of the assistant message before it (and every such call answered).
 */
export function parseMessages(value: unknown): ChatMessage[] {
  if (value === undefined) throw missingParameter("messages");
  if (!Array.isArray(value)) throw invalidType("messages", "an array", value);
  if (value.length === 0) {
    throw invalidValue(
      "messages",
      "expected an array with minimum length 1, but got an empty array instead.",
    );
  }

  const messages = value.map((message, index) => parseMessage(message, `messages[${index}]`));
  checkToolCallPairs(messages);
  return messages;
}

function parseMessage(value: unknown, param: string): ChatMessage {
  if (!isJsonObject(value)) throw invalidType(param, "an object", value);
  const { role, content } = value;
  if (role === undefined) throw missingParameter(`${param}.role`);
  if (!ROLES.includes(role as ChatRole)) {
    throw invalidValue(
      `${param}.role`,
      `${JSON.stringify(role)} is not a role. Supported values are: ${ROLES.map((name) => `'${name}'`).join(", ")}.`,
    );
  }

  const toolCalls = role === "assistant" ? parseHistoryToolCalls(value.tool_calls, param) : [];
  const contentOptional = role === "assistant" && (toolCalls.length > 0 || value.refusal != null);
  if (content == null && !contentOptional) throw missingParameter(`${param}.content`);
  if (role === "tool" && typeof value.tool_call_id !== "string") {
    throw missingParameter(`${param}.tool_call_id`);
  }

  return {
    role: role as ChatRole,
    text: content == null ? "" : contentText(content, `${param}.content`),
    toolCalls,
    toolCallId: typeof value.tool_call_id === "string" ? value.tool_call_id : undefined,
  };
}

function contentText(content: unknown, param: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content))
    throw invalidType(param, "a string or an array of content parts", content);

  const texts: string[] = [];
  content.forEach((part, index) => {
    const partParam = `${param}[${index}]`;
    if (!isJsonObject(part)) throw invalidType(partParam, "an object", part);
    if (typeof part.type !== "string") throw missingParameter(`${partParam}.type`);
    if (part.type !== "text") return;
    if (typeof part.text !== "string")
      throw invalidType(`${partParam}.text`, "a string", part.text);
    texts.push(part.text);
  });
  return texts.join(" ");
}

function parseHistoryToolCalls(value: unknown, param: string): HistoryToolCall[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw invalidType(`${param}.tool_calls`, "an array", value);

  return value.map((call, index) => {
    const callParam = `${param}.tool_calls[${index}]`;
    if (!isJsonObject(call)) throw invalidType(callParam, "an object", call);
    if (typeof call.id !== "string") throw missingParameter(`${callParam}.id`);
    if (!isJsonObject(call.function)) throw missingParameter(`${callParam}.function`);
    const { name, arguments: args } = call.function;
    if (typeof name !== "string") throw missingParameter(`${callParam}.function.name`);
    if (typeof args !== "string") throw missingParameter(`${callParam}.function.arguments`);
    return { id: call.id, name, arguments: args };
  });
}

function checkToolCallPairs(messages: readonly ChatMessage[]) {
  let pending: string[] = [];
  let callsOfTurn = new Set<string>();
  let turn = 0;
  messages.forEach((message, index) => {
    if (message.role === "tool") {
      if (!callsOfTurn.has(message.toolCallId ?? "")) {
        throw new ReplyEngineError(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          { param: `messages.[${index}].role`, code: null },
        );
      }
      pending = pending.filter((id) => id !== message.toolCallId);
      return;
    }
    if (pending.length > 0) throw unansweredCalls(pending, turn);
    callsOfTurn = new Set(message.toolCalls.map((call) => call.id));
    pending = [...callsOfTurn];
    turn = index;
  });
  if (pending.length > 0) throw unansweredCalls(pending, turn);
}

const unansweredCalls = (ids: readonly string[], index: number) =>
  new ReplyEngineError(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${ids.join(", ")}`,
    { param: `messages.[${index}].role`, code: null },
  );
