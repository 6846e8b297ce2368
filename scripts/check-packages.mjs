#!/usr/bin/env node
// Checks each package as a consumer will receive it from the registry:
//   1. packs it with pnpm (workspace: ranges become versions, `files` applies),
//   2. lints the tarball with publint (strict: warnings fail),
//   3. installs every tarball into a throwaway consumer project outside the workspace,
//   4. imports every entry point of its `exports` map from that project,
//   5. type-checks a consumer file against the installed declarations.
// Usage: node scripts/check-packages.mjs [--keep] [package-dir …]   (default: packages/*)
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const run = promisify(execFile);
const repoRoot = path.resolve(fileURLToPath(import.meta.url), "../..");
const args = process.argv.slice(2);
const keep = args.includes("--keep");
const requested = args.filter((arg) => !arg.startsWith("--"));
const packageDirs = requested.length
  ? requested.map((dir) => path.resolve(dir))
  : (await readdir(path.join(repoRoot, "packages")))
      .sort()
      .map((name) => path.join(repoRoot, "packages", name));

const problems = [];
const workDir = await mkdtemp(path.join(tmpdir(), "crosstenant-check-packages-"));

try {
  const packed = [];
  for (const packageDir of packageDirs) {
    const manifest = JSON.parse(await readFile(path.join(packageDir, "package.json"), "utf8"));
    const tarball = await pack(packageDir, workDir);
    await lint(manifest.name, tarball);
    packed.push({ manifest, tarball });
  }
  if (!problems.length) {
    const consumerDir = await installConsumer(workDir, packed);
    await importEntryPoints(consumerDir, packed);
    await typeCheckConsumer(consumerDir, packed);
  }
} finally {
  if (!keep) await rm(workDir, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`check:packages found ${problems.length} problem(s):`);
  for (const problem of problems) console.error(`- ${problem}`);
  process.exit(1);
}
console.log(
  `check:packages: ${packageDirs.length} package(s) packed, linted, installed, imported and type-checked`,
);

async function pack(packageDir, destination) {
  const { stdout } = await run("pnpm", ["pack", "--json", "--pack-destination", destination], {
    cwd: packageDir,
  });
  const report = JSON.parse(stdout);
  return path.resolve(destination, path.basename(report.filename));
}

async function lint(name, tarball) {
  const buffer = await readFile(tarball);
  const tarballBytes = buffer.buffer.slice(
    buffer.byteOffset,
    buffer.byteOffset + buffer.byteLength,
  );
  const { messages, pkg } = await publint({
    pack: { tarball: tarballBytes },
    level: "warning",
    strict: true,
  });
  for (const message of messages) problems.push(`${name}: publint: ${formatMessage(message, pkg)}`);
  const exportsMap = pkg.exports;
  if (!exportsMap || typeof exportsMap !== "object") {
    problems.push(`${name}: package.json has no "exports" map`);
    return;
  }
  for (const [subpath, target] of Object.entries(exportsMap)) {
    if (subpath === "./package.json" || typeof target !== "object") continue;
    const conditions = Object.keys(target);
    if (conditions[0] !== "types") {
      problems.push(
        `${name}: exports["${subpath}"] must list "types" first (found ${conditions.join(", ")})`,
      );
    }
  }
}

async function installConsumer(workDir, packed) {
  const consumerDir = path.join(workDir, "consumer");
  await mkdir(consumerDir, { recursive: true });
  const fromTarballs = Object.fromEntries(
    packed.map(({ manifest, tarball }) => [manifest.name, `file:${tarball}`]),
  );
  const peers = {};
  for (const { manifest } of packed) {
    // Optional peers too: a consumer that imports the entry point needing one has it installed.
    for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {}))
      peers[peer] = range;
  }
  await writeFile(
    path.join(consumerDir, "package.json"),
    `${JSON.stringify(
      {
        name: "crosstenant-package-consumer",
        private: true,
        type: "module",
        dependencies: { "@types/node": "^22", ...peers, ...fromTarballs },
        pnpm: { overrides: fromTarballs },
      },
      null,
      2,
    )}\n`,
  );
  try {
    await run("pnpm", ["install", "--prefer-offline", "--ignore-workspace", "--reporter=silent"], {
      cwd: consumerDir,
      env: { ...process.env, npm_config_strict_peer_dependencies: "false" },
    });
  } catch (error) {
    problems.push(
      `installing the tarballs failed:\n${error.stderr || error.stdout || error.message}`,
    );
  }
  return consumerDir;
}

function entryPoints(manifest) {
  const subpaths = Object.keys(manifest.exports ?? {}).filter(
    (subpath) => subpath !== "./package.json",
  );
  return subpaths.map((subpath) =>
    subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
  );
}

async function importEntryPoints(consumerDir, packed) {
  if (problems.length) return;
  for (const { manifest } of packed) {
    for (const specifier of entryPoints(manifest)) {
      const probe = `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) { throw new Error("no exports"); }`;
      try {
        await run(process.execPath, ["--input-type=module", "-e", probe], { cwd: consumerDir });
      } catch (error) {
        const detail = (error.stderr || error.message)
          .split("\n")
          .find((line) => /Error/.test(line));
        problems.push(
          `import("${specifier}") failed in a fresh consumer: ${detail ?? error.message}`,
        );
      }
    }
  }
}

async function typeCheckConsumer(consumerDir, packed) {
  if (problems.length) return;
  const lines = [];
  packed.forEach(({ manifest }, packageIndex) => {
    entryPoints(manifest).forEach((specifier, entryIndex) => {
      const binding = `entry${packageIndex}_${entryIndex}`;
      lines.push(`import * as ${binding} from ${JSON.stringify(specifier)};`);
      lines.push(
        `export const keys${packageIndex}_${entryIndex}: string[] = Object.keys(${binding});`,
      );
    });
  });
  await writeFile(path.join(consumerDir, "entry-points.ts"), `${lines.join("\n")}\n`);
  const usage = path.join(repoRoot, "scripts", "package-consumer.ts");
  const files = ["entry-points.ts"];
  if (existsSync(usage) && !requested.length) {
    await writeFile(path.join(consumerDir, "usage.ts"), await readFile(usage, "utf8"));
    files.push("usage.ts");
  }
  await writeFile(
    path.join(consumerDir, "tsconfig.json"),
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
      files,
    }),
  );
  const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");
  try {
    await run(tsc, ["-p", "tsconfig.json"], { cwd: consumerDir });
  } catch (error) {
    problems.push(
      `type-checking a consumer against the declarations failed:\n${error.stdout || error.message}`,
    );
  }
}
