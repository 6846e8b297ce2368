import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";

/** One HTTP request as it left this process, through undici (fetch) or node:http(s). */
export interface OutgoingRequest {
  readonly client: "undici" | "node:http";
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The request body, for node:http requests (token requests carry their form here). */
  body: string;
}

function headerRecord(raw: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (typeof raw === "string") {
    for (const line of raw.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        record[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
    }
  } else if (Array.isArray(raw)) {
    for (let index = 0; index + 1 < raw.length; index += 2) {
      record[String(raw[index]).toLowerCase()] = String(raw[index + 1]);
    }
  }
  return record;
}

const chunkText = (chunk: unknown) =>
  typeof chunk === "string"
    ? chunk
    : chunk instanceof Uint8Array
      ? Buffer.from(chunk).toString()
      : "";

/**
 * Records every request this process sends until `stop()`: fetch through undici's diagnostics
 * channel, node:http(s) (used by @azure/identity) through Node's `http.client.request.created`,
 * published before the body is written, so the bodies are recorded too.
 */
export function recordOutgoingRequests(): { readonly requests: OutgoingRequest[]; stop(): void } {
  const requests: OutgoingRequest[] = [];
  const onUndici = (message: unknown) => {
    const { request } = message as {
      request: { origin: string | URL; path: string; headers: unknown; body?: unknown };
    };
    requests.push({
      client: "undici",
      origin: String(request.origin).replace(/\/$/, ""),
      path: request.path,
      headers: headerRecord(request.headers),
      body: chunkText(request.body),
    });
  };
  const onNodeHttp = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.getHeaders())) {
      headers[name.toLowerCase()] = String(value);
    }
    const recorded: OutgoingRequest = {
      client: "node:http",
      origin: `${request.protocol}//${request.host}`,
      path: request.path,
      headers,
      body: "",
    };
    requests.push(recorded);
    const write = request.write.bind(request);
    const end = request.end.bind(request);
    request.write = ((chunk: unknown, ...rest: unknown[]) => {
      recorded.body += chunkText(chunk);
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof request.write;
    request.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== "function") recorded.body += chunkText(chunk);
      return (end as (...args: unknown[]) => ClientRequest)(chunk, ...rest);
    }) as typeof request.end;
  };
  subscribe("undici:request:create", onUndici);
  subscribe("http.client.request.created", onNodeHttp);
  return {
    requests,
    stop: () => {
      unsubscribe("undici:request:create", onUndici);
      unsubscribe("http.client.request.created", onNodeHttp);
    },
  };
}

/** Whether a request's origin is a loopback host. */
export function isLoopback(origin: string): boolean {
  const { hostname } = new URL(origin);
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname.startsWith("127.") ||
    hostname === "[::1]"
  );
}
