import type { TenantBinding } from "../binding.js";
import type { CloudDefinition } from "../cloud.js";
import { ConfigurationError, OperationCancelledError } from "../errors.js";

/**
 * The platform app as verification needs it: a `PlatformApp` fits. `getToken` must return a token
 * issued by the given tenant for the given scope.
 */
export interface VerifierApp {
  readonly clientId: string;
  readonly homeTenantId?: string;
  readonly cloud: CloudDefinition;
  getToken(
    tenantId: string,
    options?: { readonly scope?: string; readonly abortSignal?: AbortSignal },
  ): Promise<{ readonly token: string }>;
  /**
   * Drops a cached token. When present, verification calls it first, so that a token cached
   * before the customer changed their setup (consent revoked, say) cannot hide the change.
   */
  invalidate?(tenantId: string, options?: { readonly scope?: string }): void;
}

/** ARM api-versions of the reads the verifier makes. */
export const armApiVersions = Object.freeze({
  account: "2025-06-01",
  roleAssignments: "2022-04-01",
});

/**
 * Runs one probe with its own timeout, tied to the caller's signal. A timeout becomes
 * OperationCancelledError TIMEOUT; the caller's abort becomes ABORTED and is re-thrown by
 * `verifyChecklist` so that nothing keeps running after it.
 */
export async function withTimeout<T>(
  label: string,
  timeoutInMs: number,
  abortSignal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutInMs);
  const signal = abortSignal ? AbortSignal.any([abortSignal, timeout]) : timeout;
  // Race the signal too: a probe that ignores its signal must still end on time.
  let stop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  const running = run(signal);
  running.catch(() => undefined);
  stopped.catch(() => undefined);
  try {
    return await Promise.race([running, stopped]);
  } catch (error) {
    if (abortSignal?.aborted) {
      throw new OperationCancelledError("ABORTED", `Verification was aborted during ${label}.`, {
        cause: error,
      });
    }
    if (timeout.aborted) {
      throw new OperationCancelledError(
        "TIMEOUT",
        `${label} got no answer within ${timeoutInMs} ms. Check that the host is reachable from here, or raise timeoutInMs.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    if (stop) signal.removeEventListener("abort", stop);
  }
}

/** Refuses to send a token to an endpoint host outside the binding's cloud. */
export function assertEndpointInCloud(url: URL, binding: TenantBinding): void {
  const host = url.hostname.toLowerCase();
  const inCloud = binding.cloud.openAIHostSuffixes.some(
    (suffix) => host.endsWith(suffix) && host.length > suffix.length,
  );
  if (url.protocol !== "https:" || !inCloud || url.host !== binding.endpoint.host) {
    throw new ConfigurationError(
      `Refusing to send a token to ${url.origin}: it is not the binding's endpoint in cloud ${binding.cloud.name}.`,
      { code: "CLOUD_MISMATCH", tenantId: binding.tenantId, checklistItem: "custom-subdomain" },
    );
  }
}

/** Refuses to send an ARM token anywhere but the cloud's ARM origin. */
export function assertArmHost(url: URL, cloud: CloudDefinition): void {
  if (url.origin !== cloud.armEndpoint) {
    throw new ConfigurationError(
      `Refusing to send an ARM token to ${url.origin}: cloud ${cloud.name} uses ${cloud.armEndpoint}.`,
      { code: "CLOUD_MISMATCH", checklistItem: "tenant" },
    );
  }
}

/** The `oid` claim of an access token (the app's service principal in that tenant), unverified. */
export function principalObjectIdOf(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { oid?: unknown };
    return typeof claims.oid === "string" ? claims.oid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The data-plane URL of one operation of a deployment. */
export function deploymentUrl(
  binding: TenantBinding,
  deployment: string,
  operation: "chat/completions" | "embeddings" = "chat/completions",
): URL {
  const url = new URL(
    `/openai/deployments/${encodeURIComponent(deployment)}/${operation}`,
    binding.endpoint.url,
  );
  url.searchParams.set("api-version", binding.apiVersion);
  return url;
}

/**
 * An authorized request that costs no tokens: an empty chat request. The resource applies its
 * token, tenant, role, network and deployment checks first, then refuses the body with 400.
 */
export const emptyChatBody = "{}";

/** A one-token completion, sent only when `probeDeployment` asks for it. */
export const oneTokenChatBody = JSON.stringify({
  messages: [{ role: "user", content: "ping" }],
  max_tokens: 1,
});

/** A one-token embeddings request, for a deployment that does not do chat. */
export const oneTokenEmbeddingsBody = JSON.stringify({ input: "ping" });

/** Reads a JSON body, or undefined when it is not JSON. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** Error code and message of an ARM error body (`{"error":{"code","message"}}`), when present. */
export function armErrorOf(body: unknown): { code: string; message: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    code: typeof error?.code === "string" ? error.code : "unknown",
    message: typeof error?.message === "string" ? error.message : "",
  };
}
