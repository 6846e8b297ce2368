import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { createAgent, tool } from "langchain";
import { z } from "zod";

/** The platform's own agent code: the part a contract test exercises against the mock. */
export async function answerSupportQuestion(
  model: BaseChatModel,
  question: string,
): Promise<string> {
  const lookUpOrder = tool(({ orderId }) => JSON.stringify({ orderId, status: "shipped" }), {
    name: "look_up_order",
    description: "Finds an order by its id.",
    schema: z.object({ orderId: z.string() }),
  });
  const agent = createAgent({ model, tools: [lookUpOrder] });
  const result = await agent.invoke({ messages: [{ role: "user", content: question }] });
  return String(result.messages.at(-1)?.content ?? "");
}
