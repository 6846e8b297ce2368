import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import {
  createPlatformApp,
  createTenantBinding,
  type PlatformApp,
  type TenantBinding,
} from "@crosstenant/core";
import {
  createChatModel,
  createEmbeddings,
  createTenantModelFactory,
} from "@crosstenant/langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliBuilt, runCrosstenant, writeMockCliConfig } from "../support/cli.js";
import { type Fleet, type FleetTenant, startFleet } from "../support/fleet.js";
import { captureLogs } from "../support/log-capture.js";
import { outcomeOf } from "../support/outcome.js";
import { recordOutgoingRequests } from "../support/outgoing.js";
import {
  type Haystack,
  privateKeysOf,
  type Secret,
  scanForSecrets,
} from "../support/secret-scan.js";

// Any JWT at all (header and payload are base64url JSON objects) or any PEM private key is a
// leak, whoever minted it: this also covers tokens the CLI's own process obtained.
const anyJwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/;
const anyPrivateKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

let fleet: Fleet;
let tenantA: FleetTenant;
let tenantB: FleetTenant;
const logs: Haystack[] = [];
const errors: Haystack[] = [];
const models: Haystack[] = [];
const cli: Haystack[] = [];
const secrets: Secret[] = [];
const markers: string[] = [];
let logLines = 0;

const marked = (what: string) => {
  const marker = `customer-data-${randomUUID()}`;
  markers.push(marker);
  return `${what} ${marker}`;
};

/** Keeps every readable form of an error: message, String, toJSON, JSON.stringify, inspect. */
function keepError(label: string, error: unknown) {
  const record = error as { message?: unknown; toJSON?: () => unknown };
  errors.push(
    { source: `${label}: message`, text: String(record?.message ?? "") },
    { source: `${label}: String`, text: String(error) },
    { source: `${label}: JSON.stringify`, text: JSON.stringify(error) ?? "" },
    { source: `${label}: inspect`, text: inspect(error, { depth: 6 }) },
  );
  if (typeof record?.toJSON === "function") {
    errors.push({ source: `${label}: toJSON`, text: JSON.stringify(record.toJSON()) });
  }
}

/** JSON.stringify that writes "[Circular]" where a value refers back to one of its parents. */
function stringifyTolerant(value: unknown): string {
  const parents: unknown[] = [];
  return (
    JSON.stringify(value, function (this: unknown, _key, child: unknown) {
      if (typeof child !== "object" || child === null) return child;
      while (parents.length > 0 && parents.at(-1) !== this) parents.pop();
      if (parents.includes(child)) return "[Circular]";
      parents.push(child);
      return child;
    }) ?? ""
  );
}

/**
 * Keeps a model as JSON.stringify, toJSON and util.inspect (console.log) show it. LangChain embeddings are not
 * Serializable: JSON.stringify walks their fields, and the openai client among them refers back
 * to itself, so that one is written with the cycles cut.
 */
function keepModel(label: string, model: object) {
  models.push(
    { source: `${label}: JSON.stringify`, text: stringifyTolerant(model) },
    { source: `${label}: inspect`, text: inspect(model, { depth: 8 }) },
  );
  const serializable = model as { toJSON?: () => unknown };
  if (typeof serializable.toJSON === "function") {
    models.push({ source: `${label}: toJSON`, text: JSON.stringify(serializable.toJSON()) });
  }
}

async function expectFailure(label: string, call: () => Promise<unknown>) {
  const outcome = await outcomeOf(call);
  if (outcome.kind === "success") throw new Error(`${label} was expected to fail`);
  keepError(label, outcome.error);
}

const bindingOf = (tenant: FleetTenant, deployments?: string[]): TenantBinding =>
  createTenantBinding({
    tenantId: tenant.tenantId,
    endpoint: tenant.binding.endpoint.url,
    deployments: deployments ?? [fleet.chatDeployment, fleet.embeddingsDeployment],
    cloud: fleet.mock.cloud,
  });

/** The contract flows, successes and failures, through one platform app. */
async function contractFlows(app: PlatformApp, label: string) {
  const { mock } = fleet;
  const chat = createChatModel({
    app,
    binding: bindingOf(tenantA),
    deployment: fleet.chatDeployment,
    initialRetryDelayInMs: 10,
  });
  await chat.invoke(marked("invoke"));
  for await (const _chunk of await chat.stream(marked("stream"))) {
    // Consumed only so that the whole stream goes through the loggers.
  }
  await chat.batch([marked("batch one"), marked("batch two")]);
  const embeddings = createEmbeddings({
    app,
    binding: bindingOf(tenantA),
    deployment: fleet.embeddingsDeployment,
  });
  await embeddings.embedDocuments([marked("embed one"), marked("embed two")]);
  const factory = createTenantModelFactory({
    app,
    resolveTenant: () => ({
      tenantId: tenantB.tenantId,
      endpoint: tenantB.binding.endpoint.url,
      deployments: [fleet.chatDeployment],
      cloud: mock.cloud,
    }),
  });
  const fromFactory = await factory.chatModel("customer-b");
  await fromFactory.invoke(marked("factory"));
  keepModel(`${label} chat model`, chat);
  keepModel(`${label} embeddings`, embeddings);
  keepModel(`${label} factory model`, fromFactory);

  await mock.scenario.rotateSigningKey(tenantA.tenantId);
  await chat.invoke(marked("after key rotation"));

  const unconsented = mock.defaults.tenants.unconsented;
  await expectFailure(`${label} consent missing`, () =>
    createChatModel({
      app,
      binding: createTenantBinding({
        tenantId: unconsented.tenantId,
        endpoint: unconsented.endpoint,
        deployments: [fleet.chatDeployment],
        cloud: mock.cloud,
      }),
      deployment: fleet.chatDeployment,
    }).invoke(marked("unconsented")),
  );
  mock.scenario.removeRole(tenantB.resource, tenantB.principalId);
  await expectFailure(`${label} role missing`, () => fromFactory.invoke(marked("no role")));
  mock.scenario.assignRole(tenantB.resource, tenantB.principalId);
  const throttle = mock.faults.add({
    route: "chat",
    resource: tenantA.resource,
    effect: { type: "status", status: 429, headers: { "retry-after": "3600" } },
  });
  await expectFailure(`${label} rate limited`, () => chat.invoke(marked("throttled")));
  throttle.remove();
  const outage = mock.faults.add({
    route: "chat",
    resource: tenantA.resource,
    effect: { type: "status", status: 503 },
  });
  await expectFailure(`${label} resource unavailable`, () => chat.invoke(marked("unavailable")));
  outage.remove();
  await expectFailure(`${label} deployment missing`, () =>
    createChatModel({
      app,
      binding: bindingOf(tenantA, ["ghost-deployment"]),
      deployment: "ghost-deployment",
    }).invoke(marked("ghost")),
  );
  await expectFailure(`${label} tenant mismatch`, () =>
    createChatModel({
      app,
      binding: createTenantBinding({
        tenantId: tenantA.tenantId,
        endpoint: tenantB.binding.endpoint.url,
        deployments: [fleet.chatDeployment],
        cloud: mock.cloud,
      }),
      deployment: fleet.chatDeployment,
    }).invoke(marked("mismatch")),
  );
  const urlPassword = `UrlPassword${randomUUID()}`;
  secrets.push({ kind: "client secret", value: urlPassword });
  await expectFailure(`${label} credentials in the endpoint`, async () =>
    createTenantBinding({
      tenantId: tenantA.tenantId,
      endpoint: `https://platform:${urlPassword}@${new URL(tenantA.binding.endpoint.url).host}`,
      deployments: [fleet.chatDeployment],
      cloud: mock.cloud,
    }),
  );
}

beforeAll(async () => {
  fleet = await startFleet({ tenants: 2, journalSize: 100_000 });
  const [first, second] = fleet.tenants;
  if (!first || !second) throw new Error("the fleet has two tenants");
  tenantA = first;
  tenantB = second;
  const { mock } = fleet;
  const { clientId, homeTenantId, clientSecret, certificate } = mock.defaults;
  secrets.push({ kind: "client secret", value: clientSecret });
  for (const key of privateKeysOf(certificate)) secrets.push({ kind: "private key", value: key });

  const capture = captureLogs();
  const recording = recordOutgoingRequests();
  const certificateApp = createPlatformApp({
    clientId,
    homeTenantId,
    credential: { kind: "certificate", certificatePem: certificate },
    cloud: mock.cloud,
  });
  const wrongSecret = `Wr0ng~${randomUUID()}`;
  secrets.push({ kind: "client secret", value: wrongSecret });
  const wrongSecretApp = createPlatformApp({
    clientId,
    homeTenantId,
    credential: { kind: "secret", clientSecret: wrongSecret },
    cloud: mock.cloud,
  });
  try {
    await contractFlows(fleet.app, "secret");
    await contractFlows(certificateApp, "certificate");
    await expectFailure("wrong client secret", () => wrongSecretApp.getToken(tenantA.tenantId));
    for (const app of [fleet.app, certificateApp]) {
      for (const tenant of [tenantA, tenantB]) {
        secrets.push({ kind: "access token", value: (await app.getToken(tenant.tenantId)).token });
        secrets.push({ kind: "access token", value: await app.tokenProvider(tenant.tenantId)() });
      }
    }
  } finally {
    recording.stop();
    capture.stop();
    await Promise.all([certificateApp.close(), wrongSecretApp.close()]);
  }

  for (const request of recording.requests) {
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (bearer) secrets.push({ kind: "access token", value: bearer });
    const form = new URLSearchParams(request.body);
    const assertion = form.get("client_assertion");
    if (assertion) secrets.push({ kind: "client assertion", value: assertion });
  }
  logLines = capture.lines.length;
  capture.lines.forEach((line, index) => {
    logs.push({ source: `log line ${index}`, text: line });
  });

  if (cliBuilt()) {
    const files = writeMockCliConfig(mock);
    try {
      const env = { PLATFORM_SECRET: clientSecret, AZURE_LOG_LEVEL: "verbose" };
      const runs = [
        ["verify", "--config", files.configFile, "--probe-deployment"],
        ["verify", "--config", files.configFile, "--format", "json"],
        ["verify", "--config", files.configFile, "--certificate-path", files.certificateFile],
        ["checklist", "--config", files.configFile, "--format", "azure-cli"],
      ];
      for (const args of runs) {
        const result = await runCrosstenant(args, env);
        cli.push({ source: `crosstenant ${args.join(" ")}`, text: result.stdout + result.stderr });
      }
      mock.scenario.removeRole(mock.defaults.tenants.ready.resource, defaultPrincipal());
      const failing = await runCrosstenant(["verify", "--config", files.configFile], env);
      cli.push({
        source: "crosstenant verify (role missing)",
        text: failing.stdout + failing.stderr,
      });
    } finally {
      files.remove();
    }
  }
}, 300_000);

afterAll(async () => {
  await fleet?.close();
});

function defaultPrincipal(): string {
  const principal = fleet.mock.defaults.tenants.ready.servicePrincipalId;
  if (!principal) throw new Error("the ready tenant has the app's service principal");
  return principal;
}

const genericLeaks = (haystacks: readonly Haystack[]) =>
  haystacks
    .filter((haystack) => anyJwt.test(haystack.text) || anyPrivateKey.test(haystack.text))
    .map((haystack) => haystack.source);

describe("secret hygiene at AZURE_LOG_LEVEL=verbose", () => {
  it("collected the secrets, tokens and assertions the run produced", () => {
    const kinds = new Set(secrets.map((secret) => secret.kind));
    expect([...kinds].sort()).toEqual([
      "access token",
      "client assertion",
      "client secret",
      "private key",
    ]);
    expect(logLines).toBeGreaterThan(0);
    expect(logs.some((line) => line.text.includes("crosstenant"))).toBe(true);
  });

  it("writes no secret, private key, assertion or token in any log line", () => {
    expect(scanForSecrets(logs, secrets)).toEqual([]);
    expect(genericLeaks(logs)).toEqual([]);
  });

  it("puts none in error messages, toJSON or JSON.stringify of the errors", () => {
    const serialized = errors.filter((haystack) => !haystack.source.endsWith("inspect"));
    expect(serialized.length).toBeGreaterThan(0);
    expect(scanForSecrets(serialized, secrets)).toEqual([]);
    expect(genericLeaks(serialized)).toEqual([]);
  });

  it("puts none in an error as util.inspect prints it, causes included", () => {
    const inspected = errors.filter((haystack) => haystack.source.endsWith("inspect"));
    expect(scanForSecrets(inspected, secrets)).toEqual([]);
    expect(genericLeaks(inspected)).toEqual([]);
  });

  it.each([
    ["toJSON and JSON.stringify of chat models", /(chat|factory) model: (toJSON|JSON)/],
    ["JSON.stringify of embeddings", /embeddings: (toJSON|JSON)/],
    ["util.inspect (console.log) of chat models and embeddings", /: inspect$/],
  ])("puts none in %s", (_name, sources) => {
    const serialized = models.filter((haystack) => sources.test(haystack.source));
    expect(serialized.length).toBeGreaterThan(0);
    expect(scanForSecrets(serialized, secrets)).toEqual([]);
    expect(genericLeaks(serialized)).toEqual([]);
  });

  it("puts none in the mock's journal", () => {
    const journal = fleet.mock.journal
      .entries()
      .map((entry, index) => ({ source: `journal entry ${index}`, text: JSON.stringify(entry) }));
    expect(journal.length).toBeGreaterThan(0);
    expect(scanForSecrets(journal, secrets)).toEqual([]);
    expect(genericLeaks(journal)).toEqual([]);
  });

  it("puts none in the crosstenant CLI's output, verbose logging on", () => {
    expect(cliBuilt()).toBe(true);
    expect(cli.length).toBe(5);
    // The runs really went through Entra ID and the resource: there were tokens to leak.
    expect(cli[0]?.text).toContain("PASS: 8/8 steps pass.");
    expect(cli[4]?.text).toContain("[FAIL]");
    expect(scanForSecrets(cli, secrets)).toEqual([]);
    expect(genericLeaks(cli)).toEqual([]);
  });

  it("writes no prompt or completion (customer data) in any log line", () => {
    expect(markers.length).toBeGreaterThan(0);
    const leaked = logs.filter((line) => markers.some((marker) => line.text.includes(marker)));
    expect(leaked.map((line) => line.source)).toEqual([]);
  });
});
