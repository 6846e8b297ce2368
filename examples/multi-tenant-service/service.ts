import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  ConfigurationError,
  ContentFilterError,
  CrossTenantError,
  checklistItemOwners,
  OperationCancelledError,
  RateLimitError,
} from "@crosstenant/core";
import type { TenantModelFactory } from "@crosstenant/langchain";

/** Options of {@link createChatService}. */
export interface ChatServiceOptions {
  /** The per-tenant model factory; its `resolveTenant` decides which keys exist. */
  readonly factory: TenantModelFactory;
  /** Whether a tenant key is one of the platform's customers (unknown keys get a 404). */
  readonly isKnownTenant: (key: string) => boolean;
  /** Where the full error detail goes; the client only sees a code and a short message. */
  readonly logError?: (key: string, error: unknown) => void;
}

interface HttpFailure {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

/**
 * Maps a failure to the HTTP response a platform's client should see. A customer's setup problem
 * is a 424 naming the checklist step, throttling a 429 with Retry-After, the platform's own
 * credential trouble a 503; the full message (with ids and remediation) stays in the server log.
 */
export function toHttpFailure(error: unknown): HttpFailure {
  if (error instanceof RateLimitError) {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    return {
      status: 429,
      body: { error: error.code, message: "The model is busy; retry later." },
      headers: { "retry-after": String(seconds) },
    };
  }
  if (error instanceof ContentFilterError) {
    return { status: 422, body: { error: error.code, message: "The prompt was filtered." } };
  }
  if (error instanceof OperationCancelledError) {
    return {
      status: 504,
      body: { error: error.code, message: "The model did not answer in time." },
    };
  }
  if (error instanceof ConfigurationError) {
    return {
      status: 500,
      body: { error: error.code, message: "This tenant is misconfigured on the platform." },
    };
  }
  if (error instanceof CrossTenantError && error.checklistItem) {
    const owner = checklistItemOwners[error.checklistItem];
    if (owner === "customer") {
      return {
        status: 424,
        body: {
          error: error.code,
          checklistItem: error.checklistItem,
          message: `Your Azure OpenAI setup needs a change: checklist step "${error.checklistItem}".`,
        },
      };
    }
    return {
      status: 503,
      body: { error: error.code, message: "The platform cannot reach your model right now." },
    };
  }
  return { status: 500, body: { error: "INTERNAL", message: "Something went wrong." } };
}

async function readMessage(request: IncomingMessage): Promise<string | undefined> {
  let raw = "";
  for await (const chunk of request) {
    raw += chunk;
    if (raw.length > 64 * 1024) return undefined;
  }
  try {
    const parsed = JSON.parse(raw) as { message?: unknown };
    return typeof parsed.message === "string" && parsed.message ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, failure: HttpFailure) {
  response.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
  response.end(JSON.stringify(failure.body));
}

/**
 * A small multi-tenant chat service on Node's own `http`: `POST /tenants/{key}/chat` with
 * `{"message": "…"}` streams the tenant's model's answer back as plain text.
 */
export function createChatService(options: ChatServiceOptions): Server {
  const logError = options.logError ?? ((key, error) => console.error(`tenant ${key}:`, error));

  return createServer(async (request, response) => {
    const match = /^\/tenants\/([a-z0-9-]{1,64})\/chat$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match?.[1]) {
      sendJson(response, {
        status: 404,
        body: { error: "NOT_FOUND", message: "POST /tenants/{key}/chat" },
      });
      return;
    }
    const key = match[1];
    if (!options.isKnownTenant(key)) {
      sendJson(response, {
        status: 404,
        body: { error: "UNKNOWN_TENANT", message: `No tenant ${key}.` },
      });
      return;
    }
    const message = await readMessage(request);
    if (!message) {
      sendJson(response, {
        status: 400,
        body: { error: "BAD_REQUEST", message: 'Send {"message": "…"}.' },
      });
      return;
    }

    // A client that goes away stops the model call too.
    const abort = new AbortController();
    response.on("close", () => abort.abort());
    try {
      const model = await options.factory.chatModel(key);
      const stream = await model.stream(message, { signal: abort.signal });
      let started = false;
      for await (const chunk of stream) {
        if (!started) {
          response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
          started = true;
        }
        if (typeof chunk.content === "string") response.write(chunk.content);
      }
      if (!started) response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      response.end();
    } catch (error) {
      logError(key, error);
      if (response.headersSent) {
        const code = error instanceof CrossTenantError ? error.code : "INTERNAL";
        response.end(`\n[stream failed: ${code}]`);
      } else {
        sendJson(response, toHttpFailure(error));
      }
    }
  });
}
