import { ClientSecretCredential } from "@azure/identity";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import {
  AIMessage,
  type AIMessageChunk,
  type BaseMessage,
  HumanMessage,
  ToolMessage,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { AzureChatOpenAI, AzureOpenAIEmbeddings } from "@langchain/openai";
import { AzureOpenAI, BadRequestError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

// The reply engine's rules as the real openai and LangChain clients see them through the mock.

let mock: MockAzure;
let token: string;
const apiVersion = "2024-10-21";

beforeAll(async () => {
  mock = await startMockAzure();
  const credential = new ClientSecretCredential(
    mock.defaults.homeTenantId,
    mock.defaults.clientId,
    mock.defaults.clientSecret,
    { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
  );
  const tenantId = mock.defaults.tenants.ready.tenantId;
  token = (await credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId })).token;
});
afterAll(async () => {
  await mock.close();
});

const ready = () => mock.defaults.tenants.ready;

const openai = (deployment = ready().deployments.chat) =>
  new AzureOpenAI({
    endpoint: ready().endpoint,
    apiVersion,
    deployment,
    azureADTokenProvider: async () => token,
    fetch: mock.fetch,
    maxRetries: 0,
  });

const chatModel = (options: { streaming?: boolean } = {}) =>
  new AzureChatOpenAI({
    azureOpenAIEndpoint: ready().endpoint,
    azureOpenAIApiDeploymentName: ready().deployments.chat,
    azureOpenAIApiVersion: apiVersion,
    azureADTokenProvider: async () => token,
    configuration: { fetch: mock.fetch },
    // Without a model LangChain assumes gpt-3.5-turbo and refuses JSON-schema output.
    model: "gpt-4o",
    maxRetries: 0,
    ...options,
  });

const multiply = tool(({ a, b }: { a: number; b: number }) => String(a * b), {
  name: "multiply",
  description: "Multiplies two numbers.",
  schema: z.object({ a: z.number(), b: z.number() }),
});
const getWeather = tool(({ city }: { city: string }) => JSON.stringify({ city, temp: 21 }), {
  name: "get_weather",
  description: "Current weather of a city.",
  schema: z.object({ city: z.string(), unit: z.enum(["celsius", "fahrenheit"]) }),
});

describe("the reply engine through LangChain", () => {
  it("runs a tool-calling agent loop to a final answer that quotes the tool results", async () => {
    const model = chatModel().bindTools([multiply, getWeather]);
    const run = (name: string, args: Record<string, unknown>) =>
      name === "multiply"
        ? String(Number(args.a) * Number(args.b))
        : JSON.stringify({ city: args.city, temp: 21 });
    const history: BaseMessage[] = [new HumanMessage("multiply 6 by 7 and get_weather in 'Oslo'")];

    const first = await model.invoke(history);
    history.push(first);
    for (const call of first.tool_calls ?? []) {
      history.push(
        new ToolMessage({ content: run(call.name, call.args), tool_call_id: call.id ?? "" }),
      );
    }
    const final = await model.invoke(history);

    expect(first.tool_calls?.map((call) => [call.name, call.args])).toEqual([
      ["multiply", { a: 6, b: 7 }],
      ["get_weather", { city: "Oslo", unit: "celsius" }],
    ]);
    expect(final.tool_calls ?? []).toEqual([]);
    expect(final.content).toBe(
      'Tool results: multiply → 42; get_weather → {"city":"Oslo","temp":21}',
    );
  });

  it("streams tool calls that LangChain reassembles into the same calls", async () => {
    const model = chatModel({ streaming: true }).bindTools([multiply, getWeather]);

    let merged: AIMessageChunk | undefined;
    for await (const chunk of await model.stream("multiply 12 by 3.5")) {
      merged = merged ? merged.concat(chunk) : chunk;
    }

    expect(merged?.tool_calls?.map((call) => [call.name, call.args])).toEqual([
      ["multiply", { a: 12, b: 3.5 }],
    ]);
    expect(merged?.usage_metadata).toMatchObject({ input_tokens: 4, output_tokens: 2 });
  });

  it("streams text word by word and reports usage from the final chunk", async () => {
    const pieces: string[] = [];
    let merged: AIMessageChunk | undefined;
    for await (const chunk of await chatModel({ streaming: true }).stream("stream these words")) {
      pieces.push(String(chunk.content));
      merged = merged ? merged.concat(chunk) : chunk;
    }

    expect(pieces.filter(Boolean)).toEqual(["Echo:", " stream", " these", " words"]);
    expect(merged?.usage_metadata).toMatchObject({
      input_tokens: 3,
      output_tokens: 4,
      total_tokens: 7,
    });
  });

  it("answers withStructuredOutput in strict JSON-schema mode with a value of the schema", async () => {
    const invoice = z.object({
      customer: z.string(),
      total: z.number().min(0),
      currency: z.enum(["EUR", "USD"]),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().min(1) })).min(1),
      paid: z.boolean(),
    });
    const model = chatModel().withStructuredOutput(invoice, { method: "jsonSchema", strict: true });

    const value = await model.invoke("Invoice for 'ACME Corp' totalling 99.5 with 3 units");

    expect(invoice.parse(value)).toEqual({
      customer: "ACME Corp",
      total: 99.5,
      currency: "EUR",
      lines: [{ sku: "sku", quantity: 3 }],
      paid: true,
    });
  });

  it("answers withStructuredOutput in function-calling mode through a forced tool call", async () => {
    const city = z.object({ name: z.string(), population: z.number().int() });
    const model = chatModel().withStructuredOutput(city, {
      method: "functionCalling",
      name: "city",
    });

    expect(await model.invoke("Tell me about 'Lyon', 522250 people")).toEqual({
      name: "Lyon",
      population: 522250,
    });
  });

  it("reports an output-filtered reply with finish_reason content_filter", async () => {
    const message = await chatModel().invoke([new HumanMessage("[[content-filter:output]] hi")]);

    expect(message).toBeInstanceOf(AIMessage);
    expect(message.response_metadata.finish_reason).toBe("content_filter");
    expect(message.content).toBe("");
  });

  it("embeds documents and queries through AzureOpenAIEmbeddings", async () => {
    // AzureOpenAIEmbeddings reads no endpoint field, only a base path.
    const embeddings = new AzureOpenAIEmbeddings({
      azureOpenAIBasePath: `${ready().endpoint}/openai/deployments`,
      azureOpenAIApiDeploymentName: ready().deployments.embeddings,
      azureOpenAIApiVersion: apiVersion,
      azureADTokenProvider: async () => token,
      configuration: { fetch: mock.fetch },
      maxRetries: 0,
    });

    const [document] = await embeddings.embedDocuments(["apple pie recipe"]);
    const query = await embeddings.embedQuery("apple pie recipe");

    expect(document).toHaveLength(1536);
    expect(query).toEqual(document);
  });
});

describe("the reply engine through the openai SDK", () => {
  it("decodes the base64 vectors the SDK asks for by default into the float vectors", async () => {
    const client = openai(ready().deployments.embeddings);

    const implicit = await client.embeddings.create({
      model: "embed",
      input: ["a b", "c"],
      dimensions: 8,
    });
    const explicit = await client.embeddings.create({
      model: "embed",
      input: ["a b", "c"],
      dimensions: 8,
      encoding_format: "float",
    });

    expect(implicit.data.map((item) => item.embedding)).toEqual(
      explicit.data.map((item) => item.embedding),
    );
    expect(implicit.data[0]?.embedding).toHaveLength(8);
  });

  it("accumulates a streamed reply with the SDK's stream helper into the non-streamed reply", async () => {
    const client = openai();
    const request = {
      model: "gpt-4o",
      messages: [{ role: "user" as const, content: "add 2 and 3 with add" }],
      tools: [
        {
          type: "function" as const,
          function: {
            name: "add",
            parameters: {
              type: "object",
              properties: { a: { type: "integer" }, b: { type: "integer" } },
              required: ["a", "b"],
            },
          },
        },
      ],
    };

    const streamed = await client.chat.completions.stream(request).finalChatCompletion();
    const direct = await client.chat.completions.create(request);

    expect(streamed.choices[0]?.message.tool_calls).toEqual(direct.choices[0]?.message.tool_calls);
    expect(streamed.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("surfaces an invalid body as the SDK's BadRequestError with OpenAI's param and code", async () => {
    const error = await openai()
      .chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "add" } }],
        tool_choice: { type: "function", function: { name: "divide" } },
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      param: "tool_choice.function.name",
      code: "invalid_value",
    });
  });
});
