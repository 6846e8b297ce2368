import { ResourceAccessError } from "@crosstenant/core";
import { createEmbeddings, TenantEmbeddings } from "@crosstenant/langchain";
import { defaultIds } from "@crosstenant/testing";
import { AzureOpenAIEmbeddings } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("tenant embeddings against the mock", () => {
  it("embeds a query on the binding's embeddings deployment", async () => {
    const embeddings = createEmbeddings({
      app: platform.app,
      binding: platform.ready,
      deployment: platform.embeddings,
    });
    const outgoing = recordOutgoingRequests();

    const vector = await embeddings.embedQuery("invoice overdue");
    outgoing.stop();

    expect(embeddings).toBeInstanceOf(AzureOpenAIEmbeddings);
    expect(embeddings).toBeInstanceOf(TenantEmbeddings);
    expect(vector.length).toBeGreaterThan(0);
    expect(outgoing.requests.map((request) => `${request.origin}${request.path}`)).toEqual([
      `${platform.ready.endpoint.url}/openai/deployments/${platform.embeddings}/embeddings?api-version=2024-10-21`,
    ]);
  });

  it("embeds documents in batches, one vector per document in order", async () => {
    const embeddings = createEmbeddings({
      app: platform.app,
      binding: platform.ready,
      deployment: platform.embeddings,
      batchSize: 2,
    });
    const outgoing = recordOutgoingRequests();

    const vectors = await embeddings.embedDocuments(["alpha", "beta", "gamma"]);
    const again = await embeddings.embedQuery("gamma");
    outgoing.stop();

    expect(vectors).toHaveLength(3);
    expect(vectors[2]).toEqual(again);
    expect(outgoing.requests).toHaveLength(3);
  });

  it("calls the v1 API with the deployment as model", async () => {
    const embeddings = createEmbeddings({
      app: platform.app,
      binding: platform.ready,
      deployment: platform.embeddings,
      apiSurface: "v1",
    });
    const outgoing = recordOutgoingRequests();

    await embeddings.embedQuery("v1 please");
    outgoing.stop();

    expect(outgoing.requests.map((request) => request.path)).toEqual(["/openai/v1/embeddings"]);
  });

  it("reports a missing role as a typed error naming the checklist step", async () => {
    const { readyResource, readyServicePrincipalId } = defaultIds;
    platform.mock.scenario.removeRole(readyResource, readyServicePrincipalId);
    try {
      const embeddings = createEmbeddings({
        app: platform.app,
        binding: platform.ready,
        deployment: platform.embeddings,
      });

      const failure = await embeddings.embedQuery("denied").catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ResourceAccessError);
      expect(failure).toMatchObject({
        code: "ROLE_MISSING",
        checklistItem: "role-assignment",
        tenantId: platform.ready.tenantId,
      });
    } finally {
      platform.mock.scenario.assignRole(readyResource, readyServicePrincipalId);
    }
  });
});
