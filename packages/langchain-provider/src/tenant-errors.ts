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
  readonly egressIps?: readonly string[];
}

const errorName = (error: unknown) =>
  error !== null && typeof error === "object" && "name" in error ? String(error.name) : "";

const errorMessage = (error: unknown) =>
  error instanceof Error ? error.message : typeof error === "string" ? error : "";

/**
 * LangChain and the openai client report a cancelled call in several shapes: the signal's
 * reason (`AbortError`/`TimeoutError` DOMExceptions), their own `AbortError`/`TimeoutError`
 * re-wraps, or a bare `Error("Aborted")`.
 */
function cancellationCode(error: unknown): "ABORTED" | "TIMEOUT" | undefined {
  const name = errorName(error);
  if (name === "TimeoutError" || name === "APIConnectionTimeoutError") return "TIMEOUT";
  if (name === "AbortError" || name === "APIUserAbortError") return "ABORTED";
  if (error instanceof Error && error.message === "Aborted") return "ABORTED";
  return undefined;
}

/**
 * Turns whatever a tenant's model call raised into the core's typed error naming the tenant and
 * the checklist step, when it can be recognized; otherwise returns the error unchanged.
 * Idempotent: a `CrossTenantError` passes through.
 */
export function toTenantError(error: unknown, context: TenantErrorContext): unknown {
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

  const cancelled = cancellationCode(error);
  if (cancelled === "TIMEOUT") {
    return new OperationCancelledError(
      "TIMEOUT",
      `The call to tenant ${binding.tenantId}'s deployment "${deployment}" ran past its timeout${errorMessage(error) ? ` (${errorMessage(error)})` : ""}. Raise the model's timeout, or retry later if the resource is slow or throttled.`,
      { cause: error, tenantId: binding.tenantId },
    );
  }
  if (cancelled === "ABORTED") {
    return new OperationCancelledError(
      "ABORTED",
      `The call to tenant ${binding.tenantId}'s deployment "${deployment}" was aborted by its caller. Nothing to fix unless the abort was unintended.`,
      { cause: error, tenantId: binding.tenantId },
    );
  }
  return error;
}
