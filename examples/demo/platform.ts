import { readFile } from "node:fs/promises";
import {
  type BuiltInCloudName,
  ConfigurationError,
  type PlatformAppOptions,
  type TenantBindingInput,
} from "@crosstenant/core";
import { defaultScenario, type MockAzure, startMockAzure } from "@crosstenant/testing";
import { z } from "zod";

/** One customer of the demo platform: a name to show and its tenant binding. */
export interface DemoCustomer {
  readonly key: string;
  readonly name: string;
  readonly binding: TenantBindingInput;
}

/** What the demo runs against: the platform app, its customers, and how to count traffic. */
export interface DemoPlatform {
  readonly appOptions: PlatformAppOptions;
  readonly egressIps: readonly string[];
  readonly customers: readonly DemoCustomer[];
  /** Which customer the agent runs for. */
  readonly agentCustomer: string;
  /** Where the platform runs: the embedded mock, or the real Azure of a configuration file. */
  readonly target: string;
  /** The embedded mock, when the demo runs on it (its journal counts the traffic). */
  readonly mock?: MockAzure;
}

const northwind = {
  tenantId: "5e7a9c1b-aaaa-4000-8000-0000000000d3",
  servicePrincipalId: "c2d4e6f8-bbbb-4000-8000-0000000000d3",
  subscriptionId: "9a8b7c6d-cccc-4000-8000-0000000000d3",
  resource: "northwind-openai",
};

/**
 * Starts the embedded mock with three customers: Contoso, set up completely; Fabrikam, which
 * never consented the platform app; and Northwind, which consented but assigned no role and did
 * not allow the platform's egress IP.
 */
export async function startMockPlatform(): Promise<DemoPlatform> {
  const scenario = defaultScenario();
  const ready = scenario.resources[0];
  if (!ready) throw new Error("the default mock scenario has no resource");
  const appId = scenario.apps[0]?.clientId ?? "";
  scenario.tenants.push({
    tenantId: northwind.tenantId,
    displayName: "Northwind",
    servicePrincipals: [{ appId, objectId: northwind.servicePrincipalId, disabled: false }],
  });
  scenario.resources.push({
    ...ready,
    name: northwind.resource,
    tenantId: northwind.tenantId,
    subscriptionId: northwind.subscriptionId,
    roleAssignments: [],
    network: { ...ready.network, defaultAction: "Deny", ipRules: ["198.51.100.0/28"] },
  });

  const mock = await startMockAzure({ scenario });
  const { defaults } = mock;
  const customer = (
    key: string,
    name: string,
    tenant: { tenantId: string; endpoint: string; armResourceId: string },
  ): DemoCustomer => ({
    key,
    name,
    binding: {
      tenantId: tenant.tenantId,
      endpoint: tenant.endpoint,
      deployments: [defaults.tenants.ready.deployments.chat],
      cloud: mock.cloud,
      armResourceId: tenant.armResourceId,
      displayName: name,
    },
  });
  const readyTenant = defaults.tenants.ready;
  const northwindEndpoint = mock.endpoints[northwind.resource] ?? "";

  return {
    appOptions: {
      clientId: defaults.clientId,
      homeTenantId: defaults.homeTenantId,
      credential: { kind: "certificate", certificatePem: defaults.certificate },
      cloud: mock.cloud,
    },
    egressIps: [defaults.egressIp],
    customers: [
      customer("contoso", "Contoso", readyTenant),
      customer("fabrikam", "Fabrikam", defaults.tenants.unconsented),
      customer("northwind", "Northwind", {
        tenantId: northwind.tenantId,
        endpoint: northwindEndpoint,
        armResourceId: readyTenant.armResourceId
          .replace(readyTenant.subscriptionId, northwind.subscriptionId)
          .replace(readyTenant.resource, northwind.resource),
      }),
    ],
    agentCustomer: "contoso",
    target: `the embedded mock Azure at ${mock.authorityHost}`,
    mock,
  };
}

const guid = z.guid("must be a GUID");

const platformConfigSchema = z
  .object({
    app: z
      .object({
        clientId: guid,
        homeTenantId: guid,
        cloud: z.enum(["public", "usGovernment", "china"]).default("public"),
        credential: z.discriminatedUnion("kind", [
          z.object({ kind: z.literal("certificate"), certificatePath: z.string().min(1) }).strict(),
          z.object({ kind: z.literal("managedIdentity"), clientId: guid }).strict(),
          z
            .object({ kind: z.literal("workloadIdentity"), tokenFilePath: z.string().min(1) })
            .strict(),
          z
            .object({ kind: z.literal("secretFromEnvironment"), variable: z.string().min(1) })
            .strict(),
        ]),
      })
      .strict(),
    egressIps: z.array(z.string()).min(1),
    customers: z
      .array(
        z
          .object({
            key: z.string().min(1),
            name: z.string().min(1),
            tenantId: z.string(),
            endpoint: z.string(),
            deployments: z.array(z.string()).min(1),
            armResourceId: z.string().optional(),
            apiVersion: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
    agentCustomer: z.string().optional(),
  })
  .strict();

/** The platform configuration file for a run against real Azure; see `examples/demo/README.md`. */
export type PlatformConfig = z.input<typeof platformConfigSchema>;

/** Reads a platform configuration file, for a run against real Azure. */
export async function loadPlatformConfig(path: string): Promise<DemoPlatform> {
  const parsed = platformConfigSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
  if (!parsed.success)
    throw ConfigurationError.fromZod(`platform configuration ${path}`, parsed.error);

  const config = parsed.data;
  const cloud: BuiltInCloudName = config.app.cloud;
  const { credential } = config.app;
  const secret =
    credential.kind === "secretFromEnvironment" ? process.env[credential.variable] : undefined;
  if (credential.kind === "secretFromEnvironment" && !secret) {
    throw new ConfigurationError(
      `The platform configuration reads the client secret from $${credential.variable}, which is not set.`,
      { issues: [{ path: "app.credential.variable", message: "environment variable not set" }] },
    );
  }
  return {
    appOptions: {
      clientId: config.app.clientId,
      homeTenantId: config.app.homeTenantId,
      cloud,
      credential:
        credential.kind === "secretFromEnvironment"
          ? { kind: "secret", clientSecret: secret ?? "" }
          : credential,
    },
    egressIps: config.egressIps,
    customers: config.customers.map(({ key, name, ...binding }) => ({
      key,
      name,
      binding: { ...binding, cloud, displayName: name },
    })),
    agentCustomer: config.agentCustomer ?? config.customers[0]?.key ?? "",
    target: `real Azure (${cloud} cloud), configured by ${path}`,
  };
}
