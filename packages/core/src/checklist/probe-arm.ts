import type { TenantBinding } from "../binding.js";
import type { ChecklistItemId } from "../checklist-items.js";
import { diagnose } from "../diagnose.js";
import { CrossTenantError, OperationCancelledError } from "../errors.js";
import { assessAccount, assessRoles } from "./assess-account.js";
import {
  armApiVersions,
  armErrorOf,
  assertArmHost,
  readJson,
  type VerifierApp,
  withTimeout,
} from "./probes.js";
import type { Finding } from "./report-state.js";
import type { Checklist } from "./types.js";

/** What the ARM probe needs. */
export interface ArmProbeOptions {
  readonly app: VerifierApp;
  readonly binding: TenantBinding;
  readonly checklist: Checklist;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutInMs: number;
  readonly abortSignal: AbortSignal | undefined;
  readonly principalObjectId: string | undefined;
  readonly endpointValid: boolean;
}

type Findings = [ChecklistItemId, Finding][];

const armSteps: readonly ChecklistItemId[] = [
  "custom-subdomain",
  "network-access",
  "deployment",
  "local-auth-disabled",
  "role-assignment",
];

const unknownAll = (why: string): Findings =>
  armSteps.map((id) => [id, { status: "unknown", evidence: `Not read from ARM: ${why}` }]);

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Reads the account, its deployments and the app's role assignments through ARM with an ARM
 * token of the customer tenant. The OpenAI User role includes read access to the account, so a
 * correctly set-up app can read what it is judged on.
 */
export async function probeArm(options: ArmProbeOptions): Promise<Findings> {
  const { app, binding, checklist } = options;
  const resourceId = binding.armResourceId as string;
  const cloud = binding.cloud;

  let armToken: string;
  try {
    const token = await withTimeout(
      "The ARM token request",
      options.timeoutInMs,
      options.abortSignal,
      (signal) => app.getToken(binding.tenantId, { scope: cloud.armScope, abortSignal: signal }),
    );
    armToken = token.token;
  } catch (error) {
    if (error instanceof OperationCancelledError && error.code === "ABORTED") throw error;
    const diagnosed = diagnose(error, {
      tenantId: binding.tenantId,
      clientId: app.clientId,
      binding,
    });
    const code = diagnosed instanceof CrossTenantError ? diagnosed.code : "unrecognized error";
    return unknownAll(`no ARM token (${code})`);
  }

  const get = async (path: string, query: Record<string, string>) => {
    const url = new URL(`${cloud.armEndpoint}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    assertArmHost(url, cloud);
    return withTimeout(
      `ARM GET ${url.pathname}`,
      options.timeoutInMs,
      options.abortSignal,
      async (signal) => {
        const response = await options.fetch(url, {
          headers: { authorization: `Bearer ${armToken}` },
          signal,
        });
        return { status: response.status, body: await readJson(response) };
      },
    );
  };

  let account: Awaited<ReturnType<typeof get>>;
  try {
    account = await get(resourceId, { "api-version": armApiVersions.account });
  } catch (error) {
    if (error instanceof OperationCancelledError && error.code === "ABORTED") throw error;
    return unknownAll(describe(error));
  }
  if (account.status !== 200) {
    // ARM's own message repeats the principal and the scope at length; the code says enough here,
    // and this line is shown under every step that depends on the account.
    const { code } = armErrorOf(account.body);
    const why =
      account.status === 404
        ? `the account ${resourceId} was not found (check the binding's armResourceId)`
        : `HTTP ${account.status} ${code} (the app can read the account only with a role on it)`;
    return unknownAll(why);
  }

  const findings: Findings = assessAccount(account.body, checklist, options.endpointValid);

  try {
    const deployments = await get(`${resourceId}/deployments`, {
      "api-version": armApiVersions.account,
    });
    const names = new Set(
      ((deployments.body as { value?: { name?: unknown }[] } | undefined)?.value ?? []).map((d) =>
        String(d.name),
      ),
    );
    if (deployments.status === 200) {
      for (const name of binding.deployments) {
        findings.push([
          "deployment",
          names.has(name)
            ? { status: "pass", evidence: `ARM lists deployment ${name}` }
            : {
                status: "fail",
                evidence: `ARM: no deployment named ${name} (found: ${[...names].join(", ") || "none"})`,
                fix: `Create deployment ${name} on the account, or remove it from the binding.`,
                errorCode: "DEPLOYMENT_NOT_FOUND",
              },
        ]);
      }
    } else {
      findings.push([
        "deployment",
        { status: "unknown", evidence: `ARM deployments: HTTP ${deployments.status}` },
      ]);
    }
  } catch (error) {
    if (error instanceof OperationCancelledError && error.code === "ABORTED") throw error;
    findings.push(["deployment", { status: "unknown", evidence: describe(error) }]);
  }

  if (!options.principalObjectId) {
    findings.push([
      "role-assignment",
      {
        status: "unknown",
        evidence: "Role assignments not read: no object id from a data-plane token",
      },
    ]);
    return findings;
  }
  try {
    const roles = await get(`${resourceId}/providers/Microsoft.Authorization/roleAssignments`, {
      $filter: `principalId eq '${options.principalObjectId}'`,
      "api-version": armApiVersions.roleAssignments,
    });
    const list = (roles.body as { value?: unknown[] } | undefined)?.value;
    findings.push([
      "role-assignment",
      roles.status === 200 && Array.isArray(list)
        ? assessRoles(list as never, checklist, options.principalObjectId)
        : { status: "unknown", evidence: `ARM role assignments: HTTP ${roles.status}` },
    ]);
  } catch (error) {
    if (error instanceof OperationCancelledError && error.code === "ABORTED") throw error;
    findings.push(["role-assignment", { status: "unknown", evidence: describe(error) }]);
  }
  return findings;
}
