// Type-checked by `pnpm check:packages` against the published declarations of the packed
// packages, in a fresh consumer project: the public API as a user's code sees it.
import {
  type ChecklistReport,
  CrossTenantError,
  type CrossTenantErrorCode,
  clouds,
  createPlatformApp,
  createTenantBinding,
  diagnose,
  parseEndpoint,
  renderChecklist,
  type TenantBinding,
  verifyChecklist,
} from "@crosstenant/core";
import { createChatModel, createTenantModelFactory } from "@crosstenant/langchain";
import { type MockAzure, startMockAzure } from "@crosstenant/testing";

export async function consumer(): Promise<string> {
  const endpoint = parseEndpoint("https://contoso.openai.azure.com", { cloud: "public" });
  const host: string = endpoint.host;

  const mock: MockAzure = await startMockAzure();
  const app = createPlatformApp({
    clientId: mock.defaults.clientId,
    homeTenantId: mock.defaults.homeTenantId,
    credential: { kind: "certificate", certificatePem: mock.defaults.certificate },
    cloud: mock.cloud,
  });
  const bindingInput = {
    tenantId: mock.defaults.tenants.ready.tenantId,
    endpoint: mock.defaults.tenants.ready.endpoint,
    deployments: [mock.defaults.tenants.ready.deployments.chat],
    cloud: mock.cloud,
  };
  const binding: TenantBinding = createTenantBinding(bindingInput);
  const tokenProvider: () => Promise<string> = app.tokenProvider(binding.tenantId);
  const report: ChecklistReport = await verifyChecklist({
    app,
    binding,
    egressIps: ["203.0.113.10"],
  });

  const model = createChatModel({ app, binding, deployment: binding.deployments[0] ?? "" });
  const factory = createTenantModelFactory({ app, resolveTenant: async () => bindingInput });
  try {
    await model.invoke("hello");
    await (await factory.chatModel("contoso")).invoke("hello");
  } catch (error) {
    const known = diagnose(error);
    if (known instanceof CrossTenantError) {
      const code: CrossTenantErrorCode = known.code;
      return code;
    }
  } finally {
    await app.close();
    await mock.close();
  }
  return [host, clouds.public.name, typeof tokenProvider, renderChecklist(report, "text")].join();
}
