import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const cli = path.resolve(import.meta.dirname, "../dist/cli/main.js");
const run = promisify(execFile);

/**
 * Runs the built `crosstenant` CLI in a child process (asynchronously, so a mock served by this
 * process keeps answering) with only PATH and the given variables in its environment.
 */
export async function crosstenant(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
