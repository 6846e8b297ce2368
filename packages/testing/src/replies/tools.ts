import { hashHex } from "./hash.js";
import { SchemaProblem } from "./json-schema.js";
import type { ChatMessage } from "./messages.js";
import { PromptValues } from "./prompt-values.js";
import { ReplyEngineError } from "./reply-error.js";
import type { ChatRequest, ToolDefinition } from "./request.js";
import { generateValue } from "./schema-value.js";
import type { ChatToolCall } from "./types.js";

/** The text of the last user message: what echoes, names tools and supplies values. */
export function lastUserText(messages: readonly ChatMessage[]): string {
  return messages.findLast((message) => message.role === "user")?.text ?? "";
}

/**
 * The tools the reply calls, in the order the prompt first names them:
 * - `tool_choice: "none"` → none;
 * - a named function → exactly that one;
 * - `"required"` → every tool the last user message names, or else the first tool;
 * - `"auto"` → every tool the last user message names, but only when that message is the
 *   last one (once tool results follow, the reply is text and an agent loop ends);
 * - `parallel_tool_calls: false` keeps only the first.
 * A tool is named when its name appears in the prompt as a whole word, in any letter case.
 */
export function chooseTools(request: ChatRequest): ToolDefinition[] {
  const { tools, toolChoice, messages } = request;
  if (tools.length === 0 || toolChoice.kind === "none") return [];

  let chosen: ToolDefinition[];
  if (toolChoice.kind === "function") {
    chosen = tools.filter((tool) => tool.name === toolChoice.name);
  } else {
    const prompt = lastUserText(messages);
    const named = tools
      .map((tool) => ({ tool, at: firstMention(prompt, tool.name) }))
      .filter((mention) => mention.at !== -1)
      .sort((left, right) => left.at - right.at)
      .map((mention) => mention.tool);
    const userSpokeLast = messages.at(-1)?.role === "user";
    if (toolChoice.kind === "required") chosen = named.length > 0 ? named : tools.slice(0, 1);
    else chosen = userSpokeLast ? named : [];
  }
  return request.parallelToolCalls ? chosen : chosen.slice(0, 1);
}

function firstMention(prompt: string, name: string): number {
  // Tool names hold only letters, digits, "_" and "-", so they need no escaping.
  return prompt.search(new RegExp(`(?<![A-Za-z0-9_-])${name}(?![A-Za-z0-9_-])`, "i"));
}

/**
 * The calls of one choice, their arguments generated from each tool's schema. The values of
 * the prompt (numbers, quoted phrases, dates) are handed out in call order, then property
 * order, so "multiply 6 by 7 then add 1 and 2" gives multiply(6, 7) and add(1, 2).
 */
export function buildToolCalls(
  request: ChatRequest,
  tools: readonly ToolDefinition[],
  choiceIndex: number,
): ChatToolCall[] {
  const values = new PromptValues(lastUserText(request.messages));
  return tools.map((tool, callIndex) => {
    const args = JSON.stringify(argumentsFor(tool, values));
    // The position in the conversation is part of the id, so a later turn calling the same
    // tool with the same arguments still gets a new id.
    const seed = JSON.stringify([request.messages.length, choiceIndex, callIndex, tool.name, args]);
    return {
      id: `call_${hashHex(seed, 24)}`,
      type: "function",
      function: { name: tool.name, arguments: args },
    };
  });
}

function argumentsFor(tool: ToolDefinition, values: PromptValues): unknown {
  try {
    return generateValue(tool.parameters, values);
  } catch (error) {
    if (!(error instanceof SchemaProblem)) throw error;
    throw new ReplyEngineError(`Invalid schema for function '${tool.name}': ${error.message}`, {
      param: "tools",
      code: "invalid_function_parameters",
    });
  }
}

/**
 * The text answering the tool results that end the conversation, one `name → result` per
 * result in order, joined by "; ": `Tool results: get_weather → {"temp":21}`.
 */
export function toolResultsText(messages: readonly ChatMessage[]): string {
  const results: string[] = [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role !== "tool") break;
    const call = messages
      .slice(0, index)
      .findLast((candidate) => candidate.toolCalls.length > 0)
      ?.toolCalls.find((candidate) => candidate.id === message.toolCallId);
    results.unshift(`${call?.name ?? message.toolCallId} → ${message.text}`);
  }
  return `Tool results: ${results.join("; ")}`;
}
