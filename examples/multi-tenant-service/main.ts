// Example 2: a multi-tenant HTTP service that streams each tenant's own model's answer.
//
//   node examples/multi-tenant-service/main.ts
//
// Starts the embedded mock Azure and the service on loopback, sends one request for a customer
// that is set up and one for a customer that never consented, prints both answers and stops.
import type { AddressInfo } from "node:net";
import { createPlatformApp, type TenantBindingInput } from "@crosstenant/core";
import { createTenantModelFactory } from "@crosstenant/langchain";
import { startMockAzure } from "@crosstenant/testing";
import { createChatService } from "./service.ts";

const mock = await startMockAzure();
const { defaults } = mock;
const app = createPlatformApp({
  clientId: defaults.clientId,
  homeTenantId: defaults.homeTenantId,
  credential: { kind: "certificate", certificatePem: defaults.certificate },
  cloud: mock.cloud,
});

// The platform's own store of customers; a database in production.
const tenants = new Map<string, TenantBindingInput>(
  Object.entries({ contoso: defaults.tenants.ready, fabrikam: defaults.tenants.unconsented }).map(
    ([key, tenant]) => [
      key,
      {
        tenantId: tenant.tenantId,
        endpoint: tenant.endpoint,
        deployments: [tenant.deployments.chat],
        cloud: mock.cloud,
      },
    ],
  ),
);
const factory = createTenantModelFactory({
  app,
  resolveTenant: (key) => {
    const binding = tenants.get(key);
    if (!binding) throw new Error(`unknown tenant ${key}`);
    return binding;
  },
});
const server = createChatService({
  factory,
  isKnownTenant: (key) => tenants.has(key),
  logError: (key, error) => console.error(`  (server log) tenant ${key}: ${(error as Error).name}`),
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

try {
  for (const key of ["contoso", "fabrikam"]) {
    const response = await fetch(`${base}/tenants/${key}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: `Hello from ${key}'s support desk.` }),
    });
    console.log(`POST /tenants/${key}/chat → ${response.status}`);
    console.log(`  ${await response.text()}`);
  }
} finally {
  server.close();
  await app.close();
  await mock.close();
}
