import type { TenantModelFactory } from "@crosstenant/langchain";
import { AIMessageChunk, ToolMessage } from "@langchain/core/messages";
import { createAgent, tool } from "langchain";
import { z } from "zod";

const orders: Readonly<Record<string, { status: string; total: number; currency: string }>> = {
  "A-1001": { status: "shipped", total: 120, currency: "EUR" },
  "A-1002": { status: "awaiting payment", total: 42, currency: "EUR" },
};

const ratesToUsd: Readonly<Record<string, number>> = { EUR: 1.08, GBP: 1.27, USD: 1 };

const getOrderStatus = tool(
  ({ orderId }) => {
    const order = orders[orderId];
    return order
      ? JSON.stringify({ orderId, ...order })
      : JSON.stringify({ orderId, status: "unknown order" });
  },
  {
    name: "get_order_status",
    description: "Looks up an order of the customer's shop by its id.",
    schema: z.object({ orderId: z.string().describe("The order id, such as A-1001") }),
  },
);

const convertCurrency = tool(
  ({ amount, from, to }) => {
    const converted = (amount * (ratesToUsd[from] ?? 1)) / (ratesToUsd[to] ?? 1);
    return JSON.stringify({ amount, from, to, converted: Math.round(converted * 100) / 100 });
  },
  {
    name: "convert_currency",
    description: "Converts an amount between currencies.",
    schema: z.object({
      amount: z.number().describe("The amount to convert"),
      from: z.enum(["EUR", "USD", "GBP"]),
      to: z.enum(["USD", "EUR", "GBP"]),
    }),
  },
);

/** What the agent run printed, for the summary. */
export interface AgentRunResult {
  readonly toolCalls: readonly string[];
  readonly answer: string;
}

/** What the agent run writes as it goes. */
export interface AgentOutput {
  line(text: string): void;
  write(text: string): void;
}

/**
 * Runs a LangChain v1 tool-calling agent on one customer's own model, obtained through the
 * per-tenant factory, and streams its answer.
 */
export async function runAgent(
  factory: TenantModelFactory,
  customerKey: string,
  question: string,
  output: AgentOutput,
): Promise<AgentRunResult> {
  const model = await factory.chatModel(customerKey);
  const agent = createAgent({
    model,
    tools: [getOrderStatus, convertCurrency],
    systemPrompt: "You are the support agent of a web shop. Use the tools to answer.",
  });

  const toolCalls: string[] = [];
  let answer = "";
  const stream = await agent.stream(
    { messages: [{ role: "user", content: question }] },
    { streamMode: "messages" },
  );
  for await (const [message] of stream) {
    if (message instanceof ToolMessage) {
      toolCalls.push(message.name ?? "tool");
      output.line(`  ↳ ${message.name}: ${String(message.content)}`);
    } else if (message instanceof AIMessageChunk) {
      for (const call of message.tool_call_chunks ?? []) {
        if (call.name) output.line(`  → calls ${call.name}`);
      }
      const text = typeof message.content === "string" ? message.content : "";
      if (text) {
        if (!answer) output.write("  Assistant: ");
        answer += text;
        output.write(text);
      }
    }
  }
  if (answer) output.write("\n");
  return { toolCalls, answer };
}
