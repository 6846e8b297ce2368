import { inspect } from "node:util";
import { createTenantBinding } from "@crosstenant/core";
import { createChatModel, createEmbeddings } from "@crosstenant/langchain";
import { type ChatHookRequest, defaultIds } from "@crosstenant/testing";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { tool } from "@langchain/core/tools";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type MockPlatform,
  recordOutgoingRequests,
  startMockPlatform,
} from "./support/mock-tenants.js";

let platform: MockPlatform;
beforeAll(async () => {
  platform = await startMockPlatform();
});
afterAll(async () => {
  await platform.close();
});

const readyModel = (options: { apiSurface?: "deployments" | "v1" } = {}) =>
  createChatModel({
    app: platform.app,
    binding: platform.ready,
    deployment: platform.chat,
    ...options,
  });

/** Collects the bodies and token tenants of the chat requests the mock accepted. */
function recordChatBodies() {
  const seen: { body: ChatHookRequest["body"]; tenantId: string | undefined }[] = [];
  const remove = platform.mock.onChat((request, context) => {
    seen.push({ body: request.body, tenantId: context.tenantId });
    return undefined;
  });
  return { seen, remove };
}

/** JSON.stringify replacer writing a reference cycle (the openai client has some) as a marker. */
function circularAsMarker() {
  const seen = new WeakSet<object>();
  return (_key: string, value: unknown) => {
    if (typeof value !== "object" || value === null) return value;
    if (seen.has(value)) return "[circular]";
    seen.add(value);
    return value;
  };
}

const weather = tool(async ({ city }) => `sunny in ${city}`, {
  name: "get_weather",
  description: "Current weather of a city",
  schema: z.object({ city: z.string() }),
});

describe("a tenant chat model against the mock", () => {
  it("invokes the binding's deployment with its api version and the tenant's bearer token", async () => {
    const outgoing = recordOutgoingRequests();
    const bodies = recordChatBodies();

    const reply = await readyModel().invoke("hello there");
    outgoing.stop();
    bodies.remove();

    expect(reply.content).toBe("Echo: hello there");
    expect(outgoing.requests).toHaveLength(1);
    const [request] = outgoing.requests;
    expect(request?.origin).toBe(platform.ready.endpoint.url);
    expect(request?.path).toBe(
      `/openai/deployments/${platform.chat}/chat/completions?api-version=2024-10-21`,
    );
    expect(request?.headers.authorization).toMatch(/^Bearer ey/);
    expect(request?.headers["api-key"]).toBeUndefined();
    expect(bodies.seen).toEqual([
      {
        body: expect.objectContaining({ model: platform.chat }),
        tenantId: platform.ready.tenantId,
      },
    ]);
  });

  it("calls the v1 API with the deployment as model and no api-version", async () => {
    const outgoing = recordOutgoingRequests();
    const bodies = recordChatBodies();

    const reply = await readyModel({ apiSurface: "v1" }).invoke("hello v1");
    outgoing.stop();
    bodies.remove();

    expect(reply.content).toBe("Echo: hello v1");
    expect(outgoing.requests.map((request) => request.path)).toEqual([
      "/openai/v1/chat/completions",
    ]);
    expect(bodies.seen[0]?.body.model).toBe(platform.chat);
  });

  it("stays on Chat Completions for a deployment whose name would switch LangChain to /responses", async () => {
    const deployment = "gpt-5.6-codex-pro";
    platform.mock.scenario.addDeployment(defaultIds.readyResource, {
      name: deployment,
      model: "gpt-4o-mini",
      kind: "chat",
    });
    const binding = createTenantBinding({
      tenantId: platform.ready.tenantId,
      endpoint: platform.ready.endpoint.url,
      deployments: [deployment],
      cloud: platform.mock.cloud,
    });
    const outgoing = recordOutgoingRequests();

    const reply = await createChatModel({ app: platform.app, binding, deployment }).invoke(
      "still chat",
    );
    outgoing.stop();

    expect(reply.content).toBe("Echo: still chat");
    expect(outgoing.requests.map((request) => request.path.split("?")[0])).toEqual([
      `/openai/deployments/${deployment}/chat/completions`,
    ]);
  });

  it("serializes and inspects without the token it sent, the client secret or the token provider", async () => {
    const model = readyModel();
    const embeddings = createEmbeddings({
      app: platform.app,
      binding: platform.ready,
      deployment: platform.embeddings,
    });
    await model.invoke("use the token");
    await embeddings.embedQuery("use the token too");
    const { token } = await platform.app.getToken(platform.ready.tenantId);

    const shown = [
      JSON.stringify(model),
      JSON.stringify(model.toJSON()),
      JSON.stringify(model.bindTools([weather])),
      inspect(model, { depth: 8 }),
      JSON.stringify(embeddings, circularAsMarker()),
      inspect(embeddings, { depth: 8 }),
    ].join("\n");

    expect(shown).not.toContain(token);
    expect(shown).not.toContain(platform.mock.defaults.clientSecret);
    expect(JSON.stringify(model)).not.toMatch(/token_provider|tokenProvider|authorization/i);
    expect(JSON.stringify(model)).toContain(platform.ready.endpoint.url);
  });

  it("answers a batch, one reply per input", async () => {
    const replies = await readyModel().batch(["one", "two", "three"]);

    expect(replies.map((reply) => reply.content)).toEqual([
      "Echo: one",
      "Echo: two",
      "Echo: three",
    ]);
  });

  it("streams the reply in chunks, with usage", async () => {
    const chunks: string[] = [];
    let usage: unknown;

    for await (const chunk of await readyModel().stream("stream these words")) {
      chunks.push(String(chunk.content));
      usage ??= chunk.usage_metadata;
    }

    expect(chunks.join("")).toBe("Echo: stream these words");
    expect(chunks.length).toBeGreaterThan(1);
    expect(usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  it("emits stream events carrying the Azure provider, tenant and deployment", async () => {
    const tokens: string[] = [];
    let metadata: Record<string, unknown> | undefined;

    for await (const event of readyModel().streamEvents("events please", { version: "v2" })) {
      if (event.event === "on_chat_model_stream") tokens.push(String(event.data.chunk?.content));
      if (event.event === "on_chat_model_start") metadata = event.metadata;
    }

    expect(tokens.join("")).toBe("Echo: events please");
    expect(metadata).toMatchObject({
      ls_provider: "azure",
      ls_model_name: platform.chat,
      crosstenant_tenant_id: platform.ready.tenantId,
      crosstenant_deployment: platform.chat,
    });
  });

  it("round-trips a tool call with bound tools", async () => {
    const model = readyModel().bindTools([weather]);
    const question = new HumanMessage("Use get_weather for 'Paris'");

    const call = await model.invoke([question]);
    const [toolCall] = call.tool_calls ?? [];
    expect(toolCall).toMatchObject({ name: "get_weather", args: { city: "Paris" } });
    const result = await weather.invoke(toolCall as Parameters<typeof weather.invoke>[0]);
    const answer = await model.invoke([question, call, result as ToolMessage]);

    expect(answer.content).toBe("Tool results: get_weather → sunny in Paris");
  });

  it("returns structured output validated by a zod schema", async () => {
    const forecast = z.object({ city: z.string(), days: z.number().int() });

    const result = await readyModel()
      .withStructuredOutput(forecast)
      .invoke("Forecast for 'Lisbon' over 3 days");

    expect(result).toEqual({ city: "Lisbon", days: 3 });
  });

  it("runs in an LCEL pipe", async () => {
    const prompt = ChatPromptTemplate.fromMessages([
      ["system", "You summarize tickets."],
      ["human", "{ticket}"],
    ]);

    const chain = prompt.pipe(readyModel()).pipe(new StringOutputParser());

    await expect(chain.invoke({ ticket: "printer on fire" })).resolves.toBe(
      "Echo: printer on fire",
    );
  });

  it("drives a LangChain v1 agent that loops over a tool", async () => {
    const multiply = tool(async ({ a, b }) => String(a * b), {
      name: "multiply",
      description: "Multiply two numbers",
      schema: z.object({ a: z.number(), b: z.number() }),
    });
    const agent = createAgent({ model: readyModel(), tools: [multiply] });

    const state = await agent.invoke({ messages: [new HumanMessage("multiply 6 by 7")] });

    const last = state.messages.at(-1);
    expect(last).toBeInstanceOf(AIMessage);
    expect(last?.content).toBe("Tool results: multiply → 42");
    expect(state.messages.some((message) => ToolMessage.isInstance(message))).toBe(true);
  });
});
