import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const examplesRoot = path.resolve(import.meta.dirname, "..");

/** Runs one example as a user would (`node <file>`), without a terminal, and returns its output. */
export async function runExample(
  file: string,
  args: readonly string[] = [],
): Promise<{ stdout: string; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, [path.join(examplesRoot, file), ...args], {
    cwd: examplesRoot,
    timeout: 60_000,
    env: { ...process.env, FORCE_COLOR: undefined, AZURE_LOG_LEVEL: undefined },
  });
  return { stdout, stderr };
}
