import { createClientLogger } from "@azure/logger";

/**
 * The package logger, under the same `crosstenant` namespace as the core's, so `AZURE_LOG_LEVEL`
 * (or `setLogLevel` from `@azure/logger`) turns both on. It logs tenant ids, deployments,
 * statuses and delays; never a token, a header value or a request body.
 */
export const logger = createClientLogger("crosstenant");
