import { createPlatformApp } from "@crosstenant/core";
import {
  type Attributes,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  metrics,
} from "@opentelemetry/api";
import { afterAll, describe, expect, it } from "vitest";
import { FakeTokenCredential, until } from "./fake-token-credential.js";

interface Recorded {
  readonly instrument: string;
  readonly value: number;
  readonly attributes: Attributes | undefined;
}

// A MeterProvider that keeps what is recorded: enough to see what the platform app reports,
// without an OpenTelemetry SDK.
class RecordingMeterProvider implements MeterProvider {
  readonly meterNames: string[] = [];
  readonly recorded: Recorded[] = [];

  getMeter(name: string): Meter {
    this.meterNames.push(name);
    const record = (instrument: string) => (value: number, attributes?: Attributes) => {
      this.recorded.push({ instrument, value, attributes });
    };
    const noop = createNoopMeter();
    return {
      ...noop,
      createCounter: (instrument: string) => ({ add: record(instrument) }),
      createHistogram: (instrument: string) => ({ record: record(instrument) }),
    } as unknown as Meter;
  }
}

const provider = new RecordingMeterProvider();
metrics.setGlobalMeterProvider(provider);
afterAll(() => metrics.disable());

const clientId = "5a1c0b2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const homeTenantId = "0e1d2c3b-4a59-4867-9564-738291a0b1c2";
const tenantA = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const tenantB = "9a8b7c6d-5e4f-4321-8fed-cba987654321";

describe("OpenTelemetry metrics", () => {
  it("counts token requests by tenant and outcome, records their duration and evictions", async () => {
    const credential = new FakeTokenCredential();
    const app = createPlatformApp({ clientId, homeTenantId, credential, cache: { maxTenants: 1 } });
    await until(() => provider.meterNames.length > 0);

    await app.getToken(tenantA);
    credential.reply({ error: new Error("token service unavailable") });
    await app.getToken(tenantB).catch(() => undefined);
    await app.close();

    expect(provider.meterNames).toEqual(["@crosstenant/core"]);
    const of = (instrument: string) =>
      provider.recorded.filter((entry) => entry.instrument === instrument);
    expect(of("crosstenant.token.requests")).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: expect.objectContaining({
          "crosstenant.tenant_id": tenantA,
          "crosstenant.trigger": "miss",
          "crosstenant.outcome": "success",
        }),
      }),
      expect.objectContaining({
        value: 1,
        attributes: expect.objectContaining({
          "crosstenant.tenant_id": tenantB,
          "crosstenant.outcome": "failure",
          "error.type": "TOKEN_REQUEST_FAILED",
        }),
      }),
    ]);
    expect(of("crosstenant.token.request.duration")).toHaveLength(2);
    expect(of("crosstenant.token.request.duration")[0]?.value).toBeLessThan(5);
    expect(of("crosstenant.token.evictions")).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: expect.objectContaining({
          "crosstenant.tenant_id": tenantA,
          "crosstenant.reason": "capacity",
        }),
      }),
    ]);
  });
});
