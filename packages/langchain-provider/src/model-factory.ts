import {
  ConfigurationError,
  createTenantBinding,
  type PlatformApp,
  type TenantBinding,
  type TenantBindingInput,
} from "@crosstenant/core";
import { TenantChatModel } from "./chat-model.js";
import type { TenantChatOptions } from "./chat-options.js";
import { raceAbort } from "./deadline.js";
import { TenantEmbeddings, type TenantEmbeddingsOptions } from "./embeddings.js";
import { logger } from "./logger.js";
import { assertSameCloud } from "./tenant-guards.js";

/** Options of a look-up that may wait for the platform's tenant store. */
export interface TenantLookupOptions {
  /** Stops this caller's wait; a resolution shared with other callers goes on for them. */
  readonly abortSignal?: AbortSignal;
}

/** Options of {@link TenantModelFactory.chatModel}: a deployment, and chat options for this model only. */
export interface FactoryChatModelOptions extends TenantChatOptions, TenantLookupOptions {
  /** Default: `chatDefaults.deployment`, else the binding's only deployment. */
  readonly deployment?: string;
}

/** Options of {@link TenantModelFactory.embeddings}. */
export interface FactoryEmbeddingsOptions extends TenantEmbeddingsOptions, TenantLookupOptions {
  /** Default: `embeddingsDefaults.deployment`, else the binding's only deployment. */
  readonly deployment?: string;
}

/** Options of {@link createTenantModelFactory}. */
export interface TenantModelFactoryOptions {
  readonly app: PlatformApp;
  /**
   * The platform's own look-up of a tenant (database, config service) by its key. What it
   * returns is validated with `createTenantBinding`; an invalid record is refused and not cached.
   */
  readonly resolveTenant: (
    key: string,
    options: TenantLookupOptions,
  ) => Promise<TenantBindingInput> | TenantBindingInput;
  /** Most tenants held; the least recently used is dropped first. Default 1,000. */
  readonly maxTenants?: number;
  /** How long a resolved binding is trusted before it is looked up again. Default 5 minutes. */
  readonly bindingTtlInMs?: number;
  /** Chat options for every chat model, and the default chat deployment. */
  readonly chatDefaults?: TenantChatOptions & { readonly deployment?: string };
  /** Options for every embeddings model, and the default embeddings deployment. */
  readonly embeddingsDefaults?: TenantEmbeddingsOptions & { readonly deployment?: string };
}

/** Per-tenant models on demand, from the platform's own tenant store. */
export interface TenantModelFactory {
  /** The tenant's chat model; cached per deployment when no other option is given. */
  chatModel(key: string, options?: FactoryChatModelOptions): Promise<TenantChatModel>;
  /** The tenant's embeddings; cached per deployment when no other option is given. */
  embeddings(key: string, options?: FactoryEmbeddingsOptions): Promise<TenantEmbeddings>;
  /** The tenant's validated binding, resolved once and cached. */
  binding(key: string, options?: TenantLookupOptions): Promise<TenantBinding>;
  /**
   * The cached chat model of a tenant whose binding is held and fresh, without waiting; undefined
   * otherwise. For hot paths that must not await.
   */
  cachedChatModel(key: string, deployment?: string): TenantChatModel | undefined;
  /** Off-boarding: drops the tenant's binding, models and cached token. */
  forget(key: string): void;
  /** Tenants currently held. */
  readonly size: number;
}

interface TenantEntry {
  readonly binding: TenantBinding;
  readonly timer: ReturnType<typeof setTimeout>;
  lastUsed: number;
  readonly chatModels: Map<string, TenantChatModel>;
  readonly embeddings: Map<string, TenantEmbeddings>;
}

const lookupKeys = new Set(["deployment", "abortSignal"]);

/** Whether a call gave options beyond the deployment, which makes its model its own. */
const hasModelOptions = (options: object | undefined) =>
  options !== undefined &&
  Object.entries(options).some(([key, value]) => value !== undefined && !lookupKeys.has(key));

function chooseDeployment(
  key: string,
  binding: TenantBinding,
  requested: string | undefined,
  fallback: string | undefined,
  kind: "chat" | "embeddings",
): string {
  const deployment =
    requested ??
    fallback ??
    (binding.deployments.length === 1 ? binding.deployments[0] : undefined);
  if (deployment !== undefined) return deployment;
  throw new ConfigurationError(
    `No ${kind} deployment given for tenant "${key}" (${binding.tenantId}), and its binding lists ${binding.deployments.length} deployments. Pass { deployment } or set ${kind}Defaults.deployment on the factory.`,
    { tenantId: binding.tenantId, issues: [{ path: "deployment", message: "required" }] },
  );
}

/**
 * Creates the per-tenant model factory. Each tenant key is resolved once however many calls
 * ask for it at the same time; its binding is validated, cached (bounded, least recently used
 * first out, expiring after `bindingTtlInMs`), and its models are cached per deployment.
 * Nothing asks a tenant for a token until a model is called.
 *
 * @example
 * ```ts
 * import { createTenantModelFactory } from "@crosstenant/langchain";
 * const models = createTenantModelFactory({
 *   app,
 *   resolveTenant: async (customerId) => db.azureBindings.get(customerId),
 *   chatDefaults: { deployment: "gpt-4o", temperature: 0 },
 * });
 * const model = await models.chatModel("customer-42");
 * await model.invoke("Hello");
 * models.forget("customer-42"); // off-boarding
 * ```
 */
export function createTenantModelFactory(options: TenantModelFactoryOptions): TenantModelFactory {
  const { app, resolveTenant } = options;
  const maxTenants = Math.max(1, options.maxTenants ?? 1000);
  const bindingTtlInMs = options.bindingTtlInMs ?? 5 * 60_000;
  const { deployment: chatDeployment, ...chatDefaults } = options.chatDefaults ?? {};
  const { deployment: embeddingsDeployment, ...embeddingsDefaults } =
    options.embeddingsDefaults ?? {};

  const entries = new Map<string, TenantEntry>();
  const pending = new Map<string, Promise<TenantEntry>>();
  let clock = 0;

  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    entries.delete(key);
    return entry;
  };

  const evictLeastRecentlyUsed = () => {
    let oldestKey: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [key, entry] of entries) {
      if (entry.lastUsed < oldest) {
        oldest = entry.lastUsed;
        oldestKey = key;
      }
    }
    if (oldestKey !== undefined) drop(oldestKey);
  };

  const resolve = async (key: string): Promise<TenantEntry> => {
    const input = await resolveTenant(key, {});
    let binding: TenantBinding;
    try {
      binding = createTenantBinding(input);
      assertSameCloud(app, binding);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      throw new ConfigurationError(`Tenant "${key}": ${error.message}`, {
        cause: error,
        code: error.code as "CONFIGURATION_INVALID" | "CLOUD_MISMATCH",
        issues: error.issues,
        ...(error.tenantId === undefined ? {} : { tenantId: error.tenantId }),
        ...(error.checklistItem === undefined ? {} : { checklistItem: error.checklistItem }),
      });
    }
    logger.verbose(
      `tenant key "${key}" resolved to tenant ${binding.tenantId} (${binding.endpoint.url})`,
    );
    const timer = setTimeout(() => {
      if (entries.get(key)?.timer === timer) drop(key);
    }, bindingTtlInMs);
    timer.unref();
    return { binding, timer, lastUsed: ++clock, chatModels: new Map(), embeddings: new Map() };
  };

  const entryFor = (key: string, lookup: TenantLookupOptions | undefined): Promise<TenantEntry> => {
    const cached = entries.get(key);
    if (cached) {
      cached.lastUsed = ++clock;
      return Promise.resolve(cached);
    }

    let inFlight = pending.get(key);
    if (!inFlight) {
      const started = resolve(key).then(
        (entry) => {
          // A forget() during the look-up wins: its result is not cached.
          if (pending.get(key) !== started) {
            clearTimeout(entry.timer);
            return entry;
          }
          pending.delete(key);
          entries.set(key, entry);
          if (entries.size > maxTenants) evictLeastRecentlyUsed();
          return entry;
        },
        (error: unknown) => {
          if (pending.get(key) === started) pending.delete(key);
          throw error;
        },
      );
      pending.set(key, started);
      inFlight = started;
    }
    return raceAbort(inFlight, lookup?.abortSignal);
  };

  return {
    async chatModel(key, chatOptions) {
      const entry = await entryFor(key, chatOptions);
      const { binding } = entry;
      const deployment = chooseDeployment(
        key,
        binding,
        chatOptions?.deployment,
        chatDeployment,
        "chat",
      );
      if (hasModelOptions(chatOptions)) {
        const { abortSignal: _signal, deployment: _deployment, ...own } = chatOptions ?? {};
        return new TenantChatModel({ ...chatDefaults, ...own, app, binding, deployment });
      }
      let model = entry.chatModels.get(deployment);
      if (!model) {
        model = new TenantChatModel({ ...chatDefaults, app, binding, deployment });
        entry.chatModels.set(deployment, model);
      }
      return model;
    },

    async embeddings(key, embeddingsOptions) {
      const entry = await entryFor(key, embeddingsOptions);
      const { binding } = entry;
      const deployment = chooseDeployment(
        key,
        binding,
        embeddingsOptions?.deployment,
        embeddingsDeployment,
        "embeddings",
      );
      if (hasModelOptions(embeddingsOptions)) {
        const { abortSignal: _signal, deployment: _deployment, ...own } = embeddingsOptions ?? {};
        return new TenantEmbeddings({ ...embeddingsDefaults, ...own, app, binding, deployment });
      }
      let model = entry.embeddings.get(deployment);
      if (!model) {
        model = new TenantEmbeddings({ ...embeddingsDefaults, app, binding, deployment });
        entry.embeddings.set(deployment, model);
      }
      return model;
    },

    async binding(key, lookup) {
      return (await entryFor(key, lookup)).binding;
    },

    cachedChatModel(key, deployment) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entry.lastUsed = ++clock;
      const only =
        entry.binding.deployments.length === 1 ? entry.binding.deployments[0] : undefined;
      const chosen = deployment ?? chatDeployment ?? only;
      return chosen === undefined ? undefined : entry.chatModels.get(chosen);
    },

    forget(key) {
      pending.delete(key);
      const entry = drop(key);
      if (!entry) return;
      app.invalidate(entry.binding.tenantId);
      logger.info(
        `tenant key "${key}" (${entry.binding.tenantId}) forgotten: binding, models and cached token dropped`,
      );
    },

    get size() {
      return entries.size;
    },
  };
}
