import { randomBytes } from "node:crypto";
import { createServer } from "node:https";
import type { Socket } from "node:net";
import {
  type CloudDefinition,
  ConfigurationError,
  createCloudFetch,
  defineCloud,
} from "@crosstenant/core";
import { z } from "zod";
import { createAppCertificate, createMockTlsMaterial } from "./certificates.js";
import type { ChatHook, ChatHookReply } from "./chat-hooks.js";
import { defaultIds, defaultScenario } from "./default-scenario.js";
import { MockFaults } from "./faults.js";
import { type FederatedTokenOptions, mintFederatedToken } from "./federated-token.js";
import { MockJournal } from "./journal.js";
import { LiveScenario } from "./live-scenario.js";
import { managedIdentityPath } from "./managed-identity.js";
import { describeDefaults, type MockDefaults } from "./mock-defaults.js";
import type { MockState } from "./mock-http.js";
import { RateLimiter } from "./rate-limiter.js";
import { handleRequest } from "./request-pipeline.js";
import { type Scenario, type ScenarioInput, scenarioSchema } from "./scenario.js";
import { SigningKeys } from "./signing-keys.js";

const optionsSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(0),
  tokenLifetimeInSeconds: z.number().int().min(60).max(86_400).optional(),
  journalSize: z.number().int().min(1).max(1_000_000).default(10_000),
});

/**
 * Options of {@link startMockAzure}.
 * @example
 * ```ts
 * const mock = await startMockAzure({ scenario: defaultScenario(), tokenLifetimeInSeconds: 600 });
 * ```
 */
export interface StartMockAzureOptions {
  /** Address to listen on; 127.0.0.1 unless told otherwise. */
  readonly host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** What the mock serves; {@link defaultScenario} if left out. */
  readonly scenario?: ScenarioInput;
  /** Lifetime of the access tokens issued; overrides the scenario's. */
  readonly tokenLifetimeInSeconds?: number;
  /** How many requests the journal keeps (oldest dropped first); 10,000 by default. */
  readonly journalSize?: number;
}

/**
 * Options for an `@azure/identity` credential pointed at the mock.
 * @example
 * ```ts
 * new ClientSecretCredential(tenantId, clientId, secret, mock.identityOptions());
 * ```
 */
export interface MockIdentityOptions {
  readonly authorityHost: string;
  readonly disableInstanceDiscovery: true;
  readonly tlsOptions: { readonly ca: string };
}

/**
 * A running mock Entra ID, Azure OpenAI and ARM.
 * @example
 * ```ts
 * const mock = await startMockAzure();
 * mock.scenario.revokeConsent(mock.defaults.tenants.ready.tenantId);
 * await mock.close();
 * ```
 */
export interface MockAzure {
  /** `https://localhost:{port}` */
  readonly authorityHost: string;
  /** PEM of the instance's CA: trust it, and only it, to talk to the mock. */
  readonly ca: string;
  /** The cloud pointing at the mock (loopback and ports allowed, CA attached). */
  readonly cloud: CloudDefinition;
  /** Endpoint URL of each Azure OpenAI resource, by name (custom subdomain). */
  readonly endpoints: Readonly<Record<string, string>>;
  /** `https://management.localhost:{port}` */
  readonly armUrl: string;
  readonly port: number;
  /** The live scenario, with its mutation helpers. */
  readonly scenario: LiveScenario;
  /** Identifiers and credentials of the default scenario. */
  readonly defaults: MockDefaults;
  readonly journal: MockJournal;
  readonly faults: MockFaults;
  /** A `fetch` that trusts the CA and resolves `*.localhost` to 127.0.0.1. */
  readonly fetch: typeof globalThis.fetch;
  /** The same `fetch`, sending from another loopback address (127.0.0.2, …). */
  fetchFrom(localAddress: string): typeof globalThis.fetch;
  /** Options to give any `@azure/identity` credential. */
  identityOptions(): MockIdentityOptions;
  /** `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` for `ManagedIdentityCredential` (App Service). */
  managedIdentityEnvironment(): {
    readonly IDENTITY_ENDPOINT: string;
    readonly IDENTITY_HEADER: string;
  };
  /** Mints a federated token (workload identity, or an Entra app token) the mock can verify. */
  issueFederatedToken(options: FederatedTokenOptions): Promise<string>;
  /** Adds a chat hook, consulted before the reply engine; returns a function removing it. */
  onChat(hook: ChatHook): () => void;
  /** Answers the next chat completions, one each, with these replies, then lets others answer. */
  scriptChatReplies(replies: readonly ChatHookReply[]): () => void;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

async function resolveCertificates(scenario: Scenario) {
  const generated = new Map<string, string>();
  for (const app of scenario.apps) {
    if (!app.certificates.some((entry) => "generate" in entry)) continue;
    const certificate = await createAppCertificate(app.displayName);
    generated.set(app.clientId, certificate.certificateWithKeyPem);
    app.certificates = app.certificates.map((entry) =>
      "generate" in entry ? { pem: certificate.certificatePem } : entry,
    );
  }
  return generated;
}

/**
 * Starts the mock on loopback: one HTTPS server answering as Entra ID (`localhost`), as each
 * Azure OpenAI resource (`{name}.openai.localhost`) and as ARM (`management.localhost`), with a
 * CA of its own. The real `@azure/identity`, `openai` and `@langchain/openai` talk to it
 * unmodified.
 *
 * @throws {ConfigurationError} if the options or the scenario are invalid.
 * @example
 * ```ts
 * import { ClientSecretCredential } from "@azure/identity";
 * import { startMockAzure } from "@crosstenant/testing";
 * const mock = await startMockAzure();
 * const { clientId, homeTenantId, clientSecret, tenants } = mock.defaults;
 * const credential = new ClientSecretCredential(homeTenantId, clientId, clientSecret, {
 *   ...mock.identityOptions(),
 *   additionallyAllowedTenants: ["*"],
 * });
 * await credential.getToken(mock.cloud.cognitiveServicesScope, { tenantId: tenants.ready.tenantId });
 * await mock.close();
 * ```
 */
export async function startMockAzure(options: StartMockAzureOptions = {}): Promise<MockAzure> {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) throw ConfigurationError.fromZod("mock options", parsedOptions.error);
  const parsedScenario = scenarioSchema.safeParse(options.scenario ?? defaultScenario());
  if (!parsedScenario.success)
    throw ConfigurationError.fromZod("mock scenario", parsedScenario.error);
  const { host, port: requestedPort, journalSize, tokenLifetimeInSeconds } = parsedOptions.data;
  const scenarioData = parsedScenario.data;
  if (tokenLifetimeInSeconds !== undefined)
    scenarioData.tokenLifetimeInSeconds = tokenLifetimeInSeconds;

  const [tls, generatedCertificates] = await Promise.all([
    createMockTlsMaterial(),
    resolveCertificates(scenarioData),
  ]);
  const keys = new SigningKeys();
  const scenario = new LiveScenario(scenarioData, keys);
  const faults = new MockFaults();
  const journal = new MockJournal(journalSize);
  const chatHooks: ChatHook[] = [];
  const rateLimiter = new RateLimiter();
  let port = requestedPort;
  const identityHeader = randomBytes(24).toString("base64url");

  const state: MockState = {
    scenario,
    keys,
    faults,
    identityHeader,
    get authorityHost() {
      return `https://localhost:${port}`;
    },
    nowInSeconds: (facts) => {
      const skew = faults.skewInSeconds({
        route: facts.route,
        ...(facts.tenantId ? { tenantId: facts.tenantId } : {}),
        ...(facts.resource ? { resource: facts.resource } : {}),
      });
      return Math.floor(Date.now() / 1000) + skew;
    },
  };
  const endpointOf = (resource: { name: string }) =>
    `https://${resource.name}.openai.localhost:${port}/`;

  const sockets = new Set<Socket>();
  const server = createServer(
    { key: tls.keyPem, cert: tls.certificateChainPem },
    (request, response) => {
      void handleRequest({ state, journal, chatHooks, rateLimiter }, request, response, endpointOf);
    },
  );
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === "object" && address ? address.port : port;

  const authorityHost = `https://localhost:${port}`;
  const armUrl = `https://management.localhost:${port}`;
  const cloud = defineCloud({
    name: "crosstenant-mock",
    authorityHost,
    openAIHostSuffixes: [".openai.localhost"],
    cognitiveServicesAudience: "https://cognitiveservices.azure.com",
    armEndpoint: armUrl,
    armScope: "https://management.azure.com/.default",
    allowLoopback: true,
    allowPorts: true,
    caPem: tls.caPem,
  });
  const mockFetch = createCloudFetch(cloud);

  return {
    authorityHost,
    ca: tls.caPem,
    cloud,
    get endpoints() {
      return Object.fromEntries(
        scenario.current.resources.map((resource) => [
          resource.name,
          endpointOf(resource).replace(/\/$/, ""),
        ]),
      );
    },
    armUrl,
    port,
    scenario,
    defaults: await describeDefaults({
      scenario: scenario.current,
      generatedCertificate: generatedCertificates.get(defaultIds.clientId),
      endpoint: (name) => endpointOf({ name }).replace(/\/$/, ""),
    }),
    journal,
    faults,
    fetch: mockFetch,
    fetchFrom: (localAddress) => createCloudFetch(cloud, { localAddress }),
    identityOptions: () => ({
      authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: tls.caPem },
    }),
    managedIdentityEnvironment: () => ({
      IDENTITY_ENDPOINT: `${authorityHost}${managedIdentityPath}`,
      IDENTITY_HEADER: identityHeader,
    }),
    issueFederatedToken: (tokenOptions) =>
      mintFederatedToken(keys, authorityHost, cloud.federatedTokenAudience, tokenOptions),
    onChat: (hook) => {
      chatHooks.push(hook);
      return () => {
        const index = chatHooks.indexOf(hook);
        if (index >= 0) chatHooks.splice(index, 1);
      };
    },
    scriptChatReplies: (replies) => {
      const queue = [...replies];
      const hook: ChatHook = () => queue.shift();
      chatHooks.unshift(hook);
      return () => {
        const index = chatHooks.indexOf(hook);
        if (index >= 0) chatHooks.splice(index, 1);
      };
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}
