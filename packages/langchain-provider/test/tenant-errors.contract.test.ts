import {
  createTenantBinding,
  ResourceAccessError,
  type TenantBinding,
  TokenAcquisitionError,
} from "@crosstenant/core";
import { createChatModel } from "@crosstenant/langchain";
import { defaultIds } from "@crosstenant/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockPlatform, startMockPlatform } from "./support/mock-tenants.js";

let platform: MockPlatform;
beforeAll(async () => {
  platform = await startMockPlatform();
});
afterAll(async () => {
  await platform.close();
});

interface FailureCase {
  readonly name: string;
  /** Breaks the setup; returns what puts it back. */
  readonly breakSetup: () => () => void;
  readonly binding: () => TenantBinding;
  readonly deployment: () => string;
  readonly expected: {
    readonly type: typeof ResourceAccessError | typeof TokenAcquisitionError;
    readonly code: string;
    readonly checklistItem: string;
    readonly tenantId: () => string;
  };
}

const nothingToRestore = () => () => {};

const cases: FailureCase[] = [
  {
    name: "the role is missing",
    breakSetup: () => {
      platform.mock.scenario.removeRole(
        defaultIds.readyResource,
        defaultIds.readyServicePrincipalId,
      );
      return () =>
        platform.mock.scenario.assignRole(
          defaultIds.readyResource,
          defaultIds.readyServicePrincipalId,
        );
    },
    binding: () => platform.ready,
    deployment: () => platform.chat,
    expected: {
      type: ResourceAccessError,
      code: "ROLE_MISSING",
      checklistItem: "role-assignment",
      tenantId: () => platform.ready.tenantId,
    },
  },
  {
    name: "the firewall denies the platform's egress IP",
    breakSetup: () => {
      platform.mock.scenario.setEgress(defaultIds.egressSource, "198.51.100.7");
      return () => platform.mock.scenario.setEgress(defaultIds.egressSource, defaultIds.egressIp);
    },
    binding: () => platform.ready,
    deployment: () => platform.chat,
    expected: {
      type: ResourceAccessError,
      code: "NETWORK_ACCESS_DENIED",
      checklistItem: "network-access",
      tenantId: () => platform.ready.tenantId,
    },
  },
  {
    name: "the deployment does not exist on the resource",
    breakSetup: nothingToRestore,
    binding: () =>
      createTenantBinding({
        tenantId: platform.ready.tenantId,
        endpoint: platform.ready.endpoint.url,
        deployments: ["gpt-not-deployed"],
        cloud: platform.mock.cloud,
      }),
    deployment: () => "gpt-not-deployed",
    expected: {
      type: ResourceAccessError,
      code: "DEPLOYMENT_NOT_FOUND",
      checklistItem: "deployment",
      tenantId: () => platform.ready.tenantId,
    },
  },
  {
    name: "the tenant never consented to the app",
    breakSetup: nothingToRestore,
    binding: () => platform.unconsented,
    deployment: () => platform.chat,
    expected: {
      type: TokenAcquisitionError,
      code: "CONSENT_MISSING",
      checklistItem: "app-consent",
      tenantId: () => platform.unconsented.tenantId,
    },
  },
];

const modes = {
  invoke: (model: ReturnType<typeof createChatModel>) => model.invoke("hello"),
  batch: (model: ReturnType<typeof createChatModel>) => model.batch(["hello", "again"]),
  stream: async (model: ReturnType<typeof createChatModel>) => {
    for await (const _chunk of await model.stream("hello")) {
      // Draining is enough: the failure surfaces while reading.
    }
  },
};

describe.each(cases)("when $name", (failure) => {
  it.each(Object.keys(modes) as (keyof typeof modes)[])(
    "%s fails with a typed error naming the tenant and the checklist step",
    async (mode) => {
      const restore = failure.breakSetup();
      try {
        const model = createChatModel({
          app: platform.app,
          binding: failure.binding(),
          deployment: failure.deployment(),
          maxRetries: 0,
          egressIps: [defaultIds.egressIp],
        });

        const error = await modes[mode](model).then(
          () => undefined,
          (caught: unknown) => caught,
        );

        expect(error).toBeInstanceOf(failure.expected.type);
        expect(error).toMatchObject({
          code: failure.expected.code,
          checklistItem: failure.expected.checklistItem,
          tenantId: failure.expected.tenantId(),
        });
        // Core names the tenant, or for resource-side failures the tenant's endpoint.
        const { message } = error as Error;
        const named = [failure.expected.tenantId(), failure.binding().endpoint.url];
        expect(named.some((identifier) => message.includes(identifier))).toBe(true);
        if (failure.expected.code === "NETWORK_ACCESS_DENIED") {
          expect(message).toContain(defaultIds.egressIp);
        }
      } finally {
        restore();
      }
    },
  );
});
