import { beforeAll, describe, expect, it } from "vitest";
import { runExample } from "./run-example.ts";

const ansiEscape = String.fromCharCode(27);
let output: { stdout: string; stderr: string };

beforeAll(async () => {
  output = await runExample("demo/main.ts");
}, 60_000);

describe("pnpm demo", () => {
  it("verifies the set-up customer's checklist in full", () => {
    expect(output.stdout).toContain("[1/3] Contoso");
    expect(output.stdout).toMatch(/Contoso\s+8\/8 passed\s+pass/);
  });

  it("reports the missing consent and the missing role as the steps to fix", () => {
    expect(output.stdout).toMatch(/\[FAIL\] Consent the platform app/);
    expect(output.stdout).toMatch(/Fabrikam\s+\d\/\d passed\s+fail/);
    expect(output.stdout).toMatch(/\[FAIL\] Assign "Cognitive Services OpenAI User"/);
    expect(output.stdout).toMatch(/Northwind\s+\d\/\d passed\s+fail/);
  });

  it("runs the tool-calling agent for the healthy customer and streams its answer", () => {
    expect(output.stdout).toContain("→ calls get_order_status");
    expect(output.stdout).toContain("Assistant: Tool results: get_order_status");
  });

  it("prints nothing on stderr, no colour codes and nothing that looks like a token off a terminal", () => {
    expect(output.stderr).toBe("");
    expect(output.stdout).not.toContain(ansiEscape);
    expect(output.stdout).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(output.stdout).not.toContain("PRIVATE KEY");
  });
});
