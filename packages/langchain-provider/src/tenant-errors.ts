import {
  CrossTenantError,
  diagnose,
  OperationCancelledError,
  type TenantBinding,
} from "@crosstenant/core";

/** What a failure of one tenant's model is explained against. */
export interface TenantErrorContext {
  readonly binding: TenantBinding;
  readonly deployment: string;
  readonly clientId?: string;
  /** The platform's public egress IPs, named in a firewall remediation. */
  readonly egressIps?: readonly string[] | undefined;
}

const errorName = (error: unknown) =>
  error !== null && typeof error === "object" && "name" in error ? String(error.name) : "";

// The openai SDK's error classes keep `name` "Error"; their class name is what tells them apart.
const className = (error: unknown) =>
  error !== null && typeof error === "object" ? error.constructor?.name : undefined;

const errorStatus = (error: unknown) =>
  error !== null &&
  typeof error === "object" &&
  "status" in error &&
  typeof error.status === "number"
    ? error.status
    : undefined;

/**
 * LangChain and the openai client report a cancelled call in several shapes: the signal's
 * reason (`AbortError`/`TimeoutError` DOMExceptions), their own `AbortError`/`TimeoutError`
 * re-wraps, or a bare `Error("Aborted")`/`Error("AbortError")`. When the call's own signal fired,
 * its reason says which it was.
 */
function cancellationCode(
  error: unknown,
  signal: AbortSignal | undefined,
): "ABORTED" | "TIMEOUT" | undefined {
  if (signal?.aborted) return errorName(signal.reason) === "TimeoutError" ? "TIMEOUT" : "ABORTED";
  const name = errorName(error);
  const type = className(error);
  if (name === "TimeoutError" || type === "APIConnectionTimeoutError") return "TIMEOUT";
  if (name === "AbortError" || type === "APIUserAbortError") return "ABORTED";
  if (error instanceof Error && (error.message === "Aborted" || error.message === "AbortError")) {
    return "ABORTED";
  }
  return undefined;
}

/** A connection that failed or broke off: the openai client's report, or undici's own. */
function isConnectionFailure(error: unknown): boolean {
  if (className(error) === "APIConnectionError") return true;
  return (
    error instanceof TypeError && (error.cause !== undefined || error.message === "terminated")
  );
}

/**
 * Turns whatever a tenant's model call raised into the core's typed error naming the tenant and
 * the checklist step, when it can be recognized; otherwise returns the error unchanged.
 * `signal` is the call's own, when it had one: if it fired, the failure is its cancellation.
 * Idempotent: a `CrossTenantError` passes through.
 */
export function toTenantError(
  error: unknown,
  context: TenantErrorContext,
  signal?: AbortSignal,
): unknown {
  if (error instanceof CrossTenantError) return error;
  // The openai client wraps what the token provider threw; the provider's error is the real one.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof CrossTenantError) return cause;

  const { binding, deployment } = context;
  const diagnosed = diagnose(error, {
    tenantId: binding.tenantId,
    cloud: binding.cloud,
    binding,
    deployment,
    ...(context.clientId === undefined ? {} : { clientId: context.clientId }),
    ...(context.egressIps === undefined ? {} : { egressIps: context.egressIps }),
  });
  if (diagnosed instanceof CrossTenantError) return diagnosed;

  const call = `The call to tenant ${binding.tenantId}'s deployment "${deployment}" on ${binding.endpoint.url}`;
  const options = { cause: error, tenantId: binding.tenantId };
  const cancelled = cancellationCode(error, signal);
  if (cancelled === "TIMEOUT") {
    return new OperationCancelledError(
      "TIMEOUT",
      `${call} ran past its deadline. Raise the model's timeout, or retry later if the resource is slow or throttled.`,
      options,
    );
  }
  if (cancelled === "ABORTED") {
    return new OperationCancelledError(
      "ABORTED",
      `${call} was aborted by its caller. Nothing to fix unless the abort was unintended.`,
      options,
    );
  }

  const status = errorStatus(error);
  if (status !== undefined && (status === 408 || status >= 500)) {
    return new CrossTenantError(
      "SERVICE_UNAVAILABLE",
      `${call} kept failing with HTTP ${status} until its retries were spent. Retry later or raise maxRetries; if it persists, the customer should check the resource's health.`,
      { ...options, status },
    );
  }
  if (isConnectionFailure(error)) {
    return new CrossTenantError(
      "CONNECTION_FAILED",
      `${call} lost its connection (${error instanceof Error ? error.message : "connection failed"}) on every attempt, or in the middle of a streamed answer. Check the network path to the endpoint (proxy, private endpoint DNS, TLS inspection), then call again.`,
      options,
    );
  }
  return error;
}
