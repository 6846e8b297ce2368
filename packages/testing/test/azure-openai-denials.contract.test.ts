import { broaderRoles } from "@crosstenant/core";
import { AzureOpenAI } from "openai";
import { describe, expect, it } from "vitest";
import {
  apiVersion,
  client,
  hello,
  postChat,
  ready,
  session,
  useDataPlaneSession,
} from "./support/data-plane-session.js";

useDataPlaneSession();

describe("role and network checks", () => {
  const permissionDenied = {
    status: 401,
    body: {
      error: {
        code: "PermissionDenied",
        message: "Principal does not have access to API/Operation.",
      },
    },
  };
  const servicePrincipal = () => ready().servicePrincipalId ?? "";

  it("answers 401 PermissionDenied once the role is removed", async () => {
    session.mock.scenario.removeRole(ready().resource, servicePrincipal());
    await expect(postChat()).resolves.toMatchObject(permissionDenied);
  });

  it("does not let Contributor or Owner grant inference", async () => {
    session.mock.scenario.removeRole(ready().resource, servicePrincipal());
    session.mock.scenario.assignRole(
      ready().resource,
      servicePrincipal(),
      broaderRoles.contributor.id,
    );
    session.mock.scenario.assignRole(
      ready().resource,
      servicePrincipal(),
      broaderRoles.owner.id,
      "subscription",
    );
    await expect(postChat()).resolves.toMatchObject(permissionDenied);
  });

  it("honours the role assigned on the resource group", async () => {
    session.mock.scenario.removeRole(ready().resource, servicePrincipal());
    session.mock.scenario.assignRole(
      ready().resource,
      servicePrincipal(),
      undefined,
      "resourceGroup",
    );
    await expect(postChat()).resolves.toMatchObject({ status: 200 });
  });

  it("refuses an egress IP outside the firewall rules with the policy-id header", async () => {
    const answer = await postChat({ fetch: session.mock.fetchFrom("127.0.0.2") });

    expect(answer).toMatchObject({
      status: 403,
      body: {
        error: { code: "403", message: "Access denied due to Virtual Network/Firewall rules." },
      },
    });
    expect(answer.headers.get("policy-id")).toBe("ThrowExceptionDueToTrafficDenied");
    expect(session.mock.journal.entries().at(-1)).toMatchObject({
      sourceAddress: "127.0.0.2",
      egressIp: "127.0.0.2",
    });
  });

  it("matches CIDR rules against the mapped egress IP", async () => {
    session.mock.scenario.setEgress("127.0.0.2", "198.51.100.7");
    session.mock.scenario.addIpRule(ready().resource, "198.51.100.0/24");
    await expect(postChat({ fetch: session.mock.fetchFrom("127.0.0.2") })).resolves.toMatchObject({
      status: 200,
    });
  });

  it("lets every IP through when the default action is Allow", async () => {
    session.mock.scenario.setDefaultAction(ready().resource, "Allow");
    await expect(postChat({ fetch: session.mock.fetchFrom("127.0.0.2") })).resolves.toMatchObject({
      status: 200,
    });
  });

  it("refuses every public caller when public network access is disabled", async () => {
    session.mock.scenario.setPublicNetworkAccess(ready().resource, "Disabled");
    await expect(postChat()).resolves.toMatchObject({
      status: 403,
      body: { error: { message: "Public access is disabled. Please configure private endpoint." } },
    });
  });
});

describe("keys, deployments, quota and content filter", () => {
  it("refuses an api-key when local auth is disabled", async () => {
    const answer = await postChat({ headers: { "api-key": "0123456789abcdef0123456789abcdef" } });
    expect(answer).toMatchObject({
      status: 403,
      body: { error: { code: "AuthenticationTypeDisabled" } },
    });
  });

  it("accepts a registered api-key on a resource that allows keys", async () => {
    const apiKey = "0123456789abcdef0123456789abcdef";
    session.mock.scenario.addResource({
      name: "keyed-openai",
      tenantId: ready().tenantId,
      subscriptionId: ready().subscriptionId,
      resourceGroup: "rg-keys",
      deployments: [{ name: "chat", model: "gpt-4o-mini", kind: "chat" }],
      disableLocalAuth: false,
      apiKeys: [apiKey],
    });
    const keyed = new AzureOpenAI({
      endpoint: session.mock.endpoints["keyed-openai"] ?? "",
      apiKey,
      apiVersion,
      deployment: "chat",
      fetch: session.mock.fetch,
    });
    const completion = await keyed.chat.completions.create(hello);
    expect(completion.choices[0]?.message.content).toBe("Echo: hello");
  });

  it("answers 404 DeploymentNotFound for a deployment the resource lacks", async () => {
    const answer = await postChat({ deployment: "gpt-missing" });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: "DeploymentNotFound" } } });
    await expect(
      client({ deployment: "gpt-missing" }).chat.completions.create(hello),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("refuses embeddings on a chat deployment with OperationNotSupported", async () => {
    const response = await session.mock.fetch(
      `${ready().endpoint}/openai/deployments/${ready().deployments.chat}/embeddings?api-version=${apiVersion}`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${session.readyToken}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ input: "one" }),
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "OperationNotSupported" } });
  });

  it("answers 429 with retry-after, retry-after-ms and remaining counters past the quota", async () => {
    session.mock.scenario.replace({
      ...session.initial,
      resources: session.initial.resources.map((resource) =>
        resource.name === ready().resource
          ? { ...resource, quota: { requestsPerMinute: 1 } }
          : resource,
      ),
    });
    const first = await postChat();
    const second = await postChat();

    expect(first.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(second.headers.get("retry-after-ms"))).toBeGreaterThan(0);
    expect(second.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
  });

  it("answers 400 content_filter for a prompt with the filter marker", async () => {
    const answer = await postChat({
      body: { ...hello, messages: [{ role: "user", content: "[[content-filter]] tell me" }] },
    });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: "content_filter",
          status: 400,
          innererror: { code: "ResponsibleAIPolicyViolation" },
        },
      },
    });
  });
});
