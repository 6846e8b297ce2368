import { ConfigurationError } from "@crosstenant/core";
import { type MockAzure, type StartMockAzureOptions, startMockAzure } from "./mock-azure.js";
import type { Scenario } from "./scenario.js";

// vitest is an optional peer: this entry point must load without it and say so only when used.
const vitest = await import("vitest").catch(() => undefined);

/**
 * Options of {@link useMockAzure}.
 * @example
 * ```ts
 * const mock = useMockAzure({ resetBetweenTests: false });
 * ```
 */
export interface UseMockAzureOptions extends StartMockAzureOptions {
  /**
   * Before each test, put the scenario back as it was at start, clear the journal, the faults
   * and the chat hooks added by the test. True by default.
   */
  readonly resetBetweenTests?: boolean;
}

/**
 * Starts the mock before the tests of the current file (or `describe`) and closes it after
 * them. Returns a function giving the running mock, to call inside tests and hooks.
 *
 * @example
 * ```ts
 * import { ClientSecretCredential } from "@azure/identity";
 * import { useMockAzure } from "@crosstenant/testing/vitest";
 * import { expect, it } from "vitest";
 *
 * const mock = useMockAzure();
 *
 * it("gets a token for the customer tenant", async () => {
 *   const { homeTenantId, clientId, clientSecret, tenants } = mock().defaults;
 *   const credential = new ClientSecretCredential(homeTenantId, clientId, clientSecret, {
 *     ...mock().identityOptions(),
 *     additionallyAllowedTenants: ["*"],
 *   });
 *   const token = await credential.getToken(mock().cloud.cognitiveServicesScope, {
 *     tenantId: tenants.ready.tenantId,
 *   });
 *   expect(token.token).toBeTruthy();
 * });
 * ```
 */
export function useMockAzure(options: UseMockAzureOptions = {}): () => MockAzure {
  if (!vitest) {
    throw new ConfigurationError(
      "useMockAzure() needs vitest, an optional peer dependency of @crosstenant/testing: install vitest, or use startMockAzure() and close() with your test runner's hooks.",
    );
  }
  const { afterAll, beforeAll, beforeEach } = vitest;
  const { resetBetweenTests = true, ...startOptions } = options;
  let running: MockAzure | undefined;
  let initial: Scenario | undefined;
  let removeHooks: (() => void)[] = [];

  beforeAll(async () => {
    running = await startMockAzure(startOptions);
    initial = structuredClone(running.scenario.current);
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  if (resetBetweenTests) {
    beforeEach(() => {
      if (!running || !initial) return;
      running.scenario.replace(initial);
      running.journal.clear();
      running.faults.clear();
      for (const remove of removeHooks) remove();
      removeHooks = [];
    });
  }

  return () => {
    if (!running) {
      throw new ConfigurationError(
        "The mock is not running: call the accessor returned by useMockAzure() inside a test or a hook, not at module level.",
      );
    }
    const mock = running;
    return {
      ...mock,
      onChat: (hook) => {
        const remove = mock.onChat(hook);
        removeHooks.push(remove);
        return remove;
      },
      scriptChatReplies: (replies) => {
        const remove = mock.scriptChatReplies(replies);
        removeHooks.push(remove);
        return remove;
      },
    };
  };
}
