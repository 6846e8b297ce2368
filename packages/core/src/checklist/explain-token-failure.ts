import type { TenantBinding } from "../binding.js";
import { diagnose, diagnoseResponse } from "../diagnose.js";
import { CrossTenantError } from "../errors.js";
import { withTimeout } from "./probes.js";

/** What {@link explainTokenFailure} needs to look further than the error itself. */
export interface ExplainTokenFailureOptions {
  readonly binding: TenantBinding;
  readonly clientId: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutInMs: number;
  readonly abortSignal: AbortSignal | undefined;
}

const causeOf = (value: unknown): unknown =>
  typeof value === "object" && value !== null ? (value as { cause?: unknown }).cause : undefined;

/**
 * The most precise explanation of a failed token request. The platform app may wrap the
 * identity error in a generic one, so the cause chain is diagnosed too. MSAL reports an unknown
 * tenant only as the opaque `endpoints_resolution_error`; the tenant's discovery document is then
 * fetched (no token involved) because Entra ID answers it with the real AADSTS code.
 */
export async function explainTokenFailure(
  error: unknown,
  options: ExplainTokenFailureOptions,
): Promise<unknown> {
  const context = {
    tenantId: options.binding.tenantId,
    clientId: options.clientId,
    binding: options.binding,
  };
  let best: unknown = diagnose(error, context);
  for (
    let node: unknown = error, depth = 0;
    node !== undefined && depth < 5;
    node = causeOf(node), depth++
  ) {
    const explained = diagnose(node, context);
    if (explained instanceof CrossTenantError && explained.checklistItem) {
      best = explained;
      if (explained.code !== "TOKEN_REQUEST_FAILED") break;
    }
  }

  const precise =
    best instanceof CrossTenantError &&
    best.checklistItem !== undefined &&
    best.code !== "AUTHORITY_UNREACHABLE" &&
    best.code !== "TOKEN_REQUEST_FAILED";
  if (precise) return best;

  const { cloud, tenantId } = options.binding;
  const url = `${cloud.authorityHost}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
  try {
    const discovered = await withTimeout(
      "The tenant discovery request",
      options.timeoutInMs,
      options.abortSignal,
      async (signal) => {
        const response = await options.fetch(url, { signal });
        const explained = await diagnoseResponse(response, context);
        await response.arrayBuffer().catch(() => undefined);
        return explained;
      },
    );
    return discovered ?? best;
  } catch {
    return best;
  }
}
