export { createChatModel, TenantChatModel } from "./chat-model.js";
export type {
  ChatModelOptions,
  TenantChatOptions,
  TenantChatPassThroughOptions,
} from "./chat-options.js";
export type { EmbeddingsOptions, TenantEmbeddingsOptions } from "./embeddings.js";
export { createEmbeddings, TenantEmbeddings } from "./embeddings.js";
export type {
  FactoryChatModelOptions,
  FactoryEmbeddingsOptions,
  TenantLookupOptions,
  TenantModelFactory,
  TenantModelFactoryOptions,
} from "./model-factory.js";
export { createTenantModelFactory } from "./model-factory.js";
export type { RetryOptions } from "./retry-policy.js";
export type { ApiSurface } from "./tenant-client.js";
