// The crosstenant demo: a small platform with three customers, end to end.
//
//   pnpm demo                                  on the embedded mock Azure (no network)
//   pnpm demo -- --config platform.json        against real Azure (see examples/demo/README.md)
import { parseArgs } from "node:util";
import {
  type ChecklistReport,
  CrossTenantError,
  createPlatformApp,
  renderChecklist,
  verifyChecklist,
} from "@crosstenant/core";
import { createTenantModelFactory } from "@crosstenant/langchain";
import { runAgent } from "./agent.ts";
import { type DemoPlatform, loadPlatformConfig, startMockPlatform } from "./platform.ts";

const { values: flags } = parseArgs({
  options: {
    config: { type: "string" },
    question: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (flags.help) {
  console.log(`Usage: pnpm demo [-- --config platform.json] [--question "…"]

Plays a platform with three customers: verifies each customer's checklist, runs a tool-calling
agent on the healthy customer's own Azure OpenAI model, and prints a summary. Without --config
it runs on the embedded mock Azure; with it, against real Azure (examples/demo/README.md).`);
  process.exit(0);
}

const tty = process.stdout.isTTY === true;
const paint = (code: number) => (text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
const bold = paint(1);
const dim = paint(2);
const output = {
  line: (text = "") => process.stdout.write(`${text}\n`),
  write: (text: string) => process.stdout.write(text),
};
const progress = (text: string) => {
  if (tty) process.stderr.write(`\r\u001b[2K${dim(text)}`);
};
const clearProgress = () => {
  if (tty) process.stderr.write("\r\u001b[2K");
};

const started = performance.now();
const platform: DemoPlatform = flags.config
  ? await loadPlatformConfig(flags.config)
  : await startMockPlatform();
const app = createPlatformApp(platform.appOptions);

try {
  output.line(bold("crosstenant demo: one platform app, three customers, no customer secret"));
  output.line(`Running against ${platform.target}.`);
  output.line(
    `Platform app ${app.clientId} (home tenant ${app.homeTenantId}), egress IPs ${platform.egressIps.join(", ")}.`,
  );

  const reports = new Map<string, ChecklistReport>();
  for (const [index, customer] of platform.customers.entries()) {
    output.line();
    output.line(
      bold(`[${index + 1}/${platform.customers.length}] ${customer.name}: verifying the checklist`),
    );
    const report = await verifyChecklist({
      app,
      binding: customer.binding,
      egressIps: platform.egressIps,
      onProgress: (event) =>
        progress(`  ${event.probe} probe ${event.state === "start" ? "…" : "done"}`),
    });
    clearProgress();
    reports.set(customer.key, report);
    output.line(renderChecklist(report, "text", { color: tty }).trimEnd());
  }

  const byKey = new Map(platform.customers.map((customer) => [customer.key, customer]));
  const factory = createTenantModelFactory({
    app,
    resolveTenant: (key) => {
      const customer = byKey.get(key);
      if (!customer) throw new Error(`no customer with key ${key}`);
      return customer.binding;
    },
  });
  const agentCustomer = byKey.get(platform.agentCustomer);
  const question =
    flags.question ??
    "Use get_order_status to check order 'A-1001', then convert_currency to turn its 120 EUR into USD.";
  output.line();
  output.line(
    bold(
      `Agent for ${agentCustomer?.name ?? platform.agentCustomer}, on its own Azure OpenAI model`,
    ),
  );
  output.line(`  User: ${question}`);
  if (platform.mock)
    output.line(
      dim("  (the mock's model answers by fixed rules: it calls the tools the prompt names)"),
    );
  await runAgent(factory, platform.agentCustomer, question, output);

  output.line();
  output.line(bold("Summary"));
  const rows = platform.customers.map((customer) => {
    const report = reports.get(customer.key);
    const counts = report?.summary.counts;
    const checked = counts ? counts.pass + counts.fail + counts.warn + counts.unknown : 0;
    const tenantId = String(customer.binding.tenantId).toLowerCase();
    const journal = platform.mock?.journal;
    const tokenRequests = journal ? journal.filter({ route: "token", tenantId }).length : undefined;
    const calls = journal
      ? journal
          .entries()
          .filter(
            (entry) =>
              entry.resourceTenantId === tenantId ||
              (entry.route === "arm" && entry.tenantId === tenantId),
          ).length
      : undefined;
    return [
      customer.name,
      `${counts?.pass ?? 0}/${checked} passed`,
      report?.summary.status ?? "not verified",
      tokenRequests === undefined ? "n/a" : String(tokenRequests),
      calls === undefined ? "n/a" : String(calls),
    ];
  });
  printTable(["customer", "checklist", "status", "token requests", "calls made"], rows);
  output.line(dim(`Finished in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
} catch (error) {
  clearProgress();
  if (error instanceof CrossTenantError) {
    console.error(`demo failed: ${error.code}: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await app.close();
  await platform.mock?.close();
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[]) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const format = (row: readonly string[]) =>
    `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ")}`.trimEnd();
  output.line(bold(format(header)));
  for (const row of rows) output.line(format(row));
}
