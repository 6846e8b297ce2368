import { isTokenCredential, type TokenCredential } from "@azure/core-auth";
import { z } from "zod";
import { type BuiltInCloudName, type CloudDefinition, clouds, resolveCloud } from "./cloud.js";
import { ConfigurationError } from "./errors.js";
import type { TokenEventListener } from "./token-events.js";

/**
 * How the platform app proves its identity to a customer's tenant. Prefer, in this order: a
 * federated managed identity, workload identity, a certificate. A client secret works but is the
 * least preferred: it is a shared secret that expires and leaks more easily.
 *
 * - `certificate`: a PEM holding the certificate and its private key (by path or content);
 *   `sendCertificateChain` sends the chain (`x5c`) for subject-name/issuer authentication.
 * - `managedIdentity`: a user-assigned managed identity registered as a federated identity
 *   credential on the app. Its token for `{cloud.federatedTokenAudience}/.default` is the
 *   client assertion, in every customer tenant. Same cloud only.
 * - `workloadIdentity`: a federated token file (Kubernetes workload identity), re-read on use so
 *   rotated tokens are picked up.
 * - `secret`: a client secret of the app registration.
 *
 * @example
 * ```ts
 * const credential: PlatformCredentialOptions = {
 *   kind: "managedIdentity",
 *   clientId: "6e5d4c3b-8888-4000-8000-00000000aaaa", // the user-assigned identity's client id
 * };
 * ```
 */
export type PlatformCredentialOptions =
  | {
      readonly kind: "certificate";
      readonly certificatePath?: string;
      readonly certificatePem?: string;
      readonly sendCertificateChain?: boolean;
    }
  | { readonly kind: "managedIdentity"; readonly clientId: string }
  | { readonly kind: "workloadIdentity"; readonly tokenFilePath: string }
  | { readonly kind: "secret"; readonly clientSecret: string };

/**
 * Tuning of the per-tenant token cache; every field has a default fit for thousands of tenants.
 *
 * @example
 * ```ts
 * const cache: PlatformAppCacheOptions = { maxTenants: 50_000, idleTimeoutInMs: 2 * 3_600_000 };
 * ```
 */
export interface PlatformAppCacheOptions {
  /** Most (tenant, scope) tokens held; the least recently used goes first. Default 20,000. */
  readonly maxTenants?: number;
  /** A token unused this long is dropped and no longer refreshed. Default 1 hour. */
  readonly idleTimeoutInMs?: number;
  /** How long before expiry a token in use is refreshed in the background. Default 5 minutes. */
  readonly refreshBeforeExpiryInMs?: number;
  /** Random extra lead added per token so tenants do not all refresh at once. Default 1 minute. */
  readonly refreshJitterInMs?: number;
  /** First delay before retrying a failed background refresh; doubles up to the max. Default 1 s. */
  readonly minRetryDelayInMs?: number;
  /** Longest delay between background refresh attempts. Default 1 minute. */
  readonly maxRetryDelayInMs?: number;
}

/**
 * Options of `createPlatformApp`.
 *
 * @example
 * ```ts
 * const options: PlatformAppOptions = {
 *   clientId: "3f0c2a4e-7d1b-4c55-9a2e-1b6f0d9c8a01",
 *   homeTenantId: "0a1b2c3d-0000-4000-8000-00000000aaaa",
 *   credential: { kind: "workloadIdentity", tokenFilePath: "/var/run/secrets/azure/tokens/azure-identity-token" },
 *   cloud: "usGovernment",
 *   onEvent: (event) => metrics.push(event),
 * };
 * ```
 */
export interface PlatformAppOptions {
  /** Application (client) id of the platform's multi-tenant app registration, a GUID. */
  readonly clientId: string;
  /** Id of the platform's own tenant, where the app registration lives, a GUID. */
  readonly homeTenantId: string;
  /**
   * How the app authenticates, or any `TokenCredential`. A custom credential is called as
   * `getToken(scope, { tenantId, abortSignal })` and must return a token issued by that tenant.
   */
  readonly credential: PlatformCredentialOptions | TokenCredential;
  /** The cloud of the app and of every customer tenant it serves. Default `"public"`. */
  readonly cloud?: BuiltInCloudName | CloudDefinition;
  /** Longest wait for one token request, retries included. Default 30 s. */
  readonly tokenRequestTimeoutInMs?: number;
  readonly cache?: PlatformAppCacheOptions;
  /**
   * Accept tokens that are not JWTs. Only for a custom `credential` whose tokens are opaque:
   * such a token cannot be checked for its tenant (`tid`), so the tenant guard is off for it.
   * Default false: a non-JWT token is refused as `TOKEN_TENANT_MISMATCH`.
   */
  readonly allowOpaqueTokens?: boolean;
  /** Receives token acquisitions, failures and evictions; see `TokenEvent`. */
  readonly onEvent?: TokenEventListener;
}

/** {@link PlatformAppOptions} after validation, with every default applied. */
export interface ResolvedPlatformAppOptions {
  readonly clientId: string;
  readonly homeTenantId: string;
  readonly credential: PlatformCredentialOptions | TokenCredential;
  readonly cloud: CloudDefinition;
  readonly tokenRequestTimeoutInMs: number;
  readonly cache: Required<PlatformAppCacheOptions>;
  readonly allowOpaqueTokens: boolean;
  readonly onEvent: TokenEventListener | undefined;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID, lowercased. Tenant and client ids are compared lowercased everywhere. */
export const guidSchema = z
  .string()
  .regex(guidPattern, "must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47")
  .transform((value) => value.toLowerCase());

const durationInMs = (max: number) => z.number().int().min(0).max(max);

const credentialOptionsSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("certificate"),
      certificatePath: z.string().min(1).optional(),
      certificatePem: z
        .string()
        .includes("-----BEGIN CERTIFICATE-----", { message: "must hold a PEM certificate" })
        .regex(/-----BEGIN (RSA |EC )?PRIVATE KEY-----/, "must hold the PEM private key too")
        .optional(),
      sendCertificateChain: z.boolean().optional(),
    })
    .strict()
    .refine(
      (value) => (value.certificatePath === undefined) !== (value.certificatePem === undefined),
      {
        message: "give exactly one of certificatePath and certificatePem",
      },
    ),
  z.object({ kind: z.literal("managedIdentity"), clientId: guidSchema }).strict(),
  z.object({ kind: z.literal("workloadIdentity"), tokenFilePath: z.string().min(1) }).strict(),
  z.object({ kind: z.literal("secret"), clientSecret: z.string().min(1) }).strict(),
]);

// A TokenCredential is taken as given; anything else must be one of the credential kinds. Checking
// in that order keeps the messages about the kinds instead of an opaque "no union member matched".
const credentialSchema = z
  .custom<PlatformCredentialOptions | TokenCredential>(
    (value) => typeof value === "object" && value !== null,
    "must be a credential kind ({ kind: 'certificate' | 'managedIdentity' | 'workloadIdentity' | 'secret', … }) or a TokenCredential",
  )
  .superRefine((value, context) => {
    if (isTokenCredential(value)) return;
    const parsed = credentialOptionsSchema.safeParse(value);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      context.addIssue({ code: "custom", message: issue.message, path: issue.path });
    }
  });

const cloudSchema = z.union(
  [
    z.enum(Object.keys(clouds) as [BuiltInCloudName, ...BuiltInCloudName[]]),
    z.custom<CloudDefinition>(
      (value) =>
        typeof value === "object" &&
        value !== null &&
        typeof (value as CloudDefinition).authorityHost === "string" &&
        typeof (value as CloudDefinition).cognitiveServicesScope === "string",
    ),
  ],
  {
    error: `must be a built-in cloud name (${Object.keys(clouds).join(", ")}) or a definition made with defineCloud()`,
  },
);

const day = 86_400_000;

/**
 * The zod schema of {@link PlatformAppOptions}. Parsing applies the defaults; use
 * {@link parsePlatformAppOptions} to get a `ConfigurationError` instead of a zod error.
 *
 * @example
 * ```ts
 * import { platformAppOptionsSchema } from "@crosstenant/core";
 * const result = platformAppOptionsSchema.safeParse(JSON.parse(configText));
 * ```
 */
export const platformAppOptionsSchema = z
  .object({
    clientId: guidSchema,
    homeTenantId: guidSchema,
    credential: credentialSchema,
    cloud: cloudSchema.default("public"),
    tokenRequestTimeoutInMs: z.number().int().min(1).max(600_000).default(30_000),
    cache: z
      .object({
        maxTenants: z.number().int().min(1).max(10_000_000).default(20_000),
        idleTimeoutInMs: durationInMs(30 * day)
          .min(1)
          .default(3_600_000),
        refreshBeforeExpiryInMs: durationInMs(day).default(300_000),
        refreshJitterInMs: durationInMs(day).default(60_000),
        minRetryDelayInMs: durationInMs(3_600_000).min(1).default(1_000),
        maxRetryDelayInMs: durationInMs(day).min(1).default(60_000),
      })
      .strict()
      .refine((cache) => cache.minRetryDelayInMs <= cache.maxRetryDelayInMs, {
        message: "minRetryDelayInMs must not exceed maxRetryDelayInMs",
        path: ["minRetryDelayInMs"],
      })
      .default({
        maxTenants: 20_000,
        idleTimeoutInMs: 3_600_000,
        refreshBeforeExpiryInMs: 300_000,
        refreshJitterInMs: 60_000,
        minRetryDelayInMs: 1_000,
        maxRetryDelayInMs: 60_000,
      }),
    allowOpaqueTokens: z.boolean().default(false),
    onEvent: z
      .custom<TokenEventListener>((value) => typeof value === "function", "must be a function")
      .optional(),
  })
  .strict()
  .superRefine((options, context) => {
    if (options.allowOpaqueTokens && !isTokenCredential(options.credential)) {
      context.addIssue({
        code: "custom",
        path: ["allowOpaqueTokens"],
        message:
          "only applies to a custom TokenCredential; the built-in credential kinds always return JWTs",
      });
    }
  });

/**
 * Validates platform app options once, at the edge, and applies the defaults.
 *
 * @throws {ConfigurationError} listing every problem by field path.
 * @example
 * ```ts
 * import { parsePlatformAppOptions } from "@crosstenant/core";
 * const resolved = parsePlatformAppOptions({ clientId, homeTenantId, credential: { kind: "secret", clientSecret } });
 * resolved.cache.maxTenants; // 20000
 * ```
 */
export function parsePlatformAppOptions(options: PlatformAppOptions): ResolvedPlatformAppOptions {
  const parsed = platformAppOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw ConfigurationError.fromZod("platform app options", parsed.error);
  }

  const { cloud, onEvent, ...rest } = parsed.data;
  return { ...rest, cloud: resolveCloud(cloud), onEvent };
}
