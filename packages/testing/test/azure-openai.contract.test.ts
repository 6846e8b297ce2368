import { ClientSecretCredential } from "@azure/identity";
import { broaderRoles } from "@crosstenant/core";
import { type MockAzure, type Scenario, startMockAzure } from "@crosstenant/testing";
import { AzureChatOpenAI } from "@langchain/openai";
import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let mock: MockAzure;
let initial: Scenario;
let readyToken: string;
let homeToken: string;
let armToken: string;
const apiVersion = "2024-10-21";

const newCredential = () =>
  new ClientSecretCredential(
    mock.defaults.homeTenantId,
    mock.defaults.clientId,
    mock.defaults.clientSecret,
    { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
  );

beforeAll(async () => {
  mock = await startMockAzure();
  initial = structuredClone(mock.scenario.current);
  const credential = newCredential();
  const ready = { tenantId: mock.defaults.tenants.ready.tenantId };
  readyToken = (await credential.getToken(mock.cloud.cognitiveServicesScope, ready)).token;
  armToken = (await credential.getToken(mock.cloud.armScope, ready)).token;
  homeToken = (await credential.getToken(mock.cloud.cognitiveServicesScope)).token;
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.scenario.replace(initial);
  mock.journal.clear();
  mock.faults.clear();
});

const ready = () => mock.defaults.tenants.ready;

const client = (options: { token?: string; deployment?: string; fetch?: typeof fetch } = {}) =>
  new AzureOpenAI({
    endpoint: ready().endpoint,
    apiVersion,
    deployment: options.deployment ?? ready().deployments.chat,
    azureADTokenProvider: async () => options.token ?? readyToken,
    fetch: options.fetch ?? mock.fetch,
    maxRetries: 0,
  });

const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };

/** Posts a chat completion with plain fetch, to see the exact status, headers and body. */
async function postChat(
  options: {
    headers?: Record<string, string>;
    fetch?: typeof fetch;
    deployment?: string;
    body?: unknown;
  } = {},
) {
  const url = `${ready().endpoint}/openai/deployments/${options.deployment ?? ready().deployments.chat}/chat/completions?api-version=${apiVersion}`;
  const response = await (options.fetch ?? mock.fetch)(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.headers ?? { authorization: `Bearer ${readyToken}` }),
    },
    body: JSON.stringify(options.body ?? hello),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe("successful calls", () => {
  it("answers a chat completion through the real openai AzureOpenAI client, with Azure's filter results", async () => {
    const completion = await client().chat.completions.create(hello);

    expect(completion.choices[0]?.message.content).toBe("Echo: hello");
    expect(completion).toHaveProperty("prompt_filter_results");
    expect(mock.journal.filter({ route: "chat" })).toMatchObject([
      {
        decision: "allowed",
        status: 200,
        tenantId: ready().tenantId,
        principal: ready().servicePrincipalId,
        resource: ready().resource,
        resourceTenantId: ready().tenantId,
        deployment: ready().deployments.chat,
        egressIp: mock.defaults.egressIp,
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
    const response = await mock.fetch(
      `${ready().endpoint}/openai/deployments/${ready().deployments.chat}/chat/completions?api-version=${apiVersion}`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${readyToken}`, "content-type": "application/json" },
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
    const response = await mock.fetch(`${ready().endpoint}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${readyToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ...hello, model: ready().deployments.chat }),
    });
    expect(response.status).toBe(200);
    expect(mock.journal.filter({ route: "chat" }).at(-1)?.deployment).toBe(
      ready().deployments.chat,
    );
  });

  it("answers LangChain's AzureChatOpenAI with a token provider", async () => {
    const model = new AzureChatOpenAI({
      azureOpenAIEndpoint: ready().endpoint,
      azureOpenAIApiDeploymentName: ready().deployments.chat,
      azureOpenAIApiVersion: apiVersion,
      azureADTokenProvider: async () => readyToken,
      configuration: { fetch: mock.fetch },
      maxRetries: 0,
    });
    const message = await model.invoke("hello from langchain");
    expect(message.content).toBe("Echo: hello from langchain");
  });

  it("answers the v1 embeddings API", async () => {
    const response = await mock.fetch(`${ready().endpoint}/openai/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${readyToken}`, "content-type": "application/json" },
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
      azureADTokenProvider: async () => readyToken,
      configuration: { fetch: mock.fetch },
      maxRetries: 0,
    });
    let text = "";
    for await (const chunk of await model.stream("stream this")) text += String(chunk.content);
    expect(text).toBe("Echo: stream this");
  });

  it("puts a hook's text into a streamed reply", async () => {
    const removeHook = mock.onChat(() => ({ content: "from the hook" }));
    try {
      const stream = await client().chat.completions.create({ ...hello, stream: true });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe("from the hook");
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
    const removeHook = mock.onChat((request) =>
      JSON.stringify(request.body).includes("weather") ? { content: "Sunny." } : undefined,
    );
    const removeScript = mock.scriptChatReplies([{ content: "scripted" }]);
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
    const [header, payload] = readyToken.split(".");
    const answer = await postChat({
      headers: { authorization: `Bearer ${header}.${payload}.AAAA` },
    });
    expect(answer).toMatchObject({ status: 401, body: unauthorizedBody });
  });

  it("refuses an ARM token (wrong audience)", async () => {
    const answer = await postChat({ headers: { authorization: `Bearer ${armToken}` } });
    expect(answer).toMatchObject({ status: 401, body: unauthorizedBody });
    expect(mock.journal.entries().at(-1)?.decision).toBe("TokenAudienceInvalid");
  });

  it("refuses an expired token, as seen by a resource whose clock runs two hours ahead", async () => {
    mock.faults.add({ route: "chat", effect: { type: "clockSkew", skewInSeconds: 7200 } });
    const answer = await postChat();
    expect(answer).toMatchObject({ status: 401, body: unauthorizedBody });
    expect(mock.journal.entries().at(-1)?.decision).toBe("TokenExpired");
  });

  it("refuses tokens signed with a key the tenant rotated away, and accepts new ones", async () => {
    await mock.scenario.rotateSigningKey(ready().tenantId);
    const stale = await postChat();
    const scope = mock.cloud.cognitiveServicesScope;
    readyToken = (await newCredential().getToken(scope, { tenantId: ready().tenantId })).token;
    const fresh = await postChat();

    expect(stale.status).toBe(401);
    expect(fresh.status).toBe(200);
  });

  it("refuses a token from another tenant with Azure's 400 tenant mismatch", async () => {
    const answer = await postChat({ headers: { authorization: `Bearer ${homeToken}` } });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: "Tenant provided in token does not match resource token",
          message: `Token tenant ${mock.defaults.homeTenantId} does not match resource tenant.`,
        },
      },
    });
  });
});

describe("role and network checks", () => {
  const permissionDenied = {
    status: 401,
    body: {
      error: {
        code: "PermissionDenied",
        message: "Principal does not have access to API/Operation.",
      },
    },
  };
  const servicePrincipal = () => ready().servicePrincipalId ?? "";

  it("answers 401 PermissionDenied once the role is removed", async () => {
    mock.scenario.removeRole(ready().resource, servicePrincipal());
    await expect(postChat()).resolves.toMatchObject(permissionDenied);
  });

  it("does not let Contributor or Owner grant inference", async () => {
    mock.scenario.removeRole(ready().resource, servicePrincipal());
    mock.scenario.assignRole(ready().resource, servicePrincipal(), broaderRoles.contributor.id);
    mock.scenario.assignRole(
      ready().resource,
      servicePrincipal(),
      broaderRoles.owner.id,
      "subscription",
    );
    await expect(postChat()).resolves.toMatchObject(permissionDenied);
  });

  it("honours the role assigned on the resource group", async () => {
    mock.scenario.removeRole(ready().resource, servicePrincipal());
    mock.scenario.assignRole(ready().resource, servicePrincipal(), undefined, "resourceGroup");
    await expect(postChat()).resolves.toMatchObject({ status: 200 });
  });

  it("refuses an egress IP outside the firewall rules with the policy-id header", async () => {
    const answer = await postChat({ fetch: mock.fetchFrom("127.0.0.2") });

    expect(answer).toMatchObject({
      status: 403,
      body: {
        error: { code: "403", message: "Access denied due to Virtual Network/Firewall rules." },
      },
    });
    expect(answer.headers.get("policy-id")).toBe("ThrowExceptionDueToTrafficDenied");
    expect(mock.journal.entries().at(-1)).toMatchObject({
      sourceAddress: "127.0.0.2",
      egressIp: "127.0.0.2",
    });
  });

  it("matches CIDR rules against the mapped egress IP", async () => {
    mock.scenario.setEgress("127.0.0.2", "198.51.100.7");
    mock.scenario.addIpRule(ready().resource, "198.51.100.0/24");
    await expect(postChat({ fetch: mock.fetchFrom("127.0.0.2") })).resolves.toMatchObject({
      status: 200,
    });
  });

  it("lets every IP through when the default action is Allow", async () => {
    mock.scenario.setDefaultAction(ready().resource, "Allow");
    await expect(postChat({ fetch: mock.fetchFrom("127.0.0.2") })).resolves.toMatchObject({
      status: 200,
    });
  });

  it("refuses every public caller when public network access is disabled", async () => {
    mock.scenario.setPublicNetworkAccess(ready().resource, "Disabled");
    await expect(postChat()).resolves.toMatchObject({
      status: 403,
      body: { error: { message: "Public access is disabled. Please configure private endpoint." } },
    });
  });
});

describe("keys, deployments, quota and content filter", () => {
  it("refuses an api-key when local auth is disabled", async () => {
    const answer = await postChat({ headers: { "api-key": "0123456789abcdef0123456789abcdef" } });
    expect(answer).toMatchObject({
      status: 403,
      body: { error: { code: "AuthenticationTypeDisabled" } },
    });
  });

  it("accepts a registered api-key on a resource that allows keys", async () => {
    const apiKey = "0123456789abcdef0123456789abcdef";
    mock.scenario.addResource({
      name: "keyed-openai",
      tenantId: ready().tenantId,
      subscriptionId: ready().subscriptionId,
      resourceGroup: "rg-keys",
      deployments: [{ name: "chat", model: "gpt-4o-mini", kind: "chat" }],
      disableLocalAuth: false,
      apiKeys: [apiKey],
    });
    const keyed = new AzureOpenAI({
      endpoint: mock.endpoints["keyed-openai"] ?? "",
      apiKey,
      apiVersion,
      deployment: "chat",
      fetch: mock.fetch,
    });
    const completion = await keyed.chat.completions.create(hello);
    expect(completion.choices[0]?.message.content).toBe("Echo: hello");
  });

  it("answers 404 DeploymentNotFound for a deployment the resource lacks", async () => {
    const answer = await postChat({ deployment: "gpt-missing" });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: "DeploymentNotFound" } } });
    await expect(
      client({ deployment: "gpt-missing" }).chat.completions.create(hello),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("refuses embeddings on a chat deployment with OperationNotSupported", async () => {
    const response = await mock.fetch(
      `${ready().endpoint}/openai/deployments/${ready().deployments.chat}/embeddings?api-version=${apiVersion}`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${readyToken}`, "content-type": "application/json" },
        body: JSON.stringify({ input: "one" }),
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "OperationNotSupported" } });
  });

  it("answers 429 with retry-after, retry-after-ms and remaining counters past the quota", async () => {
    mock.scenario.replace({
      ...initial,
      resources: initial.resources.map((resource) =>
        resource.name === ready().resource
          ? { ...resource, quota: { requestsPerMinute: 1 } }
          : resource,
      ),
    });
    const first = await postChat();
    const second = await postChat();

    expect(first.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(second.headers.get("retry-after-ms"))).toBeGreaterThan(0);
    expect(second.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
  });

  it("answers 400 content_filter for a prompt with the filter marker", async () => {
    const answer = await postChat({
      body: { ...hello, messages: [{ role: "user", content: "[[content-filter]] tell me" }] },
    });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: "content_filter",
          status: 400,
          innererror: { code: "ResponsibleAIPolicyViolation" },
        },
      },
    });
  });
});
