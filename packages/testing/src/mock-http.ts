import type { IncomingHttpHeaders } from "node:http";
import type { MockFaults } from "./faults.js";
import type { MockRoute } from "./journal.js";
import type { LiveScenario } from "./live-scenario.js";
import type { SigningKeys } from "./signing-keys.js";

/** A request as the route handlers see it: body already read, caller already identified. */
export interface MockRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceAddress: string;
  readonly egressIp: string;
}

/** What a handler found out about a request, for the journal and for fault matching. */
export interface RequestFacts {
  route: MockRoute;
  tenantId?: string;
  principal?: string;
  resource?: string;
  resourceTenantId?: string;
  deployment?: string;
  decision: string;
}

/** A handler's answer: a JSON body, or a list of SSE payloads sent one event each. */
export type MockResponse =
  | {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly json: unknown;
    }
  | {
      readonly status: 200;
      readonly headers?: Readonly<Record<string, string>>;
      readonly events: readonly unknown[];
    };

/** State shared by every route handler of one mock instance. */
export interface MockState {
  readonly scenario: LiveScenario;
  readonly keys: SigningKeys;
  readonly faults: MockFaults;
  /** `https://localhost:{port}` */
  readonly authorityHost: string;
  /** Secret the App Service identity endpoint expects in `X-IDENTITY-HEADER`. */
  readonly identityHeader: string;
  /** The mock's current time in seconds, shifted by any clock-skew fault on the route. */
  nowInSeconds(facts: RequestFacts): number;
}

/** Sends a JSON answer with the given status. */
export const json = (
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): MockResponse => (headers ? { status, json: body, headers } : { status, json: body });
