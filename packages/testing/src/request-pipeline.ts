import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { createClientLogger } from "@azure/logger";
import { handleArm } from "./arm.js";
import { type AzureOpenAIContext, handleAzureOpenAI } from "./azure-openai.js";
import { handleEntra } from "./entra.js";
import { aadstsError } from "./entra-errors.js";
import type { FaultEffect, FaultTarget } from "./faults.js";
import { type MockJournal, redactPath } from "./journal.js";
import { handleManagedIdentity, managedIdentityPath } from "./managed-identity.js";
import {
  json,
  type MockRequest,
  type MockResponse,
  type MockState,
  type RequestFacts,
} from "./mock-http.js";
import { normalizeAddress } from "./network-rules.js";
import type { ScenarioResource } from "./scenario.js";

const logger = createClientLogger("crosstenant-mock");
const maxBodyInBytes = 4 * 1024 * 1024;

/** Everything the request pipeline of one mock instance works with. */
export interface PipelineContext extends AzureOpenAIContext {
  readonly state: MockState;
  readonly journal: MockJournal;
}

type HostKind =
  | { readonly kind: "entra" }
  | { readonly kind: "arm" }
  | { readonly kind: "openai"; readonly resource: string }
  | { readonly kind: "unknown" };

const classifyHost = (host: string): HostKind => {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  if (name === "localhost" || name === "127.0.0.1") return { kind: "entra" };
  if (name === "management.localhost") return { kind: "arm" };
  const openai = /^([a-z0-9-]+)\.openai\.localhost$/.exec(name);
  if (openai?.[1]) return { kind: "openai", resource: openai[1] };
  return { kind: "unknown" };
};

const readBody = async (incoming: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > maxBodyInBytes) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const parseRequestUrl = (raw: string | undefined) => {
  try {
    return new URL(raw?.startsWith("/") ? raw : "/", "https://mock.invalid");
  } catch {
    return new URL("https://mock.invalid/");
  }
};

/** What a request is before it is handled: enough to pick the faults that apply. */
const faultTarget = (host: HostKind, url: URL, state: MockState): FaultTarget => {
  if (host.kind === "entra") {
    const [tenantId, ...rest] = url.pathname.split("/").filter(Boolean);
    const tail = rest.join("/");
    const route =
      tail === "oauth2/v2.0/token"
        ? "token"
        : tail.startsWith("v2.0/")
          ? "discovery"
          : tail.startsWith("discovery/")
            ? "keys"
            : "unknown";
    return { route, ...(tenantId ? { tenantId } : {}) };
  }
  if (host.kind === "openai") {
    const route = url.pathname.endsWith("/embeddings") ? "embeddings" : "chat";
    const owner = state.scenario.resource(host.resource)?.tenantId;
    return { route, resource: host.resource, ...(owner ? { tenantId: owner } : {}) };
  }
  return { route: host.kind === "arm" ? "arm" : "unknown" };
};

/** Handles one HTTP request end to end: faults, routing, answer, journal. */
export async function handleRequest(
  context: PipelineContext,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  endpointOf: (resource: ScenarioResource) => string,
): Promise<void> {
  const started = performance.now();
  const time = new Date().toISOString();
  const host = incoming.headers.host ?? "";
  // Handlers read only the path and query; the host is routed on separately.
  const url = parseRequestUrl(incoming.url);
  const sourceAddress = normalizeAddress(incoming.socket.remoteAddress);
  const egressIp = context.state.scenario.current.egress[sourceAddress] ?? sourceAddress;
  const facts: RequestFacts = { route: "unknown", decision: "allowed" };
  const hostKind = classifyHost(host);
  const record = (status: number) =>
    context.journal.record({
      time,
      route: facts.route,
      method: incoming.method ?? "GET",
      path: redactPath(url),
      host,
      sourceAddress,
      egressIp,
      ...(facts.tenantId ? { tenantId: facts.tenantId } : {}),
      ...(facts.principal ? { principal: facts.principal } : {}),
      ...(facts.resource ? { resource: facts.resource } : {}),
      ...(facts.resourceTenantId ? { resourceTenantId: facts.resourceTenantId } : {}),
      ...(facts.deployment ? { deployment: facts.deployment } : {}),
      decision: facts.decision,
      status,
      durationInMs: Math.round((performance.now() - started) * 100) / 100,
    });

  try {
    const body = await readBody(incoming);
    const request: MockRequest = {
      method: incoming.method ?? "GET",
      url,
      headers: incoming.headers,
      body,
      sourceAddress,
      egressIp,
    };
    const target = faultTarget(hostKind, url, context.state);
    facts.route = target.route;
    if (target.tenantId && hostKind.kind === "entra") facts.tenantId = target.tenantId;
    const effects = context.state.faults.take(target);
    let cutAfter: number | undefined;
    let response: MockResponse | undefined;
    for (const effect of effects) {
      if (effect.type === "latency" && !(await delayUnlessClosed(incoming, effect.latencyInMs))) {
        facts.decision = "ConnectionClosed";
        record(0);
        return;
      }
      if (effect.type === "cutStream") cutAfter = effect.afterChunks;
      if (effect.type === "reset") {
        facts.decision = "FaultReset";
        record(0);
        incoming.socket.destroy();
        return;
      }
      response ??= faultResponse(effect, facts);
    }

    response ??= await route(context, hostKind, request, facts, endpointOf);
    await send(outgoing, response, cutAfter);
    record(outgoing.socket?.destroyed && cutAfter !== undefined ? 0 : response.status);
  } catch (error) {
    logger.warning(`request to ${redactPath(url)} failed: ${(error as Error).message}`);
    facts.decision = "MockError";
    if (!outgoing.headersSent) {
      outgoing.writeHead(500, { "content-type": "application/json" });
      outgoing.end(
        JSON.stringify({
          error: { code: "InternalServerError", message: "The mock failed to answer." },
        }),
      );
    } else {
      outgoing.destroy();
    }
    record(500);
  }
}

// A latency fault must not outlive its connection: the caller gave up, or the mock was closed.
async function delayUnlessClosed(incoming: IncomingMessage, delayInMs: number): Promise<boolean> {
  const closed = new AbortController();
  const onClose = () => closed.abort();
  incoming.socket.once("close", onClose);
  try {
    await sleep(delayInMs, undefined, { signal: closed.signal });
    return true;
  } catch {
    return false;
  } finally {
    incoming.socket.off("close", onClose);
  }
}

const faultResponse = (effect: FaultEffect, facts: RequestFacts): MockResponse | undefined => {
  if (effect.type === "status") {
    facts.decision = `FaultStatus${effect.status}`;
    return json(
      effect.status,
      effect.body ?? { error: { code: String(effect.status), message: "Injected fault." } },
      effect.headers,
    );
  }
  if (effect.type === "outage") {
    facts.decision = "FaultOutage";
    return aadstsError(90033, "A transient error has occurred. Please try again.");
  }
  return undefined;
};

async function route(
  context: PipelineContext,
  host: HostKind,
  request: MockRequest,
  facts: RequestFacts,
  endpointOf: (resource: ScenarioResource) => string,
): Promise<MockResponse> {
  switch (host.kind) {
    case "entra":
      if (request.url.pathname === managedIdentityPath) {
        return handleManagedIdentity(context.state, request, facts);
      }
      return handleEntra(context.state, request, facts);
    case "openai":
      return handleAzureOpenAI(context.state, context, request, facts, host.resource);
    case "arm":
      return handleArm(context.state, request, facts, endpointOf);
    default:
      facts.decision = "UnknownHost";
      return json(421, {
        error: {
          code: "MisdirectedRequest",
          message: `The mock does not serve host ${request.headers.host ?? "(none)"}.`,
        },
      });
  }
}

async function send(
  outgoing: ServerResponse,
  response: MockResponse,
  cutAfter: number | undefined,
): Promise<void> {
  const common = { "x-request-id": randomUUID(), ...response.headers };
  if ("json" in response) {
    const payload = JSON.stringify(response.json);
    outgoing.writeHead(response.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(payload),
      ...common,
    });
    outgoing.end(payload);
    return;
  }

  outgoing.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    ...common,
  });
  let sent = 0;
  for (const event of response.events) {
    if (cutAfter !== undefined && sent >= cutAfter) {
      await new Promise<void>((resolve) => outgoing.write("", () => resolve()));
      outgoing.socket?.destroy();
      return;
    }
    outgoing.write(`data: ${JSON.stringify(event)}\n\n`);
    sent += 1;
  }
  outgoing.end("data: [DONE]\n\n");
}
