import { randomUUID } from "node:crypto";
import { openAIUserRole } from "@crosstenant/core";
import { verifyAccessToken } from "./access-token.js";
import type { ChatHook, ChatHookReply } from "./chat-hooks.js";
import { cognitiveServicesAudience } from "./entra.js";
import {
  json,
  type MockRequest,
  type MockResponse,
  type MockState,
  type RequestFacts,
} from "./mock-http.js";
import { ipMatchesRule } from "./network-rules.js";
import type { RateLimiter } from "./rate-limiter.js";
import {
  contentFilterErrorBody,
  createChatCompletion,
  createChatCompletionChunks,
  createEmbeddingsResponse,
  promptTriggersContentFilter,
  ReplyEngineError,
} from "./replies/index.js";
import { accountResourceId, effectiveAssignments } from "./role-assignments.js";

const unauthorized = json(401, {
  statusCode: 401,
  message: `Unauthorized. Access token is missing, invalid, audience is incorrect (${cognitiveServicesAudience}), or have expired.`,
});
const resourceNotFound = json(404, { error: { code: "404", message: "Resource not found" } });

/** What the data-plane handler needs besides the shared state. */
export interface AzureOpenAIContext {
  readonly chatHooks: readonly ChatHook[];
  readonly rateLimiter: RateLimiter;
}

interface ParsedRoute {
  readonly operation: "chat" | "embeddings";
  /** Deployment from the path; the v1 API names it in the body's `model` instead. */
  readonly deployment: string | undefined;
}

const parseRoute = (url: URL): ParsedRoute | undefined => {
  const deploymentPath = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(
    url.pathname,
  );
  if (deploymentPath?.[1] && url.searchParams.get("api-version")) {
    const operation = deploymentPath[2] === "embeddings" ? "embeddings" : "chat";
    return { operation, deployment: decodeURIComponent(deploymentPath[1]) };
  }
  const v1 = /^\/openai\/v1\/(chat\/completions|embeddings)$/.exec(url.pathname);
  if (v1)
    return { operation: v1[1] === "embeddings" ? "embeddings" : "chat", deployment: undefined };
  return undefined;
};

/** Routes of one mock Azure OpenAI resource (`https://{name}.openai.localhost:{port}`). */
export async function handleAzureOpenAI(
  state: MockState,
  context: AzureOpenAIContext,
  request: MockRequest,
  facts: RequestFacts,
  resourceName: string,
): Promise<MockResponse> {
  const deny = (response: MockResponse, reason: string) => {
    facts.decision = reason;
    return response;
  };
  facts.resource = resourceName;
  const resource = state.scenario.resource(resourceName);
  const route = request.method === "POST" ? parseRoute(request.url) : undefined;
  if (route) facts.route = route.operation;
  if (route?.deployment) facts.deployment = route.deployment;
  if (!resource) return deny(resourceNotFound, "ResourceNotFound");
  facts.resourceTenantId = resource.tenantId;
  if (!route) return deny(resourceNotFound, "NotFound");

  const apiKey = request.headers["api-key"];
  const authorization = request.headers.authorization;
  if (typeof apiKey === "string" && !authorization) {
    if (resource.disableLocalAuth) {
      return deny(
        json(403, {
          error: {
            code: "AuthenticationTypeDisabled",
            message: "Key based authentication is disabled for this resource.",
          },
        }),
        "AuthenticationTypeDisabled",
      );
    }
    if (!resource.apiKeys.includes(apiKey)) {
      return deny(
        json(401, {
          error: {
            code: "401",
            message:
              "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
          },
        }),
        "InvalidApiKey",
      );
    }
  } else {
    const check = await verifyAccessToken(
      state.keys,
      authorization,
      cognitiveServicesAudience,
      state.nowInSeconds(facts),
    );
    if (!check.ok) {
      if (check.tenantId) facts.tenantId = check.tenantId;
      return deny(unauthorized, check.reason);
    }
    facts.tenantId = check.claims.tid;
    facts.principal = check.claims.oid;
    if (check.claims.tid !== resource.tenantId) {
      return deny(
        json(400, {
          error: {
            code: "Tenant provided in token does not match resource token",
            message: `Token tenant ${check.claims.tid} does not match resource tenant.`,
          },
        }),
        "TenantMismatch",
      );
    }
    const roles = effectiveAssignments(
      state.scenario.current,
      check.claims.oid,
      accountResourceId(resource),
      [openAIUserRole.id],
    );
    if (roles.length === 0) {
      return deny(
        json(401, {
          error: {
            code: "PermissionDenied",
            message: "Principal does not have access to API/Operation.",
          },
        }),
        "PermissionDenied",
      );
    }
  }

  if (resource.network.publicNetworkAccess === "Disabled") {
    return deny(
      json(403, {
        error: {
          code: "403",
          message: "Public access is disabled. Please configure private endpoint.",
        },
      }),
      "PublicAccessDisabled",
    );
  }
  if (
    resource.network.defaultAction === "Deny" &&
    !resource.network.ipRules.some((rule) => ipMatchesRule(request.egressIp, rule))
  ) {
    return deny(
      json(
        403,
        { error: { code: "403", message: "Access denied due to Virtual Network/Firewall rules." } },
        { "policy-id": "ThrowExceptionDueToTrafficDenied" },
      ),
      "FirewallDenied",
    );
  }

  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(request.body.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error();
    body = parsed as Record<string, unknown>;
  } catch {
    return deny(
      json(400, {
        error: {
          code: "BadRequest",
          message: "The request body is not a JSON object.",
          param: null,
          type: "invalid_request_error",
        },
      }),
      "InvalidBody",
    );
  }

  const deploymentName = route.deployment ?? (typeof body.model === "string" ? body.model : "");
  facts.deployment = deploymentName;
  const deployment = resource.deployments.find((candidate) => candidate.name === deploymentName);
  if (!deployment) {
    return deny(
      json(404, {
        error: {
          code: "DeploymentNotFound",
          message:
            "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
        },
      }),
      "DeploymentNotFound",
    );
  }
  if (deployment.kind !== route.operation) {
    return deny(
      json(400, {
        error: {
          code: "OperationNotSupported",
          message: `The ${route.operation === "chat" ? "chatCompletion" : "embeddings"} operation does not work with the specified model, ${deployment.model}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
        },
      }),
      "OperationNotSupported",
    );
  }

  const quota = context.rateLimiter.take(resource, state.nowInSeconds(facts) * 1000);
  if (!quota.allowed) {
    return deny(
      json(
        429,
        {
          error: {
            code: "429",
            message: `Requests to the ${route.operation === "chat" ? "ChatCompletions_Create" : "Embeddings_Create"} Operation under Azure OpenAI API version ${request.url.searchParams.get("api-version") ?? "v1"} have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after ${quota.retryAfterInSeconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
          },
        },
        quota.headers,
      ),
      "RateLimited",
    );
  }

  const headers = {
    "apim-request-id": randomUUID(),
    "x-ms-region": resource.location,
    ...quota.headers,
  };
  const replyContext = { model: deployment.model };
  try {
    if (route.operation === "embeddings") {
      facts.decision = "allowed";
      return json(200, createEmbeddingsResponse(body, replyContext), headers);
    }
    if (promptTriggersContentFilter(body))
      return deny(json(400, contentFilterErrorBody(), headers), "ContentFiltered");

    const stream = body.stream === true;
    const hookContext = {
      resource: resource.name,
      deployment: deployment.name,
      tenantId: facts.tenantId,
      principalId: facts.principal,
    };
    let hooked: ChatHookReply | undefined;
    for (const hook of context.chatHooks) {
      hooked = hook({ body, stream }, hookContext);
      if (hooked) break;
    }
    if (hooked && "status" in hooked) {
      facts.decision = hooked.status < 400 ? "allowed" : "HookReply";
      return json(hooked.status, hooked.body, { ...headers, ...hooked.headers });
    }

    facts.decision = "allowed";
    // A hook's text replaces the rule-based reply inside the engine, so usage, stop and the
    // token limit apply to it and no tool call is left beside it.
    const replyOptions = hooked ? { content: hooked.content } : {};
    if (stream) {
      const events = createChatCompletionChunks(body, replyContext, replyOptions);
      return { status: 200, headers, events };
    }
    return json(200, createChatCompletion(body, replyContext, replyOptions), headers);
  } catch (error) {
    if (error instanceof ReplyEngineError)
      return deny(json(error.status, error.body, headers), "InvalidRequest");
    throw error;
  }
}
