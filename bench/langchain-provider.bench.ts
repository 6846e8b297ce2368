// LangChain provider benchmark. Two comparisons, each measured in this one process:
//
// 1. `invoke` latency of a tenant chat model (createChatModel: hermetic client, tenant fetch with
//    its origin check, header hygiene and retry loop, the platform app's token cache, error
//    translation) against a plain AzureChatOpenAI given a static token function, on the same
//    mock, same deployment, same kind of transport (an undici agent trusting the mock's CA).
//    Calls run one at a time, alternating between the two call by call (the order flipping each
//    pair), so the load of a shared machine hits both alike.
// 2. A model factory's look-up of a cached tenant against a bare Map.get over the same keys.
//
// Prints one Markdown section to stdout.
import { createPlatformApp, createTenantBinding } from "@crosstenant/core";
import { createChatModel, createTenantModelFactory } from "@crosstenant/langchain";
import { startMockAzure } from "@crosstenant/testing";
import { AzureChatOpenAI } from "@langchain/openai";

const pairs = 2_000;
const warmupCalls = 200;
const tenantKeys = 1_000;
const lookups = 5_000_000;
const invokeGoal = 1.05;
const lookupGoal = 5;

// ---------------------------------------------------------------- setup
const mock = await startMockAzure();
const { clientId, homeTenantId, clientSecret, tenants } = mock.defaults;
const app = createPlatformApp({
  clientId,
  homeTenantId,
  credential: { kind: "secret", clientSecret },
  cloud: mock.cloud,
});
const deployment = tenants.ready.deployments.chat;
const apiVersion = "2024-10-21";
const binding = createTenantBinding({
  tenantId: tenants.ready.tenantId,
  endpoint: tenants.ready.endpoint,
  deployments: [deployment],
  cloud: mock.cloud,
  apiVersion,
});

const tenantModel = createChatModel({ app, binding, deployment });
const { token } = await app.getToken(binding.tenantId);
const plainModel = new AzureChatOpenAI({
  model: deployment,
  azureOpenAIApiDeploymentName: deployment,
  azureOpenAIEndpoint: tenants.ready.endpoint,
  azureOpenAIApiVersion: apiVersion,
  azureADTokenProvider: async () => token,
  configuration: { fetch: mock.fetch },
});

type Model = { invoke(input: string): Promise<{ content: unknown }> };

async function timedCall(model: Model, into: number[]) {
  const started = performance.now();
  const reply = await model.invoke("benchmark the tenant boundary");
  into.push(performance.now() - started);
  if (reply.content !== "Echo: benchmark the tenant boundary") {
    throw new Error(`unexpected reply: ${String(reply.content)}`);
  }
}

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

// ---------------------------------------------------------------- 1. invoke latency
const warmup: number[] = [];
for (let index = 0; index < warmupCalls; index++) {
  await timedCall(tenantModel, warmup);
  await timedCall(plainModel, warmup);
}
const tenantSamples: number[] = [];
const plainSamples: number[] = [];
for (let pair = 0; pair < pairs; pair++) {
  if (pair % 2 === 0) {
    await timedCall(plainModel, plainSamples);
    await timedCall(tenantModel, tenantSamples);
  } else {
    await timedCall(tenantModel, tenantSamples);
    await timedCall(plainModel, plainSamples);
  }
}
const invokeRatio = percentile(tenantSamples, 50) / percentile(plainSamples, 50);

// ---------------------------------------------------------------- 2. cached look-up
const keys = Array.from({ length: tenantKeys }, (_, index) => `customer-${index}`);
const factory = createTenantModelFactory({
  app,
  resolveTenant: (key) => ({
    tenantId: `a0000000-0000-4000-8000-${Number(key.split("-")[1]).toString(16).padStart(12, "0")}`,
    endpoint: tenants.ready.endpoint,
    deployments: [deployment],
    cloud: mock.cloud,
  }),
  maxTenants: tenantKeys,
  chatDefaults: { deployment },
});
const bare = new Map<string, unknown>();
for (const key of keys) bare.set(key, await factory.chatModel(key));

let sink = 0;
function timeSync(lookup: (key: string) => unknown): number {
  const started = performance.now();
  for (let index = 0; index < lookups; index++) {
    if (lookup(keys[index % tenantKeys] as string) !== undefined) sink += 1;
  }
  return ((performance.now() - started) * 1e6) / lookups;
}
async function timeAsync(lookup: (key: string) => Promise<unknown>): Promise<number> {
  const count = lookups / 10;
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    if ((await lookup(keys[index % tenantKeys] as string)) !== undefined) sink += 1;
  }
  return ((performance.now() - started) * 1e6) / count;
}

const bareGet = (key: string) => bare.get(key);
const cachedLookup = (key: string) => factory.cachedChatModel(key);
timeSync(bareGet);
timeSync(cachedLookup);
const bareNs = Math.min(timeSync(bareGet), timeSync(bareGet));
const cachedNs = Math.min(timeSync(cachedLookup), timeSync(cachedLookup));
const awaitedBareNs = await timeAsync(async (key) => bare.get(key));
const awaitedFactoryNs = await timeAsync((key) => factory.chatModel(key));
const lookupRatio = cachedNs / bareNs;
if (sink === 0) throw new Error("look-ups found nothing");

await app.close();
await mock.close();

// ---------------------------------------------------------------- report
const ms = (value: number) => value.toFixed(2);
const ns = (value: number) => value.toFixed(0);
const met = (ok: boolean) => (ok ? "met" : "**not met**");
console.log(`## LangChain provider: tenant chat model and model factory

**Invoke latency.** One \`invoke\` at a time against the mock's chat completions (TLS on loopback), ${pairs.toLocaleString("en-US")} calls per model alternating call by call, after ${warmupCalls} warm-up calls each. Baseline: a plain \`AzureChatOpenAI\` with a static token function and the mock's fetch. The tenant model adds the hermetic client, the tenant fetch (origin check, header hygiene, retry loop), a token-cache look-up per attempt and error translation.

| model | p50 (ms) | p90 (ms) | p99 (ms) | p50 ratio to plain |
|---|---:|---:|---:|---:|
| plain AzureChatOpenAI, static token (baseline) | ${ms(percentile(plainSamples, 50))} | ${ms(percentile(plainSamples, 90))} | ${ms(percentile(plainSamples, 99))} | 1.00 |
| createChatModel (tenant model) | ${ms(percentile(tenantSamples, 50))} | ${ms(percentile(tenantSamples, 90))} | ${ms(percentile(tenantSamples, 99))} | ${invokeRatio.toFixed(3)} |

Goal: p50 ratio ≤ ${invokeGoal} — ${met(invokeRatio <= invokeGoal)} (${invokeRatio.toFixed(3)}).

**Cached tenant look-up.** ${tenantKeys.toLocaleString("en-US")} tenants held, ${lookups.toLocaleString("en-US")} look-ups cycling over them. Baseline: \`Map.get\` on a map of the same models by the same keys.

| look-up | ns per look-up | ratio to Map.get |
|---|---:|---:|
| \`Map.get\` (baseline) | ${ns(bareNs)} | 1.00 |
| \`factory.cachedChatModel(key)\` | ${ns(cachedNs)} | ${lookupRatio.toFixed(2)} |
| \`await Map.get\` (async baseline) | ${ns(awaitedBareNs)} | ${(awaitedBareNs / bareNs).toFixed(2)} |
| \`await factory.chatModel(key)\` | ${ns(awaitedFactoryNs)} | ${(awaitedFactoryNs / bareNs).toFixed(2)} (${(awaitedFactoryNs / awaitedBareNs).toFixed(2)} × the async baseline) |

Goal: a cached look-up ≤ ${lookupGoal}× \`Map.get\` — ${met(lookupRatio <= lookupGoal)} (${lookupRatio.toFixed(2)}, synchronous \`cachedChatModel\`). The awaited \`chatModel\` pays a promise and a microtask per call, as any async API does; it is shown against an awaited \`Map.get\`.
`);
