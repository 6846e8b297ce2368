// Example 1: an agent with tools on one customer's own Azure OpenAI model.
//
//   node examples/agent-with-tools/main.ts "What is 6 times 7? Use multiply."
//
// It runs on the embedded mock Azure, so it works anywhere. Against real Azure, replace the mock
// with your platform app's credential and the customer's binding (see the comments below).
import { createPlatformApp, createTenantBinding } from "@crosstenant/core";
import { createChatModel } from "@crosstenant/langchain";
import { startMockAzure } from "@crosstenant/testing";
import { createAgent, tool } from "langchain";
import { z } from "zod";

const question = process.argv[2] ?? "Please multiply 6 by 7 with the multiply tool.";

const mock = await startMockAzure();
const { defaults } = mock;

// In production: createPlatformApp({ clientId, homeTenantId, credential: { kind: "certificate",
// certificatePath } }), with the built-in public cloud.
const app = createPlatformApp({
  clientId: defaults.clientId,
  homeTenantId: defaults.homeTenantId,
  credential: { kind: "certificate", certificatePem: defaults.certificate },
  cloud: mock.cloud,
});

// In production this comes from the platform's own store of customers.
const binding = createTenantBinding({
  tenantId: defaults.tenants.ready.tenantId,
  endpoint: defaults.tenants.ready.endpoint,
  deployments: [defaults.tenants.ready.deployments.chat],
  cloud: mock.cloud,
});

const multiply = tool(({ a, b }) => String(a * b), {
  name: "multiply",
  description: "Multiplies two numbers.",
  schema: z.object({ a: z.number(), b: z.number() }),
});

try {
  const model = createChatModel({ app, binding, deployment: binding.deployments[0] ?? "" });
  const agent = createAgent({ model, tools: [multiply] });
  const result = await agent.invoke({ messages: [{ role: "user", content: question }] });
  for (const message of result.messages) {
    console.log(`${message.getType()}: ${String(message.content)}`);
  }
} finally {
  await app.close();
  await mock.close();
}
