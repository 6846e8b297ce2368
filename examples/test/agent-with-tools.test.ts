import { describe, expect, it } from "vitest";
import { runExample } from "./run-example.ts";

describe("examples/agent-with-tools", () => {
  it("runs the agent loop through the tool and answers with its result", async () => {
    const { stdout } = await runExample("agent-with-tools/main.ts", [
      "Please multiply 6 by 7 with multiply.",
    ]);

    expect(stdout.trim().split("\n")).toEqual([
      "human: Please multiply 6 by 7 with multiply.",
      "ai: ",
      "tool: 42",
      "ai: Tool results: multiply → 42",
    ]);
  });
});
