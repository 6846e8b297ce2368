import { createClientLogger } from "@azure/logger";

/**
 * The package logger. `AZURE_LOG_LEVEL` (or `setLogLevel` from `@azure/logger`) turns it on, as
 * for the Azure SDK. Nothing logged here ever contains a token, secret, assertion or private key;
 * tenant ids and object ids are identifiers and may appear.
 */
export const logger = createClientLogger("crosstenant");
