import { randomUUID } from "node:crypto";
import { json, type MockResponse } from "./mock-http.js";

/** The AADSTS failures the mock reproduces, with Entra's `error` value and HTTP status. */
export const aadstsFailures = {
  90002: { error: "invalid_tenant", status: 400 },
  90038: { error: "invalid_request", status: 400 },
  700016: { error: "unauthorized_client", status: 400 },
  7000215: { error: "invalid_client", status: 401 },
  7000222: { error: "invalid_client", status: 401 },
  700027: { error: "invalid_client", status: 401 },
  700024: { error: "invalid_client", status: 400 },
  7000112: { error: "unauthorized_client", status: 400 },
  70011: { error: "invalid_scope", status: 400 },
  500011: { error: "invalid_resource", status: 400 },
  700211: { error: "invalid_client", status: 400 },
  700212: { error: "invalid_client", status: 400 },
  700213: { error: "invalid_client", status: 400 },
  700229: { error: "invalid_client", status: 400 },
  7000218: { error: "invalid_client", status: 401 },
  900144: { error: "invalid_request", status: 400 },
  90014: { error: "invalid_request", status: 400 },
  90033: { error: "temporarily_unavailable", status: 503 },
} as const;

/**
 * An AADSTS code the mock can answer with.
 * @example
 * ```ts
 * mock.journal.filter({ route: "token", decision: "AADSTS700016" });
 * ```
 */
export type AadstsCode = keyof typeof aadstsFailures;

const entraTimestamp = (date: Date) => `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;

/**
 * Builds Entra ID's error answer: `error_description` starts with `AADSTS{code}: ` and ends with
 * the trace id, correlation id and timestamp lines, as the real service writes them.
 */
export function aadstsError(code: AadstsCode, text: string, correlationId?: string): MockResponse {
  const { error, status } = aadstsFailures[code];
  const now = new Date();
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = entraTimestamp(now);
  return json(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    { "cache-control": "no-store, no-cache", pragma: "no-cache", "x-ms-request-id": traceId },
  );
}
