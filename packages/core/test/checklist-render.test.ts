import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  buildChecklist,
  type Checklist,
  type ChecklistReport,
  ConfigurationError,
  checklistFormats,
  createTenantBinding,
  renderChecklist,
} from "@crosstenant/core";
import { afterAll, describe, expect, it } from "vitest";
import { blockOf, scan } from "./checklist-structure.js";

const clientId = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const tenantId = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const armResourceId =
  "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/contoso-account";
const hostileName = `Contoso's "AI" $(touch /tmp/pwned) \${var.x} */ \`id\` \n# injected\u001b[31m`;

function checklistFor(options: { arm?: boolean; privateEndpoint?: boolean; name?: string } = {}) {
  const binding = createTenantBinding({
    tenantId,
    endpoint: "https://contoso.openai.azure.com",
    deployments: ["gpt-4o", "text-embedding-3-small"],
    displayName: options.name ?? hostileName,
    ...(options.arm === false ? {} : { armResourceId }),
  });
  return buildChecklist({
    app: { clientId },
    binding,
    egressIps: options.privateEndpoint ? [] : ["203.0.113.10", "198.51.100.0/24"],
    privateEndpoint: options.privateEndpoint ?? false,
  });
}

function reportFor(checklist: Checklist): ChecklistReport {
  return {
    schemaVersion: 1,
    kind: "report",
    checklist,
    principalObjectId: "e4a9b3c7-4444-4000-8000-0000000000c1",
    steps: checklist.steps.map((step) =>
      step.id === "role-assignment"
        ? {
            id: step.id,
            status: "fail",
            evidence: ["HTTP 401 PermissionDenied on gpt-4o"],
            fix: "Assign Cognitive Services OpenAI User",
            errorCode: "ROLE_MISSING",
          }
        : { id: step.id, status: "pass", evidence: [`${step.id} looked fine`] },
    ),
    summary: {
      status: "fail",
      counts: { pass: 7, fail: 1, warn: 0, unknown: 0, skipped: 0 },
      text: "FAIL: 7/8 steps pass; fix: role-assignment.",
    },
  };
}

const variants = [
  { label: "with an ARM resource id", options: {} },
  { label: "without an ARM resource id", options: { arm: false } },
  { label: "with a private endpoint", options: { privateEndpoint: true } },
] as const;

const workDir = mkdtempSync(path.join(tmpdir(), "crosstenant-render-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const placeholder = /<[a-z][a-z ]*>|\bTODO\b|\bFIXME\b|REPLACE_ME|CHANGEME/i;

describe("renderChecklist: azure-cli", () => {
  it.each(variants)("writes a bash script that passes bash -n ($label)", ({ options }) => {
    const script = renderChecklist(checklistFor(options), "azure-cli");
    const file = path.join(workDir, `syntax-${Object.keys(options).join("-")}.sh`);
    writeFileSync(file, script);

    const result = spawnSync("bash", ["-n", file], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(script.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(script).toContain("\nset -euo pipefail\n");
  });

  it("puts every value in a single-quoted variable at the top, before any command", () => {
    const script = renderChecklist(checklistFor(), "azure-cli");
    const top = script.slice(0, script.indexOf("# --- tenant"));
    expect(top).toContain(`TENANT_ID='${tenantId}'`);
    expect(top).toContain(`APP_ID='${clientId}'`);
    expect(top).toContain("ROLE_ID='5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'");
    expect(top).toContain("EGRESS_IPS=('203.0.113.10' '198.51.100.0/24')");
    expect(top).toContain("DEPLOYMENTS=('gpt-4o' 'text-embedding-3-small')");
    expect(top).toContain(`RESOURCE_ID='${armResourceId}'`);
    expect(top).not.toMatch(/^az /m);
  });

  it("keeps a hostile display name inside comments", () => {
    const script = renderChecklist(checklistFor(), "azure-cli");
    const uncommented = script
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("#"))
      .join("\n");
    expect(uncommented).not.toContain("pwned");
    expect(script).not.toContain("\u001b");
    expect(script).not.toMatch(/^# injected/m);
  });

  it("runs end to end against a stand-in az, quoting every value correctly", () => {
    const bin = path.join(workDir, "bin");
    const log = path.join(workDir, "az.log");
    spawnSync("mkdir", ["-p", bin]);
    writeFileSync(
      path.join(bin, "az"),
      [
        "#!/usr/bin/env bash",
        'printf "%s\\n" "$*" >> "$AZ_LOG"',
        'case "$1 $2 $3" in',
        '  "account show "*) echo "$FAKE_TENANT" ;;',
        '  "ad sp show") echo "sp-object-id" ;;',
        '  "resource show "*) echo "contoso" ;;',
        '  "cognitiveservices account list") echo "$FAKE_RESOURCE_ID" ;;',
        "esac",
      ].join("\n"),
    );
    chmodSync(path.join(bin, "az"), 0o755);
    for (const options of [{}, { arm: false }]) {
      writeFileSync(log, "");
      const file = path.join(workDir, "run.sh");
      writeFileSync(file, renderChecklist(checklistFor(options), "azure-cli"));

      const result = spawnSync("bash", [file], {
        encoding: "utf8",
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          AZ_LOG: log,
          FAKE_TENANT: tenantId,
          FAKE_RESOURCE_ID: armResourceId,
        },
      });

      expect(result.stderr).toContain("Done.");
      expect(result.status).toBe(0);
      const calls = readFileSync(log, "utf8");
      expect(calls).toContain(
        `role assignment create --assignee-object-id sp-object-id --assignee-principal-type ServicePrincipal --role 5e0bd9bd-7b93-4f28-af87-19fc36ad61bd --scope ${armResourceId} --output none`,
      );
      expect(calls).toContain(
        "cognitiveservices account network-rule add --resource-group rg-ai --name contoso-account --ip-address 198.51.100.0/24 --output none",
      );
      expect(calls).toContain("properties.networkAcls.defaultAction=Deny");
      expect(calls).toContain("properties.disableLocalAuth=true");
    }
  });
});

describe("renderChecklist: bicep", () => {
  it.each(variants)("is structurally valid Bicep with no placeholder ($label)", ({ options }) => {
    const bicep = renderChecklist(checklistFor(options), "bicep");
    const result = scan(bicep, "bicep");

    expect(result.statements).toContain("targetScope = resourceGroup");
    expect(result.statements.some((s) => s.startsWith("param accountName string"))).toBe(true);
    const account = blockOf(result, "resource", "account");
    expect(account?.header[2]).toMatch(
      /^Microsoft\.CognitiveServices\/accounts@\d{4}-\d{2}-\d{2}$/,
    );
    expect(account?.attributes.get("name")).toBe("accountName");

    const assignment = blockOf(result, "resource", "openAIUserAssignment");
    expect(assignment?.header[2]).toBe("Microsoft.Authorization/roleAssignments@2022-04-01");
    expect(assignment?.attributes.get("scope")).toBe("account");
    expect(assignment?.attributes.get("name")).toMatch(/^guid\(/);
    expect(assignment?.attributes.get("properties.principalId")).toBe("platformPrincipalId");
    expect(assignment?.attributes.get("properties.principalType")).toBe('"ServicePrincipal"');
    expect(assignment?.attributes.get("properties.roleDefinitionId")).toContain("openAIUserRoleId");
    expect(result.strings).toContain("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd");
    expect(bicep).not.toMatch(placeholder);
    expect(result.strings.some((s) => s.includes("pwned"))).toBe(false);
  });

  it("uses the account name from the ARM id, and the subdomain without one", () => {
    expect(renderChecklist(checklistFor(), "bicep")).toContain(
      "param accountName string = 'contoso-account'",
    );
    expect(renderChecklist(checklistFor({ arm: false }), "bicep")).toContain(
      "param accountName string = 'contoso'",
    );
  });

  it("fills the principal id from a report, and shows each step's verified status", () => {
    const bicep = renderChecklist(reportFor(checklistFor()), "bicep");
    expect(bicep).toContain(
      "param platformPrincipalId string = 'e4a9b3c7-4444-4000-8000-0000000000c1'",
    );
    expect(bicep).toContain(
      [
        "// Verified: FAIL",
        "//   HTTP 401 PermissionDenied on gpt-4o",
        "//   fix: Assign Cognitive Services OpenAI User",
      ].join("\n"),
    );
    expect(() => scan(bicep, "bicep")).not.toThrow();
  });

  it("documents the network rules it cannot apply, with every egress IP", () => {
    const bicep = renderChecklist(checklistFor(), "bicep");
    expect(bicep).toContain("// Network: Bicep cannot change the IP rules");
    expect(bicep).toContain("//       { value: '203.0.113.10' }");
    expect(bicep).toContain("//       { value: '198.51.100.0/24' }");
  });
});

describe("renderChecklist: terraform", () => {
  it.each(variants)(
    "is structurally valid Terraform with no placeholder ($label)",
    ({ options }) => {
      const terraform = renderChecklist(checklistFor(options), "terraform");
      const result = scan(terraform, "hcl");

      expect(
        blockOf(result, "terraform")?.attributes.get("required_providers.azurerm.source"),
      ).toBe('"hashicorp/azurerm"');
      expect(blockOf(result, "provider", "azuread")?.attributes.get("tenant_id")).toBe(
        `"${tenantId}"`,
      );
      const account = blockOf(result, "data", "azurerm_cognitive_account", "openai");
      expect(account?.attributes.get("name")).toBe("var.account_name");
      expect(account?.attributes.get("resource_group_name")).toBe("var.resource_group_name");

      const sp = blockOf(result, "resource", "azuread_service_principal", "platform");
      expect(sp?.attributes.get("client_id")).toBe(`"${clientId}"`);
      const assignment = blockOf(
        result,
        "resource",
        "azurerm_role_assignment",
        "platform_openai_user",
      );
      expect(assignment?.attributes.get("scope")).toBe("data.azurerm_cognitive_account.openai.id");
      expect(assignment?.attributes.get("role_definition_name")).toBe(
        '"Cognitive Services OpenAI User"',
      );
      expect(assignment?.attributes.get("principal_id")).toBe(
        "azuread_service_principal.platform.object_id",
      );
      expect(blockOf(result, "check", "custom_subdomain")).toBeDefined();
      expect(terraform).not.toMatch(placeholder);
      expect(result.strings.some((s) => s.includes("${") && !s.includes("$${"))).toBe(false);
    },
  );

  it("gives variable defaults from the ARM id, and leaves them required without one", () => {
    const withArm = scan(renderChecklist(checklistFor(), "terraform"), "hcl");
    expect(blockOf(withArm, "variable", "resource_group_name")?.attributes.get("default")).toBe(
      '"rg-ai"',
    );
    expect(blockOf(withArm, "variable", "subscription_id")?.attributes.get("default")).toBe(
      '"00000000-1111-2222-3333-444444444444"',
    );
    const without = scan(renderChecklist(checklistFor({ arm: false }), "terraform"), "hcl");
    expect(blockOf(without, "variable", "resource_group_name")?.attributes.has("default")).toBe(
      false,
    );
  });

  it("shows each step's verified status, evidence and fix as comments when given a report", () => {
    const report = reportFor(checklistFor());
    const terraform = renderChecklist(report, "terraform");
    expect(terraform).toContain("# Verified: FAIL\n#   HTTP 401 PermissionDenied on gpt-4o");
    expect(terraform).toContain("# Verified: PASS\n#   tenant looked fine");
    expect(() => scan(terraform, "hcl")).not.toThrow();

    const script = renderChecklist(report, "azure-cli");
    expect(script).toContain("# Verified: FAIL\n#   HTTP 401 PermissionDenied on gpt-4o");
    const file = path.join(workDir, "report-script.sh");
    writeFileSync(file, script);
    expect(spawnSync("bash", ["-n", file]).status).toBe(0);
  });

  it("documents the network rules as a block to merge into the account's own configuration", () => {
    const terraform = renderChecklist(checklistFor(), "terraform");
    expect(terraform).toContain("#   network_acls {");
    expect(terraform).toContain('#     ip_rules       = ["203.0.113.10", "198.51.100.0/24"]');
    expect(terraform).toContain("#   local_auth_enabled = false");
  });
});

describe("renderChecklist: markdown, text and json", () => {
  it("renders Markdown for the customer's admin with every fact and command", () => {
    const markdown = renderChecklist(checklistFor({ name: "Contoso" }), "markdown");
    expect(markdown.startsWith("# Azure OpenAI access checklist: Contoso")).toBe(true);
    for (const expected of [
      "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
      "Cognitive Services OpenAI User",
      "203.0.113.10, 198.51.100.0/24",
      "adminconsent?client_id=",
      "```bash",
      "az role assignment create",
      "| 8 | Disable key-based authentication (`local-auth-disabled`) | customer | recommended |",
    ]) {
      expect(markdown).toContain(expected);
    }
    expect(markdown.match(/^## \d\. /gm)).toHaveLength(8);
  });

  it("escapes a hostile name in Markdown so it cannot add HTML or break out", () => {
    const markdown = renderChecklist(
      checklistFor({ name: "<img src=x onerror=alert(1)> | x" }),
      "markdown",
    );
    expect(markdown).not.toContain("<img");
    expect(markdown).toContain("&lt;img");
  });

  it("shows each step's status, evidence and fix when given a report", () => {
    const report = reportFor(checklistFor({ name: "Contoso" }));
    const markdown = renderChecklist(report, "markdown");
    expect(markdown).toContain("**Verification:** FAIL: 7/8 steps pass; fix: role-assignment.");
    expect(markdown).toContain("❌ fail");
    expect(markdown).toContain("- HTTP 401 PermissionDenied on gpt-4o");
    expect(markdown).toContain("**To fix:** Assign Cognitive Services OpenAI User");

    const text = renderChecklist(report, "text");
    expect(text).toContain("5. [FAIL] Assign");
    expect(text).toContain("     - HTTP 401 PermissionDenied on gpt-4o");
    expect(text).toContain("     fix: Assign Cognitive Services OpenAI User");
    expect(text).toContain("1. [PASS] Confirm the tenant id");
  });

  it("uses colour in text only when asked, and strips control characters from values", () => {
    const report = reportFor(checklistFor());
    const plain = renderChecklist(report, "text");
    expect(plain).not.toContain("\u001b");
    const coloured = renderChecklist(report, "text", { color: true });
    expect(coloured).toContain("\u001b[31m[FAIL]\u001b[0m");
    expect(coloured).toContain("\u001b[32m[PASS]\u001b[0m");
    expect(coloured).not.toContain("\u001b[31mContoso");
  });

  it("renders JSON in the documented schema, round-tripping the checklist and the report", () => {
    const checklist = checklistFor({ name: "Contoso" });
    const parsed = JSON.parse(renderChecklist(checklist, "json"));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(checklist)));
    expect(parsed).toMatchObject({
      schemaVersion: 1,
      kind: "checklist",
      app: { clientId },
      role: { name: "Cognitive Services OpenAI User", id: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd" },
      target: { tenantId, resourceName: "contoso", armResourceId },
      egressIps: ["203.0.113.10", "198.51.100.0/24"],
      privateEndpoint: false,
    });
    expect(Object.keys(parsed.steps[0]).sort()).toEqual(
      ["how", "id", "owner", "required", "title", "verification", "what", "why"].sort(),
    );

    const report = JSON.parse(renderChecklist(reportFor(checklist), "json"));
    expect(report).toMatchObject({ schemaVersion: 1, kind: "report", summary: { status: "fail" } });
    expect(report.steps[4]).toEqual({
      id: "role-assignment",
      status: "fail",
      evidence: ["HTTP 401 PermissionDenied on gpt-4o"],
      fix: "Assign Cognitive Services OpenAI User",
      errorCode: "ROLE_MISSING",
    });
  });

  it("lists every format and refuses an unknown one with a ConfigurationError", () => {
    expect(checklistFormats).toEqual([
      "markdown",
      "text",
      "json",
      "azure-cli",
      "bicep",
      "terraform",
    ]);
    expect(() => renderChecklist(checklistFor(), "yaml" as never)).toThrow(ConfigurationError);
    expect(() => renderChecklist(checklistFor(), "yaml" as never)).toThrow(/markdown, text, json/);
  });
});

describe("the structure scanner used above", () => {
  it("refuses unbalanced braces, unclosed strings and mismatched brackets", () => {
    expect(() => scan("resource a 'b' = {\n  name: 'x'\n", "bicep")).toThrow(/unclosed/);
    expect(() => scan('resource "a" "b" {\n  name = "x\n}\n', "hcl")).toThrow(/unclosed string/);
    expect(() => scan("locals {\n  a = [1, 2}\n}\n", "hcl")).toThrow(/unbalanced/);
  });

  it("ignores braces inside comments and strings", () => {
    const result = scan('# {\nresource "a" "b" {\n  name = "}{"\n  /* { */\n}\n', "hcl");
    expect(blockOf(result, "resource", "a", "b")?.attributes.get("name")).toBe('"}{"');
  });
});
