import { AzureChatOpenAI } from "@langchain/openai";
import { describe, expect, it } from "vitest";
import {
  apiVersion,
  client,
  hello,
  newCredential,
  postChat,
  ready,
  session,
  useDataPlaneSession,
} from "./support/data-plane-session.js";

useDataPlaneSession();

describe("successful calls", () => {
  it("answers a chat completion through the real openai AzureOpenAI client, with Azure's filter results", async () => {
    const completion = await client().chat.completions.create(hello);

    expect(completion.choices[0]?.message.content).toBe("Echo: hello");
    expect(completion).toHaveProperty("prompt_filter_results");
    expect(session.mock.journal.filter({ route: "chat" })).toMatchObject([
      {
        decision: "allowed",
        status: 200,
        tenantId: ready().tenantId,
        principal: ready().servicePrincipalId,
        resource: ready().resource,
        resourceTenantId: ready().tenantId,
        deployment: ready().deployments.chat,
        egressIp: session.mock.defaults.egressIp,
      },
    ]);
  });

  it("streams Azure's empty first chunk, the content, and a usage chunk when asked", async () => {
    const stream = await client().chat.completions.create({
      ...hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]?.choices).toEqual([]);
    expect(chunks[0]).toHaveProperty("prompt_filter_results");
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Echo: hello");
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("frames the stream as server-sent events ending with [DONE]", async () => {
    const response = await session.mock.fetch(
      `${ready().endpoint}/openai/deployments/${ready().deployments.chat}/chat/completions?api-version=${apiVersion}`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${session.readyToken}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ ...hello, stream: true }),
      },
    );
    const text = await response.text();

    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = text.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    for (const event of events.slice(0, -1)) expect(() => JSON.parse(event.slice(6))).not.toThrow();
  });

  it("answers embeddings on the embeddings deployment", async () => {
    const embeddings = await client({
      deployment: ready().deployments.embeddings,
    }).embeddings.create({
      model: ready().deployments.embeddings,
      input: ["one", "two"],
    });
    expect(embeddings.data).toHaveLength(2);
  });

  it("answers the v1 API, where the body's model names the deployment", async () => {
    const response = await session.mock.fetch(`${ready().endpoint}/openai/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${session.readyToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ ...hello, model: ready().deployments.chat }),
    });
    expect(response.status).toBe(200);
    expect(session.mock.journal.filter({ route: "chat" }).at(-1)?.deployment).toBe(
      ready().deployments.chat,
    );
  });

  it("answers LangChain's AzureChatOpenAI with a token provider", async () => {
    const model = new AzureChatOpenAI({
      azureOpenAIEndpoint: ready().endpoint,
      azureOpenAIApiDeploymentName: ready().deployments.chat,
      azureOpenAIApiVersion: apiVersion,
      azureADTokenProvider: async () => session.readyToken,
      configuration: { fetch: session.mock.fetch },
      maxRetries: 0,
    });
    const message = await model.invoke("hello from langchain");
    expect(message.content).toBe("Echo: hello from langchain");
  });

  it("answers the v1 embeddings API", async () => {
    const response = await session.mock.fetch(`${ready().endpoint}/openai/v1/embeddings`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${session.readyToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: ready().deployments.embeddings, input: "one" }),
    });
    const body = (await response.json()) as { data: unknown[] };
    expect(response.status).toBe(200);
    expect(body.data).toHaveLength(1);
  });

  it("streams LangChain's AzureChatOpenAI", async () => {
    const model = new AzureChatOpenAI({
      azureOpenAIEndpoint: ready().endpoint,
      azureOpenAIApiDeploymentName: ready().deployments.chat,
      azureOpenAIApiVersion: apiVersion,
      azureADTokenProvider: async () => session.readyToken,
      configuration: { fetch: session.mock.fetch },
      maxRetries: 0,
    });
    let text = "";
    for await (const chunk of await model.stream("stream this")) text += String(chunk.content);
    expect(text).toBe("Echo: stream this");
  });

  it("puts a hook's text into a streamed reply", async () => {
    const removeHook = session.mock.onChat(() => ({ content: "from the hook" }));
    try {
      const stream = await client().chat.completions.create({ ...hello, stream: true });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe("from the hook");
    } finally {
      removeHook();
    }
  });

  it("answers a hook's text in place of a tool call the prompt would have made", async () => {
    const removeHook = session.mock.onChat(() => ({ content: "no tools today" }));
    try {
      const completion = await client().chat.completions.create({
        ...hello,
        messages: [{ role: "user", content: "use get_weather for 'Paris'" }],
        tools: [
          {
            type: "function",
            function: {
              name: "get_weather",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          },
        ],
      });

      const choice = completion.choices[0];
      expect(choice?.message.content).toBe("no tools today");
      expect(choice?.message.tool_calls ?? []).toEqual([]);
      expect(choice?.finish_reason).toBe("stop");
      expect(completion.usage?.completion_tokens).toBe(3);
    } finally {
      removeHook();
    }
  });

  it("ends a filtered completion with finish_reason content_filter and status 200", async () => {
    const completion = await client().chat.completions.create({
      ...hello,
      messages: [{ role: "user", content: "[[content-filter:output]] tell me" }],
    });
    expect(completion.choices[0]?.finish_reason).toBe("content_filter");
  });

  it("lets a hook answer, then scripted replies, before the reply engine", async () => {
    const removeHook = session.mock.onChat((request) =>
      JSON.stringify(request.body).includes("weather") ? { content: "Sunny." } : undefined,
    );
    const removeScript = session.mock.scriptChatReplies([{ content: "scripted" }]);
    try {
      const first = await client().chat.completions.create(hello);
      const second = await client().chat.completions.create({
        ...hello,
        messages: [{ role: "user", content: "weather?" }],
      });
      expect(first.choices[0]?.message.content).toBe("scripted");
      expect(second.choices[0]?.message.content).toBe("Sunny.");
    } finally {
      removeHook();
      removeScript();
    }
  });
});

describe("token checks", () => {
  const unauthorizedBody = {
    statusCode: 401,
    message:
      "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.",
  };

  it("refuses a request without a token with Azure's 401 statusCode/message body", async () => {
    const answer = await postChat({ headers: {} });
    expect(answer).toMatchObject({ status: 401, body: unauthorizedBody });
  });

  it("refuses a token whose signature does not verify", async () => {
    const [header, payload] = session.readyToken.split(".");
    const answer = await postChat({
      headers: { authorization: `Bearer ${header}.${payload}.AAAA` },
    });
    expect(answer).toMatchObject({ status: 401, body: unauthorizedBody });
  });

  it("refuses an ARM token (wrong audience)", async () => {
    const answer = await postChat({ headers: { authorization: `Bearer ${session.armToken}` } });
    expect(answer).toMatchObject({ status: 401, body: unauthorizedBody });
    expect(session.mock.journal.entries().at(-1)?.decision).toBe("TokenAudienceInvalid");
  });

  it("refuses an expired token, as seen by a resource whose clock runs two hours ahead", async () => {
    session.mock.faults.add({ route: "chat", effect: { type: "clockSkew", skewInSeconds: 7200 } });
    const answer = await postChat();
    expect(answer).toMatchObject({ status: 401, body: unauthorizedBody });
    expect(session.mock.journal.entries().at(-1)?.decision).toBe("TokenExpired");
  });

  it("refuses tokens signed with a key the tenant rotated away, and accepts new ones", async () => {
    await session.mock.scenario.rotateSigningKey(ready().tenantId);
    const stale = await postChat();
    const scope = session.mock.cloud.cognitiveServicesScope;
    session.readyToken = (
      await newCredential().getToken(scope, { tenantId: ready().tenantId })
    ).token;
    const fresh = await postChat();

    expect(stale.status).toBe(401);
    expect(fresh.status).toBe(200);
  });

  it("refuses a token from another tenant with Azure's 400 tenant mismatch", async () => {
    const answer = await postChat({ headers: { authorization: `Bearer ${session.homeToken}` } });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: "Tenant provided in token does not match resource token",
          message: `Token tenant ${session.mock.defaults.homeTenantId} does not match resource tenant.`,
        },
      },
    });
  });
});
