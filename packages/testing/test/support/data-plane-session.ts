import { ClientSecretCredential } from "@azure/identity";
import { type MockAzure, type Scenario, startMockAzure } from "@crosstenant/testing";
import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach } from "vitest";

/** One mock for a test file, with tokens of the default scenario's app. */
export interface DataPlaneSession {
  mock: MockAzure;
  initial: Scenario;
  /** Cognitive Services token for the ready tenant; a test may replace it. */
  readyToken: string;
  /** Cognitive Services token for the app's home tenant (not the resource's tenant). */
  homeToken: string;
  /** ARM token for the ready tenant. */
  armToken: string;
}

export const session = {} as DataPlaneSession;
export const apiVersion = "2024-10-21";
export const hello = {
  model: "gpt-4o-mini",
  messages: [{ role: "user" as const, content: "hello" }],
};

export const newCredential = () =>
  new ClientSecretCredential(
    session.mock.defaults.homeTenantId,
    session.mock.defaults.clientId,
    session.mock.defaults.clientSecret,
    { ...session.mock.identityOptions(), additionallyAllowedTenants: ["*"] },
  );

/** Starts the mock for the file, gets the tokens, and resets scenario, journal and faults. */
export function useDataPlaneSession(): void {
  beforeAll(async () => {
    session.mock = await startMockAzure();
    session.initial = structuredClone(session.mock.scenario.current);
    const credential = newCredential();
    const { cloud } = session.mock;
    const ready = { tenantId: session.mock.defaults.tenants.ready.tenantId };
    session.readyToken = (await credential.getToken(cloud.cognitiveServicesScope, ready)).token;
    session.armToken = (await credential.getToken(cloud.armScope, ready)).token;
    session.homeToken = (await credential.getToken(cloud.cognitiveServicesScope)).token;
  });
  afterAll(async () => {
    await session.mock.close();
  });
  beforeEach(() => {
    session.mock.scenario.replace(session.initial);
    session.mock.journal.clear();
    session.mock.faults.clear();
  });
}

export const ready = () => session.mock.defaults.tenants.ready;

/** The real openai client for the ready tenant's chat deployment. */
export const client = (
  options: { token?: string; deployment?: string; fetch?: typeof fetch } = {},
) =>
  new AzureOpenAI({
    endpoint: ready().endpoint,
    apiVersion,
    deployment: options.deployment ?? ready().deployments.chat,
    azureADTokenProvider: async () => options.token ?? session.readyToken,
    fetch: options.fetch ?? session.mock.fetch,
    maxRetries: 0,
  });

/** What {@link postChat} saw. */
export interface PostedChat {
  readonly status: number;
  readonly headers: globalThis.Headers;
  readonly body: unknown;
}

/** Posts a chat completion with plain fetch, to see the exact status, headers and body. */
export async function postChat(
  options: {
    headers?: Record<string, string>;
    fetch?: typeof fetch;
    deployment?: string;
    body?: unknown;
  } = {},
): Promise<PostedChat> {
  const deployment = options.deployment ?? ready().deployments.chat;
  const url = `${ready().endpoint}/openai/deployments/${deployment}/chat/completions?api-version=${apiVersion}`;
  const response = await (options.fetch ?? session.mock.fetch)(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.headers ?? { authorization: `Bearer ${session.readyToken}` }),
    },
    body: JSON.stringify(options.body ?? hello),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}
