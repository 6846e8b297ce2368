import { type DiagnoseContext, resolveContext, resourceLabel } from "./diagnose-context.js";
import {
  entraFailureFromBody,
  explainEntraFailure,
  findEntraFailure,
} from "./diagnose-identity.js";
import {
  explainServiceFailure,
  isFilteredCompletion,
  serviceFailureFromBody,
  serviceFailureFromError,
} from "./diagnose-openai.js";
import { ContentFilterError, CrossTenantError } from "./errors.js";

export type { DiagnoseContext } from "./diagnose-context.js";

const causeOf = (error: unknown): unknown =>
  typeof error === "object" && error !== null ? (error as { cause?: unknown }).cause : undefined;

/**
 * Explains a failure of a cross-tenant call: which checklist step is wrong and exactly what to
 * do, as a {@link CrossTenantError} subclass with the original kept as `cause`. Recognizes, by
 * duck typing only (two copies of an SDK can coexist):
 *
 * - Entra ID failures from `@azure/identity` and MSAL, by AADSTS number (the error's
 *   `errorResponse.errorCodes`, `errorNo`/`errorCode` anywhere in the cause chain, or `AADSTS…` in
 *   the text), and MSAL's opaque `endpoints_resolution_error`, as {@link TokenAcquisitionError};
 * - Azure OpenAI failures reported by the openai SDK, by LangChain's wrapping of it, or as
 *   status/body/headers, as {@link ResourceAccessError}, {@link RateLimitError} or
 *   {@link ContentFilterError}.
 *
 * A `CrossTenantError` is returned as is; anything else not recognized is returned unchanged.
 * Messages hold identifiers only, never a token, secret or header value other than retry hints.
 *
 * @example
 * ```ts
 * import { diagnose } from "@crosstenant/core";
 * try {
 *   await model.invoke("hello");
 * } catch (error) {
 *   throw diagnose(error, { binding, clientId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e" });
 * }
 * ```
 */
export function diagnose(error: unknown, context: DiagnoseContext = {}): unknown {
  if (error instanceof CrossTenantError) return error;
  const resolved = resolveContext(context);

  const entra = findEntraFailure(error);
  if (entra) return explainEntraFailure(entra, resolved, error);

  // The openai client may wrap what a layer below threw; look one level down the chain as well.
  for (
    let node = error, depth = 0;
    node !== undefined && depth < 3;
    node = causeOf(node), depth++
  ) {
    if (node instanceof CrossTenantError) return node;
    const failure = serviceFailureFromError(node);
    const explained = failure && explainServiceFailure(failure, resolved, error);
    if (explained) return explained;
  }
  if (isFilteredCompletion(error)) {
    return new ContentFilterError(
      `${resourceLabel(resolved)} cut the completion with its content filter (finish_reason content_filter). This is not a setup problem: change the prompt, or ask the customer to review the deployment's content filter policy.`,
      { cause: error, ...(resolved.tenantId === undefined ? {} : { tenantId: resolved.tenantId }) },
    );
  }
  return error;
}

/**
 * Explains a failed `fetch` response from Azure OpenAI or from the Entra ID token endpoint, as
 * {@link diagnose} does for thrown errors. Reads a clone of the body, so the response stays
 * readable. Returns `undefined` for a successful response or one it does not recognize.
 *
 * @example
 * ```ts
 * import { diagnoseResponse } from "@crosstenant/core";
 * const response = await fetch(url, { method: "POST", headers, body });
 * const problem = await diagnoseResponse(response, { binding, deployment: "gpt-4o" });
 * if (problem) throw problem;
 * ```
 */
export async function diagnoseResponse(
  response: Response,
  context: DiagnoseContext = {},
): Promise<CrossTenantError | undefined> {
  if (response.ok) return undefined;

  const raw = await response
    .clone()
    .text()
    .catch(() => "");
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself is the message.
  }
  const resolved = resolveContext(context);

  const entra = entraFailureFromBody(body, response.status);
  if (entra) return explainEntraFailure(entra, resolved, response);
  const failure = serviceFailureFromBody(response.status, body, response.headers);
  return explainServiceFailure(failure, resolved, response);
}
