import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigurationError } from "@crosstenant/core";
import { afterEach, describe, expect, it } from "vitest";
import { resolveRetryOptions } from "../src/retry-policy.js";
import { createTenantFetch } from "../src/tenant-fetch.js";

type Reply = { status: number; headers?: Record<string, string>; body?: string } | "reset";

interface Loopback {
  readonly url: string;
  readonly requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A loopback server answering with the scripted replies in order, then 200s. */
async function serve(replies: Reply[]): Promise<Loopback> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    requests.push(request.headers);
    request.resume();
    const reply = replies.shift() ?? { status: 200, body: '{"ok":true}' };
    if (reply === "reset") {
      request.socket.destroy();
      return;
    }
    response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    response.end(reply.body ?? "{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const loopback: Loopback = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(loopback);
  return loopback;
}

const tenantId = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";

function tokens() {
  let generation = 1;
  let invalidations = 0;
  return {
    getToken: async () => `token-${generation}`,
    invalidateToken: () => {
      invalidations += 1;
      generation += 1;
    },
    get invalidations() {
      return invalidations;
    },
  };
}

function tenantFetchFor(
  server: Loopback,
  overrides: { timeoutInMs?: number; maxRetries?: number; maxRetryDelayInMs?: number } = {},
) {
  const source = tokens();
  const tenantFetch = createTenantFetch({
    tenantId,
    endpointUrl: server.url,
    getToken: source.getToken,
    invalidateToken: source.invalidateToken,
    fetch: globalThis.fetch,
    retry: resolveRetryOptions({
      initialRetryDelayInMs: 5,
      maxRetries: overrides.maxRetries ?? 3,
      maxRetryDelayInMs: overrides.maxRetryDelayInMs ?? 2_000,
    }),
    ...(overrides.timeoutInMs === undefined ? {} : { timeoutInMs: overrides.timeoutInMs }),
  });
  return { tenantFetch, source };
}

const post = (tenantFetch: typeof fetch, url: string, init: RequestInit = {}) =>
  tenantFetch(`${url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, {
    method: "POST",
    body: '{"messages":[]}',
    ...init,
  });

describe("createTenantFetch", () => {
  it("refuses to send the tenant's token to any other origin", async () => {
    const server = await serve([]);
    const other = await serve([]);
    const { tenantFetch } = tenantFetchFor(server);

    await expect(post(tenantFetch, other.url)).rejects.toThrow(ConfigurationError);
    expect(other.requests).toHaveLength(0);
  });

  it("never follows a redirect, so the token cannot travel to its target", async () => {
    const other = await serve([]);
    const server = await serve([{ status: 307, headers: { location: `${other.url}/steal` } }]);
    const { tenantFetch } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(307);
    expect(other.requests).toHaveLength(0);
  });

  it("sends the tenant's bearer token and strips other credentials", async () => {
    const server = await serve([]);
    const { tenantFetch } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url, {
      headers: {
        "api-key": "ambient-key",
        "OpenAI-Organization": "org-ambient",
        Authorization: "Bearer ambient",
      },
    });

    expect(response.status).toBe(200);
    expect(server.requests[0]?.authorization).toBe("Bearer token-1");
    expect(server.requests[0]?.["api-key"]).toBeUndefined();
    expect(server.requests[0]?.["openai-organization"]).toBeUndefined();
  });

  it("drops the cached token after a rejected token and retries once with a fresh one", async () => {
    const rejected = {
      status: 401,
      body: '{"statusCode":401,"message":"Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."}',
    };
    const server = await serve([rejected]);
    const { tenantFetch, source } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(200);
    expect(source.invalidations).toBe(1);
    expect(server.requests.map((headers) => headers.authorization)).toEqual([
      "Bearer token-1",
      "Bearer token-2",
    ]);
  });

  it("renews the token only once when the fresh token is rejected too", async () => {
    const rejected = { status: 401, body: '{"statusCode":401,"message":"Unauthorized."}' };
    const server = await serve([rejected, rejected]);
    const { tenantFetch, source } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(401);
    expect(source.invalidations).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it("does not renew the token when the principal lacks the role", async () => {
    const denied = {
      status: 401,
      body: '{"error":{"code":"PermissionDenied","message":"Principal does not have access to API/Operation."}}',
    };
    const server = await serve([denied]);
    const { tenantFetch, source } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "PermissionDenied" } });
    expect(source.invalidations).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ["retry-after-ms", "20"],
    ["x-ms-retry-after-ms", "20"],
    ["retry-after", "0"],
  ])("retries a 429 that asks to wait with %s", async (header, value) => {
    const server = await serve([{ status: 429, headers: { [header]: value } }]);
    const { tenantFetch } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it("returns a 429 at once when the requested wait is above the ceiling", async () => {
    const server = await serve([{ status: 429, headers: { "retry-after": "120" } }]);
    const { tenantFetch } = tenantFetchFor(server, { maxRetryDelayInMs: 1_000 });

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("120");
    expect(server.requests).toHaveLength(1);
  });

  it("returns a 429 at once when the wait would end after the caller's deadline", async () => {
    const server = await serve([{ status: 429, headers: { "retry-after-ms": "1500" } }]);
    const { tenantFetch } = tenantFetchFor(server, { timeoutInMs: 1_000 });

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });

  it("retries transient server errors with backoff", async () => {
    const server = await serve([{ status: 503 }, { status: 500 }]);
    const { tenantFetch } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(3);
  });

  it("retries a connection reset", async () => {
    const server = await serve(["reset"]);
    const { tenantFetch } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it("stops after maxRetries and returns the last failure", async () => {
    const server = await serve([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const { tenantFetch } = tenantFetchFor(server, { maxRetries: 2 });

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a client error", async () => {
    const server = await serve([{ status: 404, body: '{"error":{"code":"DeploymentNotFound"}}' }]);
    const { tenantFetch } = tenantFetchFor(server);

    const response = await post(tenantFetch, server.url);

    expect(response.status).toBe(404);
    expect(server.requests).toHaveLength(1);
  });

  it("stops waiting as soon as the request is aborted", async () => {
    const server = await serve([{ status: 429, headers: { "retry-after-ms": "1500" } }]);
    const { tenantFetch } = tenantFetchFor(server);
    const controller = new AbortController();

    const pending = post(tenantFetch, server.url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);

    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(server.requests).toHaveLength(1);
  });
});
