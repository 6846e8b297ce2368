// Mock benchmark: non-streaming chat completions per second through the mock's full path (TLS,
// Host routing, token signature/audience/expiry, tenant, role and firewall checks, reply engine,
// journal) against a bare node:https server answering a fixed JSON body. Same process, same
// client (a keep-alive undici agent through createCloudFetch), fixed concurrency, fixed count.
// Prints one Markdown section to stdout.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { createCloudFetch, defineCloud } from "@crosstenant/core";
import { startMockAzure } from "@crosstenant/testing";

const concurrency = 16;
const warmupRequests = 300;
const measuredRequests = 4000;
const goal = 0.5;

// ---------------------------------------------------------------- bare server (the baseline)
const certificateDir = mkdtempSync(join(tmpdir(), "crosstenant-mock-bench-"));
execFileSync(
  "openssl",
  [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-keyout", join(certificateDir, "key.pem"), "-out", join(certificateDir, "cert.pem")],
    ...["-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
  ],
  { stdio: "ignore" },
);
const bareCa = readFileSync(join(certificateDir, "cert.pem"), "utf8");
const bareKey = readFileSync(join(certificateDir, "key.pem"), "utf8");
rmSync(certificateDir, { recursive: true });

const fixedBody = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Echo: hello", refusal: null },
      finish_reason: "stop",
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
});
const bare = createServer({ key: bareKey, cert: bareCa }, (request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(fixedBody);
  });
});
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
const barePort = (bare.address() as { port: number }).port;
const bareFetch = createCloudFetch(
  defineCloud({
    name: "bare",
    authorityHost: `https://localhost:${barePort}`,
    openAIHostSuffixes: [".openai.localhost"],
    cognitiveServicesAudience: "https://cognitiveservices.azure.com",
    armEndpoint: `https://localhost:${barePort}`,
    allowLoopback: true,
    allowPorts: true,
    caPem: bareCa,
  }),
);

// ---------------------------------------------------------------- the mock
const mock = await startMockAzure({ journalSize: 1000 });
const ready = mock.defaults.tenants.ready;
const credential = new ClientSecretCredential(
  mock.defaults.homeTenantId,
  mock.defaults.clientId,
  mock.defaults.clientSecret,
  { ...mock.identityOptions(), additionallyAllowedTenants: ["*"] },
);
const { token } = await credential.getToken(mock.cloud.cognitiveServicesScope, {
  tenantId: ready.tenantId,
});
const chatUrl = `${ready.endpoint}/openai/deployments/${ready.deployments.chat}/chat/completions?api-version=2024-10-21`;
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const chatBody = JSON.stringify({
  model: ready.deployments.chat,
  messages: [{ role: "user", content: "hello" }],
});
const streamBody = JSON.stringify({
  model: ready.deployments.chat,
  messages: [{ role: "user", content: "hello there, how are you today" }],
  stream: true,
  stream_options: { include_usage: true },
});

// ---------------------------------------------------------------- measurement
type Call = () => Promise<void>;

const expectOk = async (response: Response) => {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`unexpected ${response.status}: ${text}`);
  return text;
};

async function run(call: Call, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      next += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

interface Figures {
  readonly requestsPerSecond: number;
  /** CPU time of this process per request (client and server alike), in microseconds. */
  readonly cpuMicrosecondsPerRequest: number;
}

async function measure(call: Call): Promise<Figures> {
  await run(call, warmupRequests);
  const cpuBefore = process.cpuUsage();
  const elapsed = await run(call, measuredRequests);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requestsPerSecond: measuredRequests / (elapsed / 1000),
    cpuMicrosecondsPerRequest: (cpu.user + cpu.system) / measuredRequests,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

let chunks = 0;
const bareCall: Call = async () => {
  await expectOk(
    await bareFetch(`https://localhost:${barePort}/chat`, {
      method: "POST",
      headers,
      body: chatBody,
    }),
  );
};
const mockCall: Call = async () => {
  await expectOk(await mock.fetch(chatUrl, { method: "POST", headers, body: chatBody }));
};
const mockStreamCall: Call = async () => {
  const text = await expectOk(
    await mock.fetch(chatUrl, { method: "POST", headers, body: streamBody }),
  );
  chunks += text.split("\n\n").length - 1;
};

// Interleaved rounds, medians: the machine may be shared, and load drifts over a run.
const rounds = 3;
const results = { bare: [] as Figures[], mock: [] as Figures[], stream: [] as Figures[] };
for (let round = 0; round < rounds; round += 1) {
  results.bare.push(await measure(bareCall));
  results.mock.push(await measure(mockCall));
  chunks = 0;
  results.stream.push(await measure(mockStreamCall));
}
const chunksPerRequest = chunks / (warmupRequests + measuredRequests);
const rate = (figures: Figures[]) => median(figures.map((f) => f.requestsPerSecond));
const cpu = (figures: Figures[]) => median(figures.map((f) => f.cpuMicrosecondsPerRequest));
const bareRate = rate(results.bare);
const mockRate = rate(results.mock);
const streamRate = rate(results.stream);

await mock.close();
await new Promise<void>((resolve) => bare.close(() => resolve()));
bare.closeAllConnections();

// ---------------------------------------------------------------- report
const format = (value: number) => Math.round(value).toLocaleString("en-US");
const ratio = mockRate / bareRate;
console.log(`## Mock Azure OpenAI throughput

Chat completions per second over TLS on loopback, ${concurrency} concurrent callers, ${format(measuredRequests)} requests after ${warmupRequests} warm-up, median of ${rounds} interleaved rounds, one keep-alive undici agent per server, all in one process. The mock runs its full path on every request: Host routing, token signature, audience and expiry, tenant match, role assignment, firewall, deployment, reply engine, journal. Baseline: a bare \`node:https\` server answering a fixed JSON body. CPU time counts client and server, both in this process.

| server | requests/s | ratio to bare server | CPU µs per request |
|---|---:|---:|---:|
| bare node:https, fixed JSON (baseline) | ${format(bareRate)} | 1.00 | ${format(cpu(results.bare))} |
| mock, non-streaming chat completion | ${format(mockRate)} | ${ratio.toFixed(2)} | ${format(cpu(results.mock))} |
| mock, streaming chat completion (${chunksPerRequest.toFixed(0)} SSE events each) | ${format(streamRate)} | ${(streamRate / bareRate).toFixed(2)} | ${format(cpu(results.stream))} |

Goal: non-streaming at least ${goal} of the bare server — ${ratio >= goal ? "met" : "**not met**"} (${ratio.toFixed(2)}). Streaming delivers ${format(streamRate * chunksPerRequest)} SSE events per second.
`);
