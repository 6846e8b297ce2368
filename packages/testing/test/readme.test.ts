import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFile(new URL(path, import.meta.url), "utf8");

describe("README", () => {
  it("shows, as its first example, the contract test that runs in this suite", async () => {
    const readme = await read("../README.md");
    const firstExample = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(firstExample).toBe(await read("./readme-example.contract.test.ts"));
  });
});
