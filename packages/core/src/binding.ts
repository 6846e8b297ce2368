import { z } from "zod";
import { type BuiltInCloudName, type CloudDefinition, clouds, resolveCloud } from "./cloud.js";
import { type ParsedEndpoint, parseEndpoint } from "./endpoint.js";
import { ConfigurationError, EndpointValidationError } from "./errors.js";

/**
 * The Azure OpenAI data-plane api version used when a binding names none: the newest GA version
 * at the time of writing, accepted by every Azure OpenAI resource.
 *
 * @example
 * ```ts
 * import { DEFAULT_API_VERSION } from "@crosstenant/core";
 * DEFAULT_API_VERSION; // "2024-10-21"
 * ```
 */
export const DEFAULT_API_VERSION = "2024-10-21";

/** What the platform knows of one customer, validated: see {@link createTenantBinding}. */
export interface TenantBinding {
  /** The customer's directory (tenant) id, lowercase. */
  readonly tenantId: string;
  /** The customer's Azure OpenAI endpoint, validated against `cloud`. */
  readonly endpoint: ParsedEndpoint;
  /** The deployments the platform may call on that resource; nothing else is ever called. */
  readonly deployments: readonly string[];
  /** The cloud of the customer's tenant and resource. */
  readonly cloud: CloudDefinition;
  /** ARM id of the Azure OpenAI account, when known; lets verification read its settings. */
  readonly armResourceId?: string;
  /** Data-plane api version (`YYYY-MM-DD` or `YYYY-MM-DD-preview`). */
  readonly apiVersion: string;
  /** A name for people (the customer's name), used in messages and checklists. */
  readonly displayName?: string;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const deploymentName = /^[A-Za-z0-9._-]{1,64}$/;
const armAccountId =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.CognitiveServices\/accounts\/[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/i;

const builtInCloudNames = Object.keys(clouds) as [BuiltInCloudName, ...BuiltInCloudName[]];

const isCloudDefinition = (value: unknown): value is CloudDefinition => {
  if (typeof value !== "object" || value === null) return false;
  const cloud = value as Partial<Record<keyof CloudDefinition, unknown>>;
  return (
    typeof cloud.name === "string" &&
    typeof cloud.authorityHost === "string" &&
    Array.isArray(cloud.openAIHostSuffixes) &&
    cloud.openAIHostSuffixes.every((suffix) => typeof suffix === "string") &&
    typeof cloud.cognitiveServicesScope === "string" &&
    typeof cloud.allowLoopback === "boolean" &&
    typeof cloud.allowPorts === "boolean"
  );
};

const cloudMessage = `must be one of ${builtInCloudNames.join(", ")}, or a cloud made with defineCloud()`;
const cloudField = z.union(
  [z.enum(builtInCloudNames), z.custom<CloudDefinition>(isCloudDefinition)],
  {
    error: cloudMessage,
  },
);

const deploymentsField = z
  .array(
    z.string().regex(deploymentName, "a deployment name is 1–64 letters, digits, '-', '_' or '.'"),
  )
  .min(1, "list at least one deployment the platform may call on this resource")
  .superRefine((names, context) => {
    const seen = new Set<string>();
    names.forEach((name, index) => {
      if (seen.has(name)) {
        context.addIssue({ code: "custom", path: [index], message: `"${name}" is listed twice` });
      }
      seen.add(name);
    });
  });

/**
 * The zod schema of a tenant binding: strict (unknown fields are rejected), with the endpoint
 * validated against the binding's own cloud by {@link parseEndpoint}. Its output is the frozen
 * {@link TenantBinding}. Use it to embed bindings in a larger configuration schema; use
 * {@link createTenantBinding} to get one {@link ConfigurationError} instead of a zod error.
 *
 * @example
 * ```ts
 * import { tenantBindingSchema } from "@crosstenant/core";
 * import { z } from "zod";
 * const platformConfig = z.object({ tenants: z.record(z.string(), tenantBindingSchema) });
 * ```
 */
export const tenantBindingSchema = z
  .strictObject({
    tenantId: z
      .string()
      .regex(guid, "must be the customer's directory (tenant) id, a GUID such as 6f1c3b2a-…"),
    endpoint: z.union([z.string(), z.instanceof(URL)], {
      error: "must be the resource's endpoint, such as https://contoso.openai.azure.com",
    }),
    deployments: deploymentsField,
    cloud: cloudField.optional(),
    armResourceId: z
      .string()
      .regex(
        armAccountId,
        "must be /subscriptions/{guid}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{name}",
      )
      .optional(),
    apiVersion: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(?:-preview)?$/, "must be YYYY-MM-DD or YYYY-MM-DD-preview")
      .default(DEFAULT_API_VERSION),
    displayName: z.string().trim().min(1, "must not be empty").max(256).optional(),
  })
  .superRefine(
    (input, context) => {
      // Runs even when other fields failed, so one error lists the endpoint's problem as well.
      if (typeof input !== "object" || input === null) return;
      const candidate = input as { cloud?: unknown; endpoint?: unknown };
      const cloudName = candidate.cloud;
      const cloud =
        cloudName === undefined
          ? clouds.public
          : typeof cloudName === "string" && Object.hasOwn(clouds, cloudName)
            ? resolveCloud(cloudName as BuiltInCloudName)
            : isCloudDefinition(cloudName)
              ? cloudName
              : undefined;
      if (cloud === undefined) return;
      try {
        parseEndpoint(candidate.endpoint, { cloud });
      } catch (error) {
        if (!(error instanceof EndpointValidationError)) throw error;
        context.addIssue({ code: "custom", path: ["endpoint"], message: error.message });
      }
    },
    { when: () => true },
  )
  .transform((input): TenantBinding => {
    const cloud = resolveCloud(input.cloud);
    return Object.freeze({
      tenantId: input.tenantId.toLowerCase(),
      endpoint: parseEndpoint(input.endpoint, { cloud }),
      deployments: Object.freeze([...input.deployments]),
      cloud,
      ...(input.armResourceId === undefined ? {} : { armResourceId: input.armResourceId }),
      apiVersion: input.apiVersion,
      ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
    });
  });

/** What {@link createTenantBinding} accepts: the input side of {@link tenantBindingSchema}. */
export type TenantBindingInput = z.input<typeof tenantBindingSchema>;

/**
 * Validates what the platform knows of one customer and returns it frozen. Every problem is
 * reported at once, by field path (the endpoint's own validation message under `endpoint`), and
 * nothing is half-applied.
 *
 * @throws {ConfigurationError} listing every invalid or unknown field.
 * @example
 * ```ts
 * import { createTenantBinding } from "@crosstenant/core";
 * const binding = createTenantBinding({
 *   tenantId: "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c",
 *   endpoint: "https://contoso.openai.azure.com",
 *   deployments: ["gpt-4o"],
 * });
 * binding.endpoint.resourceName; // "contoso"
 * ```
 */
export function createTenantBinding(input: unknown): TenantBinding {
  const parsed = tenantBindingSchema.safeParse(input);
  if (!parsed.success) {
    const tenantId = (input as { tenantId?: unknown } | null)?.tenantId;
    throw ConfigurationError.fromZod(
      "tenant binding",
      parsed.error,
      typeof tenantId === "string" && guid.test(tenantId)
        ? { tenantId: tenantId.toLowerCase() }
        : {},
    );
  }
  return parsed.data;
}

/**
 * Checks that a deployment is one the binding allows, before any token is asked for.
 *
 * @throws {ConfigurationError} with code `DEPLOYMENT_NOT_ALLOWED` naming the allowed ones.
 * @example
 * ```ts
 * import { assertDeploymentAllowed, createTenantBinding } from "@crosstenant/core";
 * const binding = createTenantBinding({
 *   tenantId: "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c",
 *   endpoint: "https://contoso.openai.azure.com",
 *   deployments: ["gpt-4o"],
 * });
 * assertDeploymentAllowed(binding, "gpt-4o"); // passes
 * ```
 */
export function assertDeploymentAllowed(binding: TenantBinding, deployment: string): void {
  if (binding.deployments.includes(deployment)) return;

  const name = binding.displayName
    ? `${binding.displayName} (${binding.tenantId})`
    : binding.tenantId;
  throw new ConfigurationError(
    `Deployment "${deployment}" is not allowed for tenant ${name}: the binding lists ${binding.deployments.map((d) => `"${d}"`).join(", ")}. Use one of those, or add "${deployment}" to the binding's deployments once the customer has created it on ${binding.endpoint.url}.`,
    {
      code: "DEPLOYMENT_NOT_ALLOWED",
      tenantId: binding.tenantId,
      checklistItem: "deployment",
      issues: [
        { path: "deployment", message: `"${deployment}" is not in the binding's deployments` },
      ],
    },
  );
}
