import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "../..");
const snippetDir = path.join(repoRoot, "examples", ".snippets");

async function markdownFiles(): Promise<string[]> {
  const packages = await readdir(path.join(repoRoot, "packages"));
  const docs = (await readdir(path.join(repoRoot, "docs"))).filter((file) => file.endsWith(".md"));
  return [
    "README.md",
    ...packages.map((name) => `packages/${name}/README.md`),
    ...docs.map((file) => `docs/${file}`),
    "examples/demo/README.md",
  ];
}

async function typeScriptBlocks(): Promise<{ source: string; file: string; code: string }[]> {
  const blocks: { source: string; file: string; code: string }[] = [];
  for (const source of await markdownFiles()) {
    const text = await readFile(path.join(repoRoot, source), "utf8").catch(() => "");
    const found = [...text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)];
    found.forEach((match, index) => {
      const file = `${source.replaceAll(/[^a-z0-9]+/gi, "-")}-${index + 1}.ts`;
      blocks.push({ source, file, code: `${match[1]}\nexport {};\n` });
    });
  }
  return blocks;
}

describe("documentation code blocks", () => {
  it("every TypeScript block in the READMEs and docs type-checks against the packages", async () => {
    const blocks = await typeScriptBlocks();
    await rm(snippetDir, { recursive: true, force: true });
    await mkdir(snippetDir, { recursive: true });
    for (const block of blocks) await writeFile(path.join(snippetDir, block.file), block.code);
    await writeFile(
      path.join(snippetDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2023",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
        include: ["*.ts"],
      }),
    );
    const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");

    const result = await run(tsc, ["-p", snippetDir]).then(
      () => "",
      (error: { stdout: string }) => error.stdout,
    );

    expect(blocks.length).toBeGreaterThan(2);
    expect(result).toBe("");
  });
});
