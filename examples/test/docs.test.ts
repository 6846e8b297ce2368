import { readFile } from "node:fs/promises";
import path from "node:path";
import { crossTenantErrorCodes } from "@crosstenant/core";
import { describe, expect, it } from "vitest";
import { renderOnboardingGuide } from "../docs/onboarding.ts";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFile(path.join(repoRoot, file), "utf8");

describe("documentation", () => {
  it("docs/onboarding.md is what the checklist renderer produces (run `pnpm docs:generate` after a change)", async () => {
    expect(await read("docs/onboarding.md")).toBe(renderOnboardingGuide());
  });

  it("docs/troubleshooting.md explains every error code, and no code that does not exist", async () => {
    const codes = [...crossTenantErrorCodes];
    const documented = [
      ...(await read("docs/troubleshooting.md")).matchAll(/^### ([A-Z_]+)$/gm),
    ].map((match) => match[1]);

    expect(codes.length).toBeGreaterThan(30);
    expect([...documented].sort()).toEqual([...codes].sort());
  });
});
