import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const checker = path.resolve(import.meta.dirname, "../check-packages.mjs");
const fixtures: string[] = [];

async function fixturePackage(exportsMap: unknown, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "crosstenant-fixture-"));
  fixtures.push(dir);
  const manifest = {
    name: "@crosstenant-fixture/pkg",
    version: "1.0.0",
    license: "MIT",
    type: "module",
    exports: exportsMap,
    files: ["dist"],
  };
  await writeFile(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

async function check(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [checker, dir]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

const validFiles = {
  "dist/index.js": "export const answer = 42;\n",
  "dist/index.d.ts": "export declare const answer: number;\n",
};

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("check:packages", () => {
  it("accepts a package whose exports map points at built files with types first", async () => {
    const dir = await fixturePackage(
      { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
      validFiles,
    );

    const result = await check(dir);

    expect(result.output).toContain("1 package(s) packed, linted, installed, imported");
    expect(result.code).toBe(0);
  });

  it("fails when an exports entry points at a file the tarball does not contain", async () => {
    const dir = await fixturePackage(
      { ".": { types: "./dist/index.d.ts", default: "./dist/main.js" } },
      validFiles,
    );

    const result = await check(dir);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/dist\/main\.js/);
  });

  it("fails when the types condition is not listed first", async () => {
    const dir = await fixturePackage(
      { ".": { default: "./dist/index.js", types: "./dist/index.d.ts" } },
      validFiles,
    );

    const result = await check(dir);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/types/);
  });

  it("fails when an entry point has no declarations a consumer can type-check against", async () => {
    const dir = await fixturePackage(
      { ".": { default: "./dist/index.js" } },
      { "dist/index.js": "export const answer = 42;\n" },
    );

    const result = await check(dir);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/type-checking a consumer|types/);
  });
});
