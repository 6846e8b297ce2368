import { createChatModel, createEmbeddings } from "@crosstenant/langchain";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type MockPlatform,
  type OutgoingRequest,
  recordOutgoingRequests,
  startMockPlatform,
} from "./support/mock-tenants.js";

let platform: MockPlatform;

/** Every variable LangChain, the openai SDK or LangSmith read as a default, set to harm. */
function stubHostileEnvironment(otherEndpoint: string) {
  const hostile: Record<string, string> = {
    AZURE_OPENAI_API_KEY: "ambient-azure-key-0123456789",
    AZURE_OPENAI_ENDPOINT: otherEndpoint,
    AZURE_OPENAI_API_INSTANCE_NAME: "fabrikam-openai",
    AZURE_OPENAI_API_DEPLOYMENT_NAME: "ambient-deployment",
    AZURE_OPENAI_API_EMBEDDINGS_DEPLOYMENT_NAME: "ambient-embeddings",
    AZURE_OPENAI_API_COMPLETIONS_DEPLOYMENT_NAME: "ambient-completions",
    AZURE_OPENAI_API_VERSION: "1999-01-01",
    AZURE_OPENAI_BASE_PATH: `${otherEndpoint}/openai/deployments`,
    OPENAI_API_KEY: "sk-ambient-openai-key",
    OPENAI_API_BASE: `${otherEndpoint}/openai/v1`,
    OPENAI_BASE_URL: `${otherEndpoint}/openai/v1`,
    OPENAI_API_VERSION: "1999-01-01",
    OPENAI_ORGANIZATION: "org-ambient",
    OPENAI_ORG_ID: "org-ambient",
    OPENAI_PROJECT_ID: "proj-ambient",
    OPENAI_ADMIN_KEY: "sk-admin-ambient",
    OPENAI_CUSTOM_HEADERS: "api-key: ambient-header-key\nX-Ambient: 1",
    OPENAI_LOG: "debug",
    LANGSMITH_GATEWAY: "true",
    LANGSMITH_GATEWAY_API_KEY: "ls-ambient",
  };
  for (const [name, value] of Object.entries(hostile)) vi.stubEnv(name, value);
}

beforeAll(async () => {
  platform = await startMockPlatform();
  stubHostileEnvironment(platform.unconsented.endpoint.url);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await platform.close();
});

function expectOnlyTheTenantsRequests(requests: readonly OutgoingRequest[], path: string) {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    expect(request.origin).toBe(platform.ready.endpoint.url);
    expect(request.path).toBe(path);
    expect(request.headers.authorization).toMatch(/^Bearer ey/);
    expect(request.headers["api-key"]).toBeUndefined();
    expect(request.headers["openai-organization"]).toBeUndefined();
    expect(request.headers["openai-project"]).toBeUndefined();
    expect(request.headers["x-ambient"]).toBeUndefined();
  }
}

describe("hostile AZURE_OPENAI_* and OPENAI_* variables", () => {
  it("change nothing about a chat call on the deployments API", async () => {
    const model = createChatModel({
      app: platform.app,
      binding: platform.ready,
      deployment: platform.chat,
    });
    const outgoing = recordOutgoingRequests();
    let sentModel: unknown;
    const remove = platform.mock.onChat((request) => {
      sentModel = request.body.model;
      return undefined;
    });

    const reply = await model.invoke("still mine");
    outgoing.stop();
    remove();

    expect(reply.content).toBe("Echo: still mine");
    expect(sentModel).toBe(platform.chat);
    expectOnlyTheTenantsRequests(
      outgoing.requests,
      `/openai/deployments/${platform.chat}/chat/completions?api-version=2024-10-21`,
    );
  });

  it("change nothing about a streamed chat call on the v1 API", async () => {
    const model = createChatModel({
      app: platform.app,
      binding: platform.ready,
      deployment: platform.chat,
      apiSurface: "v1",
    });
    const outgoing = recordOutgoingRequests();

    let text = "";
    for await (const chunk of await model.stream("streamed and mine"))
      text += String(chunk.content);
    outgoing.stop();

    expect(text).toBe("Echo: streamed and mine");
    expectOnlyTheTenantsRequests(outgoing.requests, "/openai/v1/chat/completions");
  });

  it("change nothing about embeddings", async () => {
    const embeddings = createEmbeddings({
      app: platform.app,
      binding: platform.ready,
      deployment: platform.embeddings,
    });
    const outgoing = recordOutgoingRequests();

    const vectors = await embeddings.embedDocuments(["first", "second"]);
    outgoing.stop();

    expect(vectors).toHaveLength(2);
    expectOnlyTheTenantsRequests(
      outgoing.requests,
      `/openai/deployments/${platform.embeddings}/embeddings?api-version=2024-10-21`,
    );
  });

  it("never reach the other resource named in the environment", () => {
    const reachedOther = platform.mock.journal.filter({ resource: "fabrikam-openai" });

    expect(reachedOther).toEqual([]);
  });
});
