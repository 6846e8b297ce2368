// `pnpm bench`: runs every bench/*.bench.ts in a child process of its own, one after the other
// (so one benchmark's heap and timers cannot disturb another's figures), with --expose-gc, and
// writes their Markdown sections to BENCHMARKS.md at the repository root.
import { spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = join(root, "bench");
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith(".bench.ts"))
  .sort();

if (files.length === 0) {
  console.error(`pnpm bench: no bench/*.bench.ts file in ${benchDir}.`);
  process.exit(1);
}

function run(file: string): Promise<{ file: string; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", join("bench", file)], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ file, stdout, code }));
  });
}

const sections: string[] = [];
const failed: string[] = [];
for (const file of files) {
  console.error(`pnpm bench: running bench/${file} …`);
  const result = await run(file);
  if (result.code === 0 && result.stdout.trim()) {
    sections.push(result.stdout.trim());
  } else {
    failed.push(file);
    sections.push(`## bench/${file}\n\nFailed (exit code ${result.code}); no figures recorded.`);
  }
}

const processors = cpus();
const header = `# Benchmarks

Produced by \`pnpm bench\` (\`node scripts/bench.ts\`), which runs each \`bench/*.bench.ts\` in its
own process with \`node --expose-gc\`, one after the other.

- Date: ${new Date().toISOString()}
- Machine: ${processors[0]?.model.trim() ?? "unknown CPU"}, ${processors.length} cores, Node ${process.version} (${process.platform} ${process.arch})

Absolute numbers depend on the machine and its load; the ratios against each baseline, measured
in the same process a moment apart, are what these figures show.
`;

writeFileSync(join(root, "BENCHMARKS.md"), `${header}\n${sections.join("\n\n")}\n`);
console.error(
  `pnpm bench: wrote BENCHMARKS.md (${files.length - failed.length}/${files.length} passed)`,
);
if (failed.length > 0) process.exit(1);
