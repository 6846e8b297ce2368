import { defineConfig } from "vitest/config";

// Every tested unit keeps its tests in a `test/` folder beside its `src/`, named `<concept>.test.ts`.
const project = (root: string, name: string) => ({
  extends: true as const,
  test: { name, root, include: ["test/**/*.test.ts"] },
});

export default defineConfig({
  test: {
    projects: [
      project("packages/core", "core"),
      project("packages/testing", "testing"),
      project("packages/langchain-provider", "langchain"),
      project("scripts", "scripts"),
      project("reliability", "reliability"),
      {
        extends: true as const,
        test: {
          name: "examples",
          root: "examples",
          include: ["test/**/*.test.ts", "*/**/*.test.ts"],
        },
      },
    ],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // On CI one character per test keeps the log short; failures are still printed in full.
    reporters: [process.env.CI ? "dot" : "default", "./scripts/vitest-summary-reporter.ts"],
  },
});
