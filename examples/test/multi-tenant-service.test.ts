import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createPlatformApp,
  type PlatformApp,
  RateLimitError,
  ResourceAccessError,
  TokenAcquisitionError,
} from "@crosstenant/core";
import { createTenantModelFactory } from "@crosstenant/langchain";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatService, toHttpFailure } from "../multi-tenant-service/service.ts";
import { runExample } from "./run-example.ts";

let mock: MockAzure;
let app: PlatformApp;
let server: Server;
let base: string;
const logged: string[] = [];

beforeAll(async () => {
  mock = await startMockAzure();
  const { defaults } = mock;
  app = createPlatformApp({
    clientId: defaults.clientId,
    homeTenantId: defaults.homeTenantId,
    credential: { kind: "secret", clientSecret: defaults.clientSecret },
    cloud: mock.cloud,
  });
  const tenants = { contoso: defaults.tenants.ready, fabrikam: defaults.tenants.unconsented };
  const factory = createTenantModelFactory({
    app,
    resolveTenant: (key) => {
      const tenant = tenants[key as keyof typeof tenants];
      return {
        tenantId: tenant.tenantId,
        endpoint: tenant.endpoint,
        deployments: [tenant.deployments.chat],
        cloud: mock.cloud,
      };
    },
  });
  server = createChatService({
    factory,
    isKnownTenant: (key) => key in tenants,
    logError: (key, error) => logged.push(`${key}: ${(error as Error).message}`),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await app?.close();
  await mock?.close();
});

const chat = (key: string, body: unknown) =>
  fetch(`${base}/tenants/${key}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("examples/multi-tenant-service", () => {
  it("streams the tenant's model's answer as plain text", async () => {
    const response = await chat("contoso", { message: "ping from the service" });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe("Echo: ping from the service");
  });

  it("answers 424 naming the checklist step when the customer never consented, and logs the detail", async () => {
    const response = await chat("fabrikam", { message: "hello" });

    expect(response.status).toBe(424);
    expect(await response.json()).toMatchObject({
      error: "CONSENT_MISSING",
      checklistItem: "app-consent",
    });
    expect(
      logged.some((line) => line.startsWith("fabrikam:") && line.includes("adminconsent")),
    ).toBe(true);
  });

  it("answers 404 for a tenant the platform does not know, without asking for a token", async () => {
    const before = mock.journal.filter({ route: "token" }).length;

    const response = await chat("northwind", { message: "hello" });

    expect(response.status).toBe(404);
    expect(mock.journal.filter({ route: "token" }).length).toBe(before);
  });

  it("answers 400 to a request without a message", async () => {
    const response = await chat("contoso", { text: "wrong field" });

    expect(response.status).toBe(400);
  });

  it("maps throttling to 429 with Retry-After, and other failures to their status", () => {
    expect(toHttpFailure(new RateLimitError("busy", { retryAfterMs: 2500 }))).toMatchObject({
      status: 429,
      headers: { "retry-after": "3" },
    });
    expect(
      toHttpFailure(
        new ResourceAccessError("ROLE_MISSING", "no role", { checklistItem: "role-assignment" }),
      ).status,
    ).toBe(424);
    expect(
      toHttpFailure(
        new TokenAcquisitionError("PLATFORM_SECRET_EXPIRED", "expired", {
          checklistItem: "platform-credential",
        }),
      ).status,
    ).toBe(503);
    expect(toHttpFailure(new Error("boom")).status).toBe(500);
  });

  it("runs as a program: one streamed answer and one typed refusal", async () => {
    const { stdout } = await runExample("multi-tenant-service/main.ts");

    expect(stdout).toContain("POST /tenants/contoso/chat → 200");
    expect(stdout).toContain("Echo: Hello from contoso's support desk.");
    expect(stdout).toContain("POST /tenants/fabrikam/chat → 424");
  });
});
