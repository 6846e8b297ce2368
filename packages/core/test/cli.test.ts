import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveCliCloud } from "../src/cli/config.js";
import { createProgress } from "../src/cli/progress.js";
import { crosstenant } from "./cli-run.js";

const workDir = mkdtempSync(path.join(tmpdir(), "crosstenant-cli-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const clientId = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const tenantId = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const otherTenantId = "1a2b3c4d-0000-4000-8000-000000000002";
const bindingFlags = [
  "--client-id",
  clientId,
  "--tenant-id",
  tenantId,
  "--endpoint",
  "https://contoso.openai.azure.com",
  "--deployment",
  "gpt-4o",
  "--deployment",
  "text-embedding-3-small",
  "--egress-ip",
  "203.0.113.10",
];

function configFile(contents: unknown): string {
  const file = path.join(workDir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(contents));
  return file;
}

const twoTenants = () =>
  configFile({
    app: { clientId },
    tenants: [
      { tenantId, endpoint: "https://contoso.openai.azure.com", deployments: ["gpt-4o"] },
      {
        tenantId: otherTenantId,
        displayName: "Fabrikam",
        endpoint: "https://fabrikam.openai.azure.com",
        deployments: ["gpt-4o"],
      },
    ],
    egressIps: ["203.0.113.10"],
  });

describe("crosstenant CLI", () => {
  it("prints the commands with --help and exits 0", async () => {
    const result = await crosstenant(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: crosstenant <command>");
    for (const command of ["checklist", "verify", "consent-url"]) {
      expect(result.stdout).toContain(command);
    }
  });

  it.each(["checklist", "verify", "consent-url"])(
    "prints the options of %s with --help",
    async (command) => {
      const result = await crosstenant([command, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: crosstenant ${command} [options]`);
      expect(result.stdout).toContain("--config <file>");
    },
  );

  it("exits 2 for an unknown command or option, saying which", async () => {
    const command = await crosstenant(["deploy"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('Unknown command "deploy"');

    const option = await crosstenant(["checklist", "--colour"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--colour");
  });

  it.each([
    ["markdown", "# Azure OpenAI access checklist"],
    ["text", "Azure OpenAI access checklist"],
    ["azure-cli", "#!/usr/bin/env bash"],
    ["bicep", "targetScope = 'resourceGroup'"],
    ["terraform", 'resource "azurerm_role_assignment" "platform_openai_user"'],
  ])("prints the checklist as %s from flags", async (format, expected) => {
    const result = await crosstenant(["checklist", ...bindingFlags, "--format", format]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(expected);
  });

  it("prints JSON that parses, and an azure-cli script that passes bash -n", async () => {
    const json = await crosstenant(["checklist", ...bindingFlags, "--format", "json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, kind: "checklist" });

    const script = await crosstenant(["checklist", ...bindingFlags, "--format", "azure-cli"]);
    const file = path.join(workDir, "cli-script.sh");
    writeFileSync(file, script.stdout);
    expect(spawnSync("bash", ["-n", file]).status).toBe(0);
  });

  it("exits 2 and lists each bad egress IP", async () => {
    const result = await crosstenant([
      "checklist",
      ...bindingFlags,
      "--egress-ip",
      "10.0.0.1",
      "--egress-ip",
      "192.168.0.0/16",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("egressIps.1");
    expect(result.stderr).toContain("egressIps.2");
    expect(result.stdout).toBe("");
  });

  it("exits 2 for an invalid binding, with the endpoint's own message", async () => {
    const result = await crosstenant([
      "checklist",
      ...bindingFlags.slice(0, 4),
      "--endpoint",
      "https://eastus.api.cognitive.microsoft.com",
      "--deployment",
      "gpt-4o",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/regional endpoint/);
  });

  it("reads tenants from --config and picks one with --tenant by id or name", async () => {
    const config = twoTenants();
    const both = await crosstenant(["checklist", "--config", config, "--format", "text"]);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain(tenantId);
    expect(both.stdout).toContain("Fabrikam");

    const one = await crosstenant([
      "checklist",
      "--config",
      config,
      "--tenant",
      "Fabrikam",
      "--format",
      "json",
    ]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).target.tenantId).toBe(otherTenantId);
  });

  it("exits 2 when a one-document format is asked for several tenants", async () => {
    const result = await crosstenant(["checklist", "--config", twoTenants(), "--format", "bicep"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--tenant");
  });

  it("exits 2 for a config file that is not valid, naming the field", async () => {
    const result = await crosstenant([
      "checklist",
      "--config",
      configFile({ tenants: "x", extra: 1 }),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("tenants");
    expect(result.stderr).toContain("extra");
  });

  it("prints the admin-consent URL of each tenant", async () => {
    const result = await crosstenant([
      "consent-url",
      "--config",
      twoTenants(),
      "--redirect-uri",
      "https://platform.example/consented",
      "--state",
      "s1",
    ]);
    expect(result.code).toBe(0);
    const urls = result.stdout
      .trim()
      .split("\n")
      .map((line) => new URL(line));
    expect(urls.map((url) => url.pathname)).toEqual([
      `/${tenantId}/adminconsent`,
      `/${otherTenantId}/adminconsent`,
    ]);
    expect(urls[0]?.searchParams.get("client_id")).toBe(clientId);
    expect(urls[0]?.searchParams.get("redirect_uri")).toBe("https://platform.example/consented");
    expect(urls[0]?.searchParams.get("state")).toBe("s1");
  });

  it("exits 2 when --ca-file is given for a built-in cloud", async () => {
    const result = await crosstenant(["verify", ...bindingFlags, "--ca-file", "/dev/null"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--ca-file applies only to a cloud defined");
  });

  it("exits 2 for verify without any platform credential, naming the variables", async () => {
    const result = await crosstenant(["verify", ...bindingFlags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("AZURE_CLIENT_ID");
  });
});

describe("verify progress", () => {
  it("rewrites one line in place on a terminal and ends it with the summary", () => {
    const written: string[] = [];
    const progress = createProgress(
      { isTTY: true, write: (text) => written.push(text) },
      "Contoso",
    );

    progress.update({ probe: "token", state: "start" });
    progress.update({ probe: "token", state: "done", detail: "pass" });
    progress.finish("PASS: 8/8 steps pass.");

    expect(written).toEqual([
      "\r\u001b[KContoso: token from the customer tenant: checking",
      "\r\u001b[KContoso: token from the customer tenant: done (pass)",
      "\r\u001b[KContoso: PASS: 8/8 steps pass.\n",
    ]);
  });

  it("writes plain lines without escape codes elsewhere", () => {
    const written: string[] = [];
    const progress = createProgress({ write: (text) => written.push(text) }, "Contoso");

    progress.update({ probe: "arm", state: "start" });
    progress.finish("FAIL: 7/8 steps pass; fix: deployment.");

    expect(written).toEqual([
      "crosstenant verify Contoso: account settings through ARM started\n",
      "crosstenant verify Contoso: FAIL: 7/8 steps pass; fix: deployment.\n",
    ]);
  });
});

describe("the config file's cloud", () => {
  const printed = (authorityHost: string) => ({
    name: "lab",
    authorityHost,
    openAIHostSuffixes: [".openai.lab.localhost"],
    cognitiveServicesScope: "https://cognitiveservices.azure.com/.default",
    armEndpoint: "https://management.lab.localhost",
  });

  it("reads the audience from the scope, and allows loopback only for a loopback authority", () => {
    const local = resolveCliCloud(printed("https://localhost:4443"), {}, workDir);
    expect(local.cognitiveServicesAudience).toBe("https://cognitiveservices.azure.com");
    expect(local.allowLoopback).toBe(true);
    expect(local.allowPorts).toBe(true);

    const remote = resolveCliCloud(printed("https://login.lab.example"), {}, workDir);
    expect(remote.allowLoopback).toBe(false);
    expect(remote.allowPorts).toBe(false);
  });

  it("keeps an explicit allowLoopback: false even for a loopback authority", () => {
    const cloud = resolveCliCloud(
      { ...printed("https://localhost:4443"), allowLoopback: false },
      {},
      workDir,
    );
    expect(cloud.allowLoopback).toBe(false);
  });
});
