import type { TenantBinding } from "../binding.js";
import type { ChecklistItemId } from "../checklist-items.js";
import { diagnoseResponse } from "../diagnose.js";
import { CrossTenantError, OperationCancelledError } from "../errors.js";
import {
  assertEndpointInCloud,
  deploymentUrl,
  emptyChatBody,
  oneTokenChatBody,
  oneTokenEmbeddingsBody,
  withTimeout,
} from "./probes.js";
import type { Finding } from "./report-state.js";

/** What the data-plane probe needs. */
export interface DataPlaneProbeOptions {
  readonly binding: TenantBinding;
  readonly token: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutInMs: number;
  readonly abortSignal: AbortSignal | undefined;
  readonly probeDeployment: boolean;
  readonly clientId: string;
  readonly egressIps: readonly string[];
  /** The platform uses a private endpoint: a public-access refusal says where verify runs, not what is wrong. */
  readonly privateEndpoint: boolean;
}

type Findings = [ChecklistItemId, Finding][];

const authorized = (deployment: string): Findings => [
  ["tenant", { status: "pass", evidence: "The resource accepted a token of this tenant" }],
  ["role-assignment", { status: "pass", evidence: `Authorized on deployment ${deployment}` }],
  ["network-access", { status: "pass", evidence: "The resource's firewall let the probe in" }],
];

/** Steps a refusal leaves unverified, because Azure stops at the first failed check. */
const unverified = (ids: readonly ChecklistItemId[], why: string): Findings =>
  ids.map((id) => [id, { status: "unknown", evidence: `Not verified by the data plane: ${why}` }]);

async function send(
  options: DataPlaneProbeOptions,
  deployment: string,
  body: string,
  operation: "chat/completions" | "embeddings" = "chat/completions",
): Promise<{ response: Response; diagnosed: CrossTenantError | undefined }> {
  const url = deploymentUrl(options.binding, deployment, operation);
  assertEndpointInCloud(url, options.binding);
  return withTimeout(
    `The data-plane probe of deployment ${deployment}`,
    options.timeoutInMs,
    options.abortSignal,
    async (signal) => {
      const response = await options.fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
        body,
        signal,
      });
      const diagnosed = await diagnoseResponse(response, {
        tenantId: options.binding.tenantId,
        clientId: options.clientId,
        binding: options.binding,
        deployment,
        egressIps: options.egressIps,
      });
      await response.arrayBuffer().catch(() => undefined);
      return { response, diagnosed };
    },
  );
}

/**
 * Sends each deployment an empty chat request. Azure's front end checks the token, its tenant,
 * the role, the firewall and the deployment before the model reads the body (inferred from the
 * error order in Azure's documented failures; the mock does the same), so a 400 for the body
 * means every check passed, without spending a token. A refusal names the step; the steps Azure checks after
 * it stay unknown.
 */
export async function probeDataPlane(options: DataPlaneProbeOptions): Promise<Findings> {
  const findings: Findings = [];
  for (const deployment of options.binding.deployments) {
    let outcome: Awaited<ReturnType<typeof send>>;
    try {
      outcome = await send(options, deployment, emptyChatBody);
    } catch (error) {
      if (error instanceof OperationCancelledError && error.code === "ABORTED") throw error;
      const why = error instanceof CrossTenantError ? error.message : String(error);
      findings.push(...unverified(["role-assignment", "network-access", "deployment"], why));
      return findings;
    }

    const { response, diagnosed } = outcome;
    const code = diagnosed?.code;
    const fail = (id: ChecklistItemId, evidence: string): [ChecklistItemId, Finding] => [
      id,
      {
        status: "fail",
        evidence,
        fix: diagnosed?.message ?? "",
        ...(diagnosed ? { errorCode: diagnosed.code } : {}),
      },
    ];

    if (!diagnosed || code === "RATE_LIMITED") {
      if (response.status >= 500 || response.status === 401 || response.status === 403) {
        findings.push(
          ...unverified(
            ["role-assignment", "network-access", "deployment"],
            `HTTP ${response.status} from ${deployment}`,
          ),
        );
        return findings;
      }
      findings.push(...authorized(deployment));
      findings.push([
        "deployment",
        { status: "pass", evidence: `Deployment ${deployment} exists (HTTP ${response.status})` },
      ]);
      if (options.probeDeployment) findings.push(await completionProbe(options, deployment));
      continue;
    }

    if (code === "DEPLOYMENT_NOT_FOUND") {
      findings.push(...authorized(deployment));
      findings.push(fail("deployment", `Deployment ${deployment} not found (HTTP 404)`));
      continue;
    }
    if (code === "ROLE_MISSING") {
      findings.push(
        ["tenant", { status: "pass", evidence: "The resource accepted a token of this tenant" }],
        fail("role-assignment", `HTTP ${response.status} PermissionDenied on ${deployment}`),
        ...unverified(["network-access", "deployment"], "the role check failed first"),
      );
      return findings;
    }
    if (code === "PUBLIC_ACCESS_DISABLED" && options.privateEndpoint) {
      findings.push(
        [
          "network-access",
          {
            status: "unknown",
            evidence:
              "The probe reached the public endpoint, which is disabled: run verify from the platform's network (through the private endpoint) to test the path itself",
          },
        ],
        ...unverified(
          ["role-assignment", "deployment"],
          "the probe did not go through the private endpoint",
        ),
      );
      return findings;
    }
    if (code === "NETWORK_ACCESS_DENIED" || code === "PUBLIC_ACCESS_DISABLED") {
      findings.push(
        fail("network-access", `HTTP ${response.status} ${code} from the resource's firewall`),
        ...unverified(["role-assignment", "deployment"], "the firewall refused the probe"),
      );
      return findings;
    }
    const step = diagnosed.checklistItem ?? "tenant";
    findings.push(
      fail(step, `HTTP ${response.status} ${code} on ${deployment}`),
      ...unverified(
        (["role-assignment", "network-access", "deployment"] as const).filter((id) => id !== step),
        `${code} came first`,
      ),
    );
    return findings;
  }
  return findings;
}

async function completionProbe(
  options: DataPlaneProbeOptions,
  deployment: string,
): Promise<[ChecklistItemId, Finding]> {
  try {
    const { response, diagnosed } = await send(options, deployment, oneTokenChatBody);
    if (response.ok) {
      return [
        "deployment",
        { status: "pass", evidence: `Deployment ${deployment} answered a one-token completion` },
      ];
    }
    // An embeddings deployment refuses chat with 400; it gets a one-token embeddings request.
    if (response.status === 400 && !diagnosed) {
      const embeddings = await send(options, deployment, oneTokenEmbeddingsBody, "embeddings");
      if (embeddings.response.ok) {
        return [
          "deployment",
          {
            status: "pass",
            evidence: `Deployment ${deployment} answered a one-token embeddings request`,
          },
        ];
      }
    }
    return [
      "deployment",
      {
        status: "warn",
        evidence: `Deployment ${deployment} refused a one-token completion: HTTP ${response.status}${diagnosed ? ` ${diagnosed.code}` : ""}`,
        fix: diagnosed?.message ?? `Check deployment ${deployment} in Azure AI Foundry.`,
      },
    ];
  } catch (error) {
    if (error instanceof OperationCancelledError && error.code === "ABORTED") throw error;
    return [
      "deployment",
      {
        status: "unknown",
        evidence: `One-token completion of ${deployment} failed: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
}
