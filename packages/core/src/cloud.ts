import { z } from "zod";
import { ConfigurationError } from "./errors.js";

/**
 * Everything crosstenant needs to know about one Azure cloud: where its token service lives,
 * which hosts serve Azure OpenAI, and which scopes and audiences its tokens carry.
 *
 * The built-in clouds are in {@link clouds}; any other cloud (a sovereign cloud not listed, or the
 * mock in `@crosstenant/testing`) is made with {@link defineCloud}.
 */
export interface CloudDefinition {
  /** A short stable name, used in messages and to tell two clouds apart. */
  readonly name: string;
  /** Entra ID authority host, an https origin without a trailing slash. */
  readonly authorityHost: string;
  /**
   * Host suffixes (each starting with a dot) under which a resource's custom subdomain serves Azure
   * OpenAI: `{subdomain}{suffix}` is the whole host.
   */
  readonly openAIHostSuffixes: readonly string[];
  /** Audience of the tokens the Azure OpenAI data plane accepts. */
  readonly cognitiveServicesAudience: string;
  /** Scope to ask for an Azure OpenAI data-plane token: the audience plus `/.default`. */
  readonly cognitiveServicesScope: string;
  /** Azure Resource Manager origin, without a trailing slash. */
  readonly armEndpoint: string;
  /** Scope to ask for an ARM token. */
  readonly armScope: string;
  /** Audience of the tokens a federated identity credential exchanges (managed identity → app). */
  readonly federatedTokenAudience: string;
  /** Whether endpoints of this cloud may be loopback hosts. Never true for a built-in cloud. */
  readonly allowLoopback: boolean;
  /** Whether endpoints of this cloud may carry an explicit port. Never true for a built-in cloud. */
  readonly allowPorts: boolean;
  /**
   * PEM certificate(s) to trust, instead of the public roots, for this cloud's hosts. Only a
   * defined cloud has them (the mock's per-instance CA); every client built for the cloud uses
   * them, and nothing turns certificate verification off.
   */
  readonly caPem?: string;
}

const publicCloud: CloudDefinition = Object.freeze({
  name: "AzurePublicCloud",
  authorityHost: "https://login.microsoftonline.com",
  openAIHostSuffixes: Object.freeze([
    ".openai.azure.com",
    ".cognitiveservices.azure.com",
    ".services.ai.azure.com",
  ]),
  cognitiveServicesAudience: "https://cognitiveservices.azure.com",
  cognitiveServicesScope: "https://cognitiveservices.azure.com/.default",
  armEndpoint: "https://management.azure.com",
  armScope: "https://management.azure.com/.default",
  federatedTokenAudience: "api://AzureADTokenExchange",
  allowLoopback: false,
  allowPorts: false,
});

const usGovernmentCloud: CloudDefinition = Object.freeze({
  name: "AzureUSGovernment",
  authorityHost: "https://login.microsoftonline.us",
  openAIHostSuffixes: Object.freeze([".openai.azure.us", ".cognitiveservices.azure.us"]),
  cognitiveServicesAudience: "https://cognitiveservices.azure.us",
  cognitiveServicesScope: "https://cognitiveservices.azure.us/.default",
  armEndpoint: "https://management.usgovcloudapi.net",
  armScope: "https://management.usgovcloudapi.net/.default",
  federatedTokenAudience: "api://AzureADTokenExchangeUSGov",
  allowLoopback: false,
  allowPorts: false,
});

const chinaCloud: CloudDefinition = Object.freeze({
  name: "AzureChinaCloud",
  authorityHost: "https://login.partner.microsoftonline.cn",
  openAIHostSuffixes: Object.freeze([".openai.azure.cn", ".cognitiveservices.azure.cn"]),
  cognitiveServicesAudience: "https://cognitiveservices.azure.cn",
  cognitiveServicesScope: "https://cognitiveservices.azure.cn/.default",
  armEndpoint: "https://management.chinacloudapi.cn",
  armScope: "https://management.chinacloudapi.cn/.default",
  federatedTokenAudience: "api://AzureADTokenExchangeChina",
  allowLoopback: false,
  allowPorts: false,
});

/**
 * The built-in clouds. None of them allows a loopback host or a port.
 *
 * @example
 * ```ts
 * import { clouds } from "@crosstenant/core";
 * clouds.public.cognitiveServicesScope; // "https://cognitiveservices.azure.com/.default"
 * ```
 */
export const clouds = Object.freeze({
  public: publicCloud,
  usGovernment: usGovernmentCloud,
  china: chinaCloud,
});

/** Names of the built-in clouds, as accepted wherever a cloud may be named instead of given. */
export type BuiltInCloudName = keyof typeof clouds;

const httpsOrigin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.origin === value && !url.username && !url.password;
  } catch {
    return false;
  }
}, "must be an https origin such as https://login.example.com (no path, no trailing slash)");

const hostSuffix = z
  .string()
  .regex(
    /^(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    "must be a lowercase host suffix starting with a dot, such as .openai.example.com",
  );

const defineCloudSchema = z.object({
  name: z.string().min(1).max(64),
  authorityHost: httpsOrigin,
  openAIHostSuffixes: z.array(hostSuffix).min(1),
  cognitiveServicesAudience: z.string().url(),
  cognitiveServicesScope: z.string().endsWith("/.default").optional(),
  armEndpoint: httpsOrigin,
  armScope: z.string().endsWith("/.default").optional(),
  federatedTokenAudience: z.string().min(1).default("api://AzureADTokenExchange"),
  allowLoopback: z.boolean().default(false),
  allowPorts: z.boolean().default(false),
  caPem: z.string().includes("-----BEGIN CERTIFICATE-----").optional(),
});

/** Options of {@link defineCloud}; scopes default to the audience (or ARM origin) + `/.default`. */
export type DefineCloudOptions = z.input<typeof defineCloudSchema>;

/**
 * Defines a cloud that is not built in. This is the only way to allow loopback hosts, ports or
 * a private CA, so a configuration that names a built-in cloud can never be pointed at them.
 *
 * @throws {ConfigurationError} listing every invalid field.
 * @example
 * ```ts
 * import { defineCloud } from "@crosstenant/core";
 * const lab = defineCloud({
 *   name: "lab",
 *   authorityHost: "https://login.lab.example",
 *   openAIHostSuffixes: [".openai.lab.example"],
 *   cognitiveServicesAudience: "https://cognitiveservices.lab.example",
 *   armEndpoint: "https://management.lab.example",
 * });
 * ```
 */
export function defineCloud(options: DefineCloudOptions): CloudDefinition {
  const parsed = defineCloudSchema.safeParse(options);
  if (!parsed.success) throw ConfigurationError.fromZod("cloud definition", parsed.error);

  const cloud = parsed.data;
  return Object.freeze({
    ...cloud,
    openAIHostSuffixes: Object.freeze([...cloud.openAIHostSuffixes]),
    cognitiveServicesScope:
      cloud.cognitiveServicesScope ??
      `${cloud.cognitiveServicesAudience.replace(/\/$/, "")}/.default`,
    armScope: cloud.armScope ?? `${cloud.armEndpoint}/.default`,
  });
}

/**
 * Resolves a cloud given by name or by definition. Unknown names are a configuration error.
 *
 * @example
 * ```ts
 * import { resolveCloud } from "@crosstenant/core";
 * resolveCloud("usGovernment").authorityHost; // "https://login.microsoftonline.us"
 * ```
 */
export function resolveCloud(
  cloud: BuiltInCloudName | CloudDefinition | undefined,
): CloudDefinition {
  if (cloud === undefined) return clouds.public;
  if (typeof cloud !== "string") return cloud;

  const builtIn = Object.hasOwn(clouds, cloud) ? clouds[cloud] : undefined;
  if (!builtIn) {
    throw new ConfigurationError(
      `Unknown cloud "${String(cloud)}". Use one of ${Object.keys(clouds).join(", ")}, or a definition made with defineCloud().`,
      { issues: [{ path: "cloud", message: "unknown cloud name" }] },
    );
  }
  return builtIn;
}
