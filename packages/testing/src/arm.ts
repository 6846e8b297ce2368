import { randomUUID } from "node:crypto";
import { verifyAccessToken } from "./access-token.js";
import { armAudience } from "./entra.js";
import {
  json,
  type MockRequest,
  type MockResponse,
  type MockState,
  type RequestFacts,
} from "./mock-http.js";
import { accountResourceId, effectiveAssignments, listedAssignments } from "./role-assignments.js";
import type { ScenarioResource } from "./scenario.js";

const armError = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => json(status, { error: { code, message } }, headers);

const accountPath =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.CognitiveServices\/accounts\/[^/]+)(\/deployments)?$/i;
const roleAssignmentsPath =
  /^(\/subscriptions\/[^/]+.*?)\/providers\/Microsoft\.Authorization\/roleAssignments$/i;

/** Routes of the mock Azure Resource Manager (`https://management.localhost:{port}`). */
export async function handleArm(
  state: MockState,
  request: MockRequest,
  facts: RequestFacts,
  endpointOf: (resource: ScenarioResource) => string,
): Promise<MockResponse> {
  facts.route = "arm";
  const deny = (response: MockResponse, reason: string) => {
    facts.decision = reason;
    return response;
  };
  const path = decodeURIComponent(request.url.pathname).replace(/\/$/, "");
  const account = accountPath.exec(path);
  const assignments = roleAssignmentsPath.exec(path);
  if (request.method !== "GET" || (!account && !assignments)) {
    return deny(
      armError(404, "NotFound", `No HTTP resource was found that matches ${path}.`),
      "NotFound",
    );
  }
  if (!request.url.searchParams.get("api-version")) {
    return deny(
      armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      ),
      "MissingApiVersionParameter",
    );
  }

  const check = await verifyAccessToken(
    state.keys,
    request.headers.authorization,
    armAudience,
    state.nowInSeconds(facts),
  );
  if (!check.ok) {
    if (check.reason === "TokenMissing") {
      return deny(
        armError(
          401,
          "AuthenticationFailed",
          "Authentication failed. The 'Authorization' header is missing.",
        ),
        check.reason,
      );
    }
    if (check.reason === "TokenExpired") {
      return deny(
        armError(
          401,
          "ExpiredAuthenticationToken",
          "The access token has expired. Get a new token and retry.",
        ),
        check.reason,
      );
    }
    if (check.reason === "TokenAudienceInvalid") {
      return deny(
        armError(
          401,
          "InvalidAuthenticationTokenAudience",
          `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences '${armAudience}/','${armAudience}','https://management.core.windows.net/','https://management.core.windows.net'.`,
        ),
        check.reason,
      );
    }
    return deny(
      armError(401, "InvalidAuthenticationToken", "The access token is invalid."),
      check.reason,
    );
  }
  const { tid, oid } = check.claims;
  facts.tenantId = tid;
  facts.principal = oid;

  const scope = (account?.[1] ?? assignments?.[1] ?? "").replace(/\/$/, "");
  const subscriptionId = scope.split("/")[2] ?? "";
  const scenario = state.scenario.current;
  const inSubscription = scenario.resources.filter(
    (resource) => resource.subscriptionId.toLowerCase() === subscriptionId.toLowerCase(),
  );
  const subscriptionTenant = inSubscription[0]?.tenantId;
  if (!subscriptionTenant) {
    return deny(
      armError(
        404,
        "SubscriptionNotFound",
        `The subscription '${subscriptionId}' could not be found.`,
      ),
      "SubscriptionNotFound",
    );
  }
  if (subscriptionTenant !== tid) {
    return deny(
      armError(
        401,
        "InvalidAuthenticationTokenTenant",
        `The access token is from the wrong issuer 'https://sts.windows.net/${tid}/'. It must match the tenant 'https://sts.windows.net/${subscriptionTenant}/' associated with this subscription. Please use the authority (URL) '${state.authorityHost}/${subscriptionTenant}' to get the token.`,
      ),
      "TenantMismatch",
    );
  }

  const action = account
    ? account[2]
      ? "Microsoft.CognitiveServices/accounts/deployments/read"
      : "Microsoft.CognitiveServices/accounts/read"
    : "Microsoft.Authorization/roleAssignments/read";
  if (effectiveAssignments(scenario, oid, scope).length === 0) {
    return deny(
      armError(
        403,
        "AuthorizationFailed",
        `The client '${oid}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      ),
      "AuthorizationFailed",
    );
  }

  const headers = { "x-ms-request-id": randomUUID(), "x-ms-correlation-request-id": randomUUID() };
  if (account) {
    const resource = inSubscription.find(
      (candidate) => accountResourceId(candidate).toLowerCase() === scope.toLowerCase(),
    );
    if (!resource) {
      const [, , , , rg = "", , , , name = ""] = scope.split("/");
      return deny(
        armError(
          404,
          "ResourceNotFound",
          `The Resource 'Microsoft.CognitiveServices/accounts/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        ),
        "ResourceNotFound",
      );
    }
    facts.resource = resource.name;
    facts.resourceTenantId = resource.tenantId;
    facts.decision = "allowed";
    return json(
      200,
      account[2] ? deploymentsBody(resource) : accountBody(resource, endpointOf(resource)),
      headers,
    );
  }

  const filter = request.url.searchParams.get("$filter") ?? "";
  const principalId = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
  facts.decision = "allowed";
  return json(
    200,
    {
      value: listedAssignments(scenario, principalId, scope).map((assignment) => ({
        id: `${assignment.scope}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`,
        name: assignment.name,
        type: "Microsoft.Authorization/roleAssignments",
        properties: {
          roleDefinitionId: `/subscriptions/${assignment.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${assignment.roleDefinitionId}`,
          principalId: assignment.principalId,
          principalType: "ServicePrincipal",
          scope: assignment.scope,
          condition: null,
          conditionVersion: null,
        },
      })),
    },
    headers,
  );
}

function accountBody(resource: ScenarioResource, endpoint: string) {
  const id = accountResourceId(resource);
  const { network } = resource;
  return {
    id,
    name: resource.name,
    type: "Microsoft.CognitiveServices/accounts",
    location: resource.location,
    kind: "OpenAI",
    sku: { name: "S0" },
    tags: {},
    properties: {
      customSubDomainName: resource.name,
      endpoint,
      endpoints: { "OpenAI Language Model Instance API": endpoint },
      provisioningState: "Succeeded",
      disableLocalAuth: resource.disableLocalAuth,
      publicNetworkAccess: network.publicNetworkAccess,
      networkAcls: {
        defaultAction: network.defaultAction,
        ipRules: network.ipRules.map((value) => ({ value })),
        virtualNetworkRules: [],
        bypass: "AzureServices",
      },
      privateEndpointConnections: network.privateEndpoints.map((privateEndpoint) => ({
        id: `${id}/privateEndpointConnections/${privateEndpoint.name}`,
        name: privateEndpoint.name,
        type: "Microsoft.CognitiveServices/accounts/privateEndpointConnections",
        properties: {
          privateEndpoint: {
            id: `/subscriptions/${resource.subscriptionId}/resourceGroups/${resource.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${privateEndpoint.name}`,
          },
          privateLinkServiceConnectionState: {
            status: privateEndpoint.status,
            description: "",
            actionsRequired: "None",
          },
          provisioningState: "Succeeded",
        },
      })),
    },
  };
}

function deploymentsBody(resource: ScenarioResource) {
  return {
    value: resource.deployments.map((deployment) => ({
      id: `${accountResourceId(resource)}/deployments/${deployment.name}`,
      name: deployment.name,
      type: "Microsoft.CognitiveServices/accounts/deployments",
      sku: { name: "Standard", capacity: 10 },
      properties: {
        model: { format: "OpenAI", name: deployment.model, version: "1" },
        provisioningState: "Succeeded",
        capabilities:
          deployment.kind === "chat" ? { chatCompletion: "true" } : { embeddings: "true" },
      },
    })),
  };
}
