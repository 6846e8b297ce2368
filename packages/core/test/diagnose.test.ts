import { createRequire } from "node:module";
import {
  AuthenticationError,
  AuthenticationRequiredError,
  ClientSecretCredential,
} from "@azure/identity";
import {
  ContentFilterError,
  CrossTenantError,
  createTenantBinding,
  type DiagnoseContext,
  diagnose,
  diagnoseResponse,
  openAIUserRole,
  RateLimitError,
  ResourceAccessError,
  TokenAcquisitionError,
} from "@crosstenant/core";
import { AzureChatOpenAI } from "@langchain/openai";
import { APIError, AzureOpenAI } from "openai";
import { describe, expect, it } from "vitest";

// MSAL is what @azure/identity wraps; load the very copy it uses, without a dependency of our own.
const requireFromIdentity = createRequire(
  createRequire(import.meta.url).resolve("@azure/identity"),
);
const { ServerError, ClientAuthError } = requireFromIdentity("@azure/msal-node") as {
  ServerError: new (
    errorCode: string,
    correlationId: string,
    errorMessage?: string,
    subError?: string,
    errorNo?: string,
    status?: number,
  ) => Error;
  ClientAuthError: new (errorCode: string, correlationId: string, errorMessage?: string) => Error;
};

const tenantId = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const clientId = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const armResourceId =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/contoso";
const binding = createTenantBinding({
  tenantId,
  endpoint: "https://contoso.openai.azure.com",
  deployments: ["gpt-4o"],
  armResourceId,
  displayName: "Contoso",
});
const context: DiagnoseContext = {
  binding,
  clientId,
  deployment: "gpt-4o",
  egressIps: ["203.0.113.10", "203.0.113.11"],
};
const consentUrl = `https://login.microsoftonline.com/${tenantId}/adminconsent?client_id=${clientId}`;
const secret = "s3cr3t-value-never-shown";
const token = "eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ4In0.signature-never-shown";

function expectNoSecrets(error: CrossTenantError) {
  for (const text of [error.message, JSON.stringify(error)]) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/Bearer /);
  }
}

// ---------- Entra ID ----------

function entraBody(aadsts: number, error: string, description: string) {
  return {
    error,
    error_description: `AADSTS${aadsts}: ${description}\r\nTrace ID: 0f0e0d0c-0b0a-0908-0706-050403020100\r\nCorrelation ID: 01020304-0506-0708-090a-0b0c0d0e0f10\r\nTimestamp: 2026-12-03 13:00:00Z`,
    error_codes: [aadsts],
    timestamp: "2026-12-03 13:00:00Z",
    trace_id: "0f0e0d0c-0b0a-0908-0706-050403020100",
    correlation_id: "01020304-0506-0708-090a-0b0c0d0e0f10",
  };
}

type EntraCase = readonly [
  aadsts: number,
  error: string,
  status: number,
  description: string,
  code: string,
  checklistItem: string | undefined,
  meaning: RegExp,
];

const entraCases: readonly EntraCase[] = [
  [
    700016,
    "unauthorized_client",
    400,
    `Application with identifier '${clientId}' was not found in the directory 'Contoso'.`,
    "CONSENT_MISSING",
    "app-consent",
    new RegExp(consentUrl.replace(/[?.]/g, "\\$&")),
  ],
  [
    7000215,
    "invalid_client",
    401,
    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
    "PLATFORM_SECRET_INVALID",
    "platform-credential",
    /secret's ID instead of its value/,
  ],
  [
    7000222,
    "invalid_client",
    401,
    `The provided client secret keys for app '${clientId}' are expired.`,
    "PLATFORM_SECRET_EXPIRED",
    "platform-credential",
    /az ad app credential reset --id 0b1c2d3e/,
  ],
  [
    700027,
    "invalid_client",
    401,
    "Client assertion failed signature validation.",
    "PLATFORM_CERTIFICATE_NOT_REGISTERED",
    "platform-credential",
    /not registered on the platform app/,
  ],
  [
    7000112,
    "unauthorized_client",
    400,
    `Application '${clientId}' is disabled.`,
    "APP_DISABLED",
    "app-consent",
    /disabled in tenant/,
  ],
  [
    90002,
    "invalid_tenant",
    400,
    `Tenant '${tenantId}' not found.`,
    "TENANT_NOT_FOUND",
    "tenant",
    /does not know tenant 6f1c3b2a.*another national cloud/,
  ],
  [
    90038,
    "invalid_request",
    400,
    "Tenant is in a different national cloud.",
    "TENANT_IN_OTHER_CLOUD",
    "tenant",
    /another national cloud than AzurePublicCloud/,
  ],
  [
    500011,
    "invalid_resource",
    400,
    "The resource principal named https://cognitiveservices.azure.com was not found in the tenant.",
    "RESOURCE_NOT_IN_TENANT",
    "tenant",
    /no service principal for https:\/\/cognitiveservices\.azure\.com/,
  ],
  [
    70011,
    "invalid_scope",
    400,
    "The provided value for the input parameter 'scope' is not valid.",
    "SCOPE_INVALID",
    undefined,
    /https:\/\/cognitiveservices\.azure\.com\/\.default/,
  ],
  [
    700229,
    "invalid_client",
    400,
    "The token presented is not app-only.",
    "PLATFORM_FEDERATED_TOKEN_INVALID",
    "platform-credential",
    /api:\/\/AzureADTokenExchange/,
  ],
  [
    700211,
    "invalid_client",
    400,
    "No matching federated identity record found for presented assertion issuer.",
    "PLATFORM_FEDERATED_TOKEN_INVALID",
    "platform-credential",
    /federated credential/,
  ],
  [
    700212,
    "invalid_client",
    400,
    "No matching federated identity record found for presented assertion audience.",
    "PLATFORM_FEDERATED_TOKEN_INVALID",
    "platform-credential",
    /audience/,
  ],
  [
    700213,
    "invalid_client",
    400,
    "No matching federated identity record found for presented assertion subject.",
    "PLATFORM_FEDERATED_TOKEN_INVALID",
    "platform-credential",
    /subject/,
  ],
  [
    90033,
    "temporarily_unavailable",
    503,
    "A transient error has occurred. Please try again.",
    "TOKEN_REQUEST_FAILED",
    undefined,
    /transient failure.*retry with backoff/,
  ],
  [
    50020,
    "invalid_request",
    400,
    "User account from identity provider does not exist in tenant.",
    "TOKEN_REQUEST_FAILED",
    undefined,
    /AADSTS50020: User account/,
  ],
];

function expectEntra(result: unknown, row: EntraCase, status: number | undefined) {
  const [aadsts, , , , code, checklistItem, meaning] = row;
  expect(result).toBeInstanceOf(TokenAcquisitionError);
  const error = result as TokenAcquisitionError;
  expect(error.code).toBe(code);
  expect(error.aadstsCode).toBe(aadsts);
  expect(error.checklistItem).toBe(checklistItem);
  expect(error.tenantId).toBe(tenantId);
  expect(error.status).toBe(status);
  expect(error.message).toMatch(meaning);
  expect(error.message).not.toMatch(/Trace ID|Correlation ID/);
  expectNoSecrets(error);
}

describe("diagnose: Entra ID failures", () => {
  it.each(entraCases)("AADSTS%s from @azure/identity's AuthenticationError", (...row) => {
    const [aadsts, error, status, description] = row;
    const raw = new AuthenticationError(
      status,
      JSON.stringify(entraBody(aadsts, error, description)),
    );
    const result = diagnose(raw, context);
    expectEntra(result, row, status);
    expect((result as Error).cause).toBe(raw);
  });

  it.each(entraCases)("AADSTS%s from MSAL's ServerError wrapped by @azure/identity", (...row) => {
    const [aadsts, error, status, description] = row;
    const server = new ServerError(
      error,
      "corr",
      `AADSTS${aadsts}: ${description}`,
      "",
      String(aadsts),
      status,
    );
    const wrapped = new AuthenticationRequiredError({
      scopes: ["https://cognitiveservices.azure.com/.default"],
      message: server.message,
      cause: server,
    });
    expectEntra(diagnose(wrapped, context), row, status);
  });

  it("reads the AADSTS number from the text when nothing else carries it", () => {
    const result = diagnose(new Error("token request failed: AADSTS700016: app not found"), {
      tenantId,
      clientId,
    });
    expect((result as CrossTenantError).code).toBe("CONSENT_MISSING");
    expect((result as CrossTenantError).message).toContain(consentUrl);
  });

  it("explains MSAL's endpoints_resolution_error with its real causes", () => {
    const msal = new ClientAuthError(
      "endpoints_resolution_error",
      "corr",
      "Endpoints cannot be resolved",
    );
    for (const raw of [msal, new Error(msal.message, { cause: msal })]) {
      const result = diagnose(raw, { tenantId, cloud: "usGovernment" }) as TokenAcquisitionError;
      expect(result.code).toBe("AUTHORITY_UNREACHABLE");
      expect(result.checklistItem).toBe("tenant");
      expect(result.aadstsCode).toBeUndefined();
      expect(result.message).toMatch(/https:\/\/login\.microsoftonline\.us/);
      for (const cause of [
        /tenant id does not exist/,
        /another cloud/,
        /proxy/,
        /TLS/,
        /instance discovery/,
      ]) {
        expect(result.message).toMatch(cause);
      }
    }
  });

  it("without a client id, the consent remediation still says what to do", () => {
    const raw = new AuthenticationError(400, entraBody(700016, "unauthorized_client", "not found"));
    const error = diagnose(raw, { tenantId }) as CrossTenantError;
    expect(error.message).toMatch(/admin-consent link/);
    expect(error.message).toMatch(/az ad sp create --id <platform app client id>/);
  });
});

/** An HttpClient for @azure/identity that answers from a table instead of the network. */
function cannedHttpClient(answer: (url: string) => { status: number; body: unknown }) {
  return {
    async sendRequest(request: { url: string }) {
      const { status, body } = answer(request.url);
      const headers = new Map([["content-type", "application/json"]]);
      return {
        request,
        status,
        bodyAsText: JSON.stringify(body),
        headers: {
          get: (name: string) => headers.get(name.toLowerCase()),
          has: (name: string) => headers.has(name.toLowerCase()),
          set: () => undefined,
          delete: () => undefined,
          toJSON: () => Object.fromEntries(headers),
          [Symbol.iterator]: () => headers.entries(),
        },
      };
    },
  };
}

function openIdConfiguration(tenant: string) {
  const base = `https://login.microsoftonline.com/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    issuer: `${base}/v2.0`,
    jwks_uri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
  };
}

describe("diagnose: errors thrown by the real ClientSecretCredential", () => {
  it("diagnoses a token endpoint refusal the credential received", async () => {
    const credential = new ClientSecretCredential(tenantId, clientId, secret, {
      disableInstanceDiscovery: true,
      httpClient: cannedHttpClient((url) =>
        url.includes("openid-configuration")
          ? { status: 200, body: openIdConfiguration(tenantId) }
          : {
              status: 401,
              body: entraBody(7000222, "invalid_client", "The client secret keys are expired."),
            },
      ) as never,
    });
    const thrown = await credential
      .getToken("https://cognitiveservices.azure.com/.default")
      .catch((e) => e);
    const error = diagnose(thrown, context) as TokenAcquisitionError;
    expect(error.code).toBe("PLATFORM_SECRET_EXPIRED");
    expect(error.aadstsCode).toBe(7000222);
    expect(error.cause).toBe(thrown);
    expectNoSecrets(error);
  });

  it("diagnoses an authority whose endpoints cannot be resolved", async () => {
    // An authority MSAL has no built-in metadata for, whose discovery document is missing.
    const credential = new ClientSecretCredential(tenantId, clientId, secret, {
      authorityHost: "https://login.contoso.example",
      disableInstanceDiscovery: true,
      httpClient: cannedHttpClient(() => ({ status: 404, body: { error: "not_found" } })) as never,
    });
    const thrown = await credential
      .getToken("https://cognitiveservices.azure.com/.default")
      .catch((e) => e);
    const error = diagnose(thrown, context) as TokenAcquisitionError;
    expect(error.code).toBe("AUTHORITY_UNREACHABLE");
    expectNoSecrets(error);
  });
});

// ---------- Azure OpenAI ----------

type ServiceCase = {
  readonly name: string;
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly check: (error: CrossTenantError) => void;
};

const serviceCases: readonly ServiceCase[] = [
  {
    name: "401 token missing, invalid or expired",
    status: 401,
    body: {
      statusCode: 401,
      message:
        "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.",
    },
    check: (error) => {
      expect(error).toBeInstanceOf(ResourceAccessError);
      expect(error.code).toBe("TOKEN_REJECTED");
      expect(error.message).toMatch(/scope https:\/\/cognitiveservices\.azure\.com\/\.default/);
    },
  },
  {
    name: "401 PermissionDenied",
    status: 401,
    body: {
      error: {
        code: "PermissionDenied",
        message: "Principal does not have access to API/Operation.",
      },
    },
    check: (error) => {
      expect(error.code).toBe("ROLE_MISSING");
      expect(error.checklistItem).toBe("role-assignment");
      expect(error.message).toContain(openAIUserRole.name);
      expect(error.message).toContain(openAIUserRole.id);
      expect(error.message).toContain(
        `az role assignment create --assignee ${clientId} --role ${openAIUserRole.id} --scope ${armResourceId}`,
      );
      expect(error.message).toMatch(/Owner and Contributor do not grant inference/);
    },
  },
  {
    name: "400 tenant mismatch",
    status: 400,
    body: {
      error: {
        code: "Tenant provided in token does not match resource token",
        message:
          "Token tenant 99999999-8888-4777-8666-555555555555 does not match resource tenant.",
      },
    },
    check: (error) => {
      expect(error.code).toBe("TENANT_MISMATCH");
      expect(error.checklistItem).toBe("tenant");
      expect(error.message).toContain("99999999-8888-4777-8666-555555555555");
    },
  },
  {
    name: "400 custom subdomain required",
    status: 400,
    body: {
      error: {
        code: "BadRequest",
        message:
          "Please provide a custom subdomain for token authentication, otherwise API key is required.",
      },
    },
    check: (error) => {
      expect(error.code).toBe("CUSTOM_SUBDOMAIN_REQUIRED");
      expect(error.checklistItem).toBe("custom-subdomain");
      expect(error.message).toMatch(/--custom-domain/);
    },
  },
  {
    name: "403 firewall",
    status: 403,
    body: {
      error: { code: "403", message: "Access denied due to Virtual Network/Firewall rules." },
    },
    headers: { "policy-id": "ThrowExceptionDueToTrafficDenied" },
    check: (error) => {
      expect(error.code).toBe("NETWORK_ACCESS_DENIED");
      expect(error.checklistItem).toBe("network-access");
      expect(error.message).toContain("203.0.113.10, 203.0.113.11");
      expect(error.message).toContain(
        "az cognitiveservices account network-rule add --name contoso --resource-group rg-ai --ip-address 203.0.113.11",
      );
    },
  },
  {
    name: "403 public access disabled",
    status: 403,
    body: {
      error: {
        code: "403",
        message: "Public access is disabled. Please configure private endpoint.",
      },
    },
    check: (error) => {
      expect(error.code).toBe("PUBLIC_ACCESS_DISABLED");
      expect(error.checklistItem).toBe("network-access");
      expect(error.message).toMatch(/private endpoint/);
    },
  },
  {
    name: "403 key authentication disabled",
    status: 403,
    body: {
      error: {
        code: "AuthenticationTypeDisabled",
        message: "Key based authentication is disabled for this resource.",
      },
    },
    check: (error) => {
      expect(error.code).toBe("KEY_AUTH_DISABLED");
      expect(error.message).toMatch(/AZURE_OPENAI_API_KEY/);
    },
  },
  {
    name: "404 deployment not found",
    status: 404,
    body: {
      error: {
        code: "DeploymentNotFound",
        message:
          "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
      },
    },
    check: (error) => {
      expect(error.code).toBe("DEPLOYMENT_NOT_FOUND");
      expect(error.checklistItem).toBe("deployment");
      expect(error.message).toContain('named "gpt-4o"');
      expect(error.message).toContain("--deployment-name gpt-4o");
      expect(error.message).toContain("--resource-group rg-ai");
    },
  },
  {
    name: "429 with retry-after-ms",
    status: 429,
    body: { error: { code: "429", message: "Requests have exceeded token rate limit." } },
    headers: { "retry-after-ms": "1500", "retry-after": "2" },
    check: (error) => {
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).retryAfterMs).toBe(1500);
      expect(error.message).toMatch(/1500 ms/);
    },
  },
  {
    name: "429 with x-ms-retry-after-ms",
    status: 429,
    body: { error: { code: "429", message: "Rate limit is exceeded." } },
    headers: { "x-ms-retry-after-ms": "250" },
    check: (error) => expect((error as RateLimitError).retryAfterMs).toBe(250),
  },
  {
    name: "429 with retry-after in seconds",
    status: 429,
    body: { error: { code: "429", message: "Rate limit is exceeded." } },
    headers: { "retry-after": "7" },
    check: (error) => expect((error as RateLimitError).retryAfterMs).toBe(7000),
  },
  {
    name: "429 with retry-after as an HTTP date in the past",
    status: 429,
    body: { error: { code: "429", message: "Rate limit is exceeded." } },
    headers: { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" },
    check: (error) => expect((error as RateLimitError).retryAfterMs).toBe(0),
  },
  {
    name: "429 without a hint",
    status: 429,
    body: { error: { code: "429", message: "Rate limit is exceeded." } },
    check: (error) => {
      expect(error.code).toBe("RATE_LIMITED");
      expect((error as RateLimitError).retryAfterMs).toBeUndefined();
    },
  },
  {
    name: "400 content filter",
    status: 400,
    body: {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: {
          code: "ResponsibleAIPolicyViolation",
          content_filter_result: { hate: { filtered: true, severity: "high" } },
        },
      },
    },
    check: (error) => {
      expect(error).toBeInstanceOf(ContentFilterError);
      expect(error.code).toBe("CONTENT_FILTERED");
      expect(error.checklistItem).toBeUndefined();
    },
  },
];

function respond(row: ServiceCase) {
  return new Response(JSON.stringify(row.body), {
    status: row.status,
    headers: { "content-type": "application/json", "x-request-id": "req-1", ...row.headers },
  });
}

async function thrownByOpenAI(row: ServiceCase) {
  const client = new AzureOpenAI({
    endpoint: binding.endpoint.url,
    apiVersion: binding.apiVersion,
    deployment: "gpt-4o",
    azureADTokenProvider: async () => token,
    maxRetries: 0,
    fetch: async () => respond(row),
  });
  return client.chat.completions
    .create({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] })
    .catch((error: unknown) => error);
}

async function thrownByLangChain(row: ServiceCase) {
  const model = new AzureChatOpenAI({
    azureOpenAIEndpoint: binding.endpoint.url,
    azureOpenAIApiDeploymentName: "gpt-4o",
    azureOpenAIApiVersion: binding.apiVersion,
    azureADTokenProvider: async () => token,
    maxRetries: 0,
    configuration: { fetch: async () => respond(row) },
  });
  return model.invoke("hello").catch((error: unknown) => error);
}

function expectService(result: unknown, row: ServiceCase, cause: unknown) {
  expect(result).toBeInstanceOf(CrossTenantError);
  const error = result as CrossTenantError;
  expect(error.status).toBe(row.status);
  expect(error.tenantId).toBe(tenantId);
  expect(error.cause).toBe(cause);
  expectNoSecrets(error);
  row.check(error);
}

describe("diagnose: Azure OpenAI failures", () => {
  it.each(serviceCases.map((row) => [row.name, row] as const))(
    "%s, thrown by the openai SDK",
    async (_, row) => {
      const thrown = await thrownByOpenAI(row);
      expect(thrown).toBeInstanceOf(APIError);
      expectService(diagnose(thrown, context), row, thrown);
    },
  );

  it.each(serviceCases.map((row) => [row.name, row] as const))(
    "%s, through LangChain's wrapping",
    async (_, row) => {
      const thrown = await thrownByLangChain(row);
      expectService(diagnose(thrown, context), row, thrown);
    },
  );

  it.each(serviceCases.map((row) => [row.name, row] as const))(
    "%s, from APIError.generate",
    (_, row) => {
      const body = row.body as Record<string, unknown>;
      // The client hands generate() the body, wrapped in { error } when it has no error field.
      const normalized = body.error === undefined ? { error: body } : body;
      const thrown = APIError.generate(row.status, normalized, undefined, respond(row).headers);
      expectService(diagnose(thrown, context), row, thrown);
    },
  );

  it.each(serviceCases.map((row) => [row.name, row] as const))(
    "%s, from a fetch Response",
    async (_, row) => {
      const response = respond(row);
      const error = await diagnoseResponse(response, context);
      expectService(error, row, response);
      expect(await response.json()).toEqual(row.body);
    },
  );

  it("diagnoses a token endpoint Response by its AADSTS code", async () => {
    const response = new Response(
      JSON.stringify(entraBody(700016, "unauthorized_client", "not found")),
      {
        status: 400,
      },
    );
    const error = (await diagnoseResponse(response, context)) as TokenAcquisitionError;
    expect(error.code).toBe("CONSENT_MISSING");
    expect(error.message).toContain(consentUrl);
  });

  it("returns undefined for a successful or unknown response", async () => {
    expect(await diagnoseResponse(new Response("{}", { status: 200 }), context)).toBeUndefined();
    expect(await diagnoseResponse(new Response("oops", { status: 500 }), context)).toBeUndefined();
    expect(await diagnoseResponse(new Response("", { status: 401 }), context)).toBeUndefined();
  });

  it("names the deployment only when it knows it", async () => {
    const row = serviceCases.find((c) => c.status === 404) as ServiceCase;
    const error = (await diagnoseResponse(respond(row), { tenantId })) as CrossTenantError;
    expect(error.message).toMatch(/no deployment of the requested name/);
    expect(error.message).toContain("--deployment-name <deployment>");
  });

  it("diagnoses openai's error for a completion cut by the content filter", async () => {
    const client = new AzureOpenAI({
      endpoint: binding.endpoint.url,
      apiVersion: binding.apiVersion,
      deployment: "gpt-4o",
      azureADTokenProvider: async () => token,
      maxRetries: 0,
      fetch: async () =>
        Response.json({
          id: "c1",
          object: "chat.completion",
          created: 1,
          model: "gpt-4o",
          choices: [
            {
              index: 0,
              finish_reason: "content_filter",
              message: { role: "assistant", content: null, refusal: null },
            },
          ],
        }),
    });
    const thrown = await client.chat.completions
      .parse({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
        response_format: { type: "json_object" },
      })
      .catch((error: unknown) => error);
    const error = diagnose(thrown, context) as CrossTenantError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.message).toMatch(/cut the completion/);
  });
});

describe("diagnose: what it leaves alone", () => {
  it("returns a CrossTenantError as is", () => {
    const error = new ResourceAccessError("ROLE_MISSING", "already explained");
    expect(diagnose(error, context)).toBe(error);
  });

  it("returns a CrossTenantError found as the cause of an SDK wrapper", () => {
    const inner = new TokenAcquisitionError("CONSENT_MISSING", "explained below");
    expect(diagnose(new Error("Connection error.", { cause: inner }), context)).toBe(inner);
  });

  it.each([
    ["a plain Error", new Error("something else")],
    ["a string", "boom"],
    ["undefined", undefined],
    ["null", null],
    [
      "a 500 from the openai SDK",
      APIError.generate(500, { error: { message: "oops" } }, undefined, new Headers()),
    ],
    [
      "an unknown 401 from the openai SDK",
      APIError.generate(401, { error: { code: "Other", message: "no" } }, undefined, new Headers()),
    ],
    [
      "an AuthenticationError without an AADSTS code",
      new AuthenticationError(500, "gateway timeout"),
    ],
  ])("returns %s unchanged", (_, error) => {
    expect(diagnose(error, context)).toBe(error);
  });

  it("never fails because of an invalid context", () => {
    const raw = new AuthenticationError(400, entraBody(90002, "invalid_tenant", "not found"));
    const error = diagnose(raw, { cloud: "mars" as never, clientId: "not-a-guid", tenantId: "x" });
    expect((error as CrossTenantError).code).toBe("TENANT_NOT_FOUND");
  });
});
