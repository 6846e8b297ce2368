import { describe, expect, it } from "vitest";
import { ReportState, summarize } from "../src/checklist/report-state.js";

describe("report state", () => {
  it("keeps the most severe finding of a step, with its fix, and every distinct evidence line", () => {
    const state = new ReportState();
    state.add("network-access", { status: "unknown", evidence: "probe timed out" });
    state.add("network-access", { status: "pass", evidence: "firewall let the probe in" });
    state.add("network-access", { status: "warn", evidence: "default Allow", fix: "set Deny" });
    state.add("network-access", { status: "pass", evidence: "firewall let the probe in" });

    const step = state.steps().find((s) => s.id === "network-access");
    expect(step).toEqual({
      id: "network-access",
      status: "warn",
      evidence: ["probe timed out", "firewall let the probe in", "default Allow"],
      fix: "set Deny",
    });
  });

  it("never lets a pass hide a failure seen by another probe", () => {
    const state = new ReportState();
    state.add("deployment", {
      status: "fail",
      evidence: "404",
      fix: "create it",
      errorCode: "DEPLOYMENT_NOT_FOUND",
    });
    state.add("deployment", { status: "pass", evidence: "other deployment exists" });

    expect(state.steps().find((s) => s.id === "deployment")).toMatchObject({
      status: "fail",
      fix: "create it",
      errorCode: "DEPLOYMENT_NOT_FOUND",
    });
  });

  it("lets a more exact fix of the same severity replace the first, keeping the error code", () => {
    const state = new ReportState();
    state.add("custom-subdomain", {
      status: "fail",
      evidence: "regional endpoint",
      fix: "use the custom subdomain",
      errorCode: "ENDPOINT_REGIONAL",
    });
    state.add("custom-subdomain", {
      status: "fail",
      evidence: "ARM: subdomain contoso",
      fix: "use https://contoso.openai.azure.com",
      preferred: true,
    });

    expect(state.steps().find((s) => s.id === "custom-subdomain")).toMatchObject({
      fix: "use https://contoso.openai.azure.com",
      errorCode: "ENDPOINT_REGIONAL",
    });
  });

  it("leaves a step no probe looked at as skipped, and drops the fix of a passing step", () => {
    const state = new ReportState();
    state.add("tenant", { status: "pass", evidence: "token issued", fix: "irrelevant" });

    const steps = state.steps();
    expect(steps.find((s) => s.id === "tenant")).toEqual({
      id: "tenant",
      status: "pass",
      evidence: ["token issued"],
    });
    expect(steps.find((s) => s.id === "app-consent")?.status).toBe("skipped");
  });
});

describe("summarize", () => {
  const step = (id: string, status: "pass" | "fail" | "warn" | "unknown" | "skipped") =>
    ({ id, status, evidence: [] }) as never;

  it("reports the worst status, counting skipped steps as neither good nor bad", () => {
    expect(summarize([step("tenant", "pass"), step("local-auth-disabled", "skipped")])).toEqual({
      status: "pass",
      counts: { pass: 1, fail: 0, warn: 0, unknown: 0, skipped: 1 },
      text: "PASS: 1/2 steps pass; skipped: local-auth-disabled.",
    });
    expect(summarize([step("tenant", "unknown"), step("deployment", "warn")]).status).toBe("warn");
    expect(summarize([step("tenant", "unknown"), step("deployment", "pass")]).status).toBe(
      "unknown",
    );
  });

  it("names the steps to fix, to review and not verified", () => {
    const summary = summarize([
      step("tenant", "pass"),
      step("role-assignment", "fail"),
      step("network-access", "unknown"),
      step("local-auth-disabled", "warn"),
    ]);
    expect(summary.text).toBe(
      "FAIL: 1/4 steps pass; fix: role-assignment; review: local-auth-disabled; not verified: network-access.",
    );
  });
});
