import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createCloudFetch, defineCloud } from "@crosstenant/core";
import { defaultScenario } from "@crosstenant/testing";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("crosstenant-mock CLI", () => {
  it("serves a scenario file, prints one JSON line with the connection details, stops on SIGTERM", async () => {
    const folder = await mkdtemp(join(tmpdir(), "crosstenant-cli-"));
    const caFile = join(folder, "ca.pem");
    const scenarioFile = join(folder, "scenario.json");
    const scenario = defaultScenario();
    scenario.tenants.push({
      tenantId: "d3c2b1a0-0000-4000-8000-0000000000d3",
      displayName: "Northwind",
      servicePrincipals: [],
    });
    await writeFile(scenarioFile, JSON.stringify(scenario));
    const child = spawn(process.execPath, [cli, "--scenario", scenarioFile, "--ca-file", caFile], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, "line")) as [string];
      const details = JSON.parse(line) as {
        authorityHost: string;
        caFile: string;
        endpoints: Record<string, string>;
        armUrl: string;
        homeTenantId: string;
        tenants: { tenantId: string; displayName: string }[];
      };
      expect(details.caFile).toBe(caFile);
      expect(Object.keys(details.endpoints)).toContain("contoso-openai");
      expect(details.tenants.map((tenant) => tenant.displayName)).toContain("Northwind");

      const cloud = defineCloud({
        name: "cli-mock",
        authorityHost: details.authorityHost,
        openAIHostSuffixes: [".openai.localhost"],
        cognitiveServicesAudience: "https://cognitiveservices.azure.com",
        armEndpoint: details.armUrl,
        allowLoopback: true,
        allowPorts: true,
        caPem: await readFile(caFile, "utf8"),
      });
      const response = await createCloudFetch(cloud)(
        `${details.authorityHost}/${details.homeTenantId}/v2.0/.well-known/openid-configuration`,
      );
      expect(response.status).toBe(200);
      await response.text();

      child.kill("SIGTERM");
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("explains its options with --help", async () => {
    const child = spawn(process.execPath, [cli, "--help"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(output).toContain("--scenario <file>");
    expect(output).toContain("--ca-file <path>");
  });
});
