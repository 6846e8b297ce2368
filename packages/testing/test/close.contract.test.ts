import { connect } from "node:net";
import { startMockAzure } from "@crosstenant/testing";
import { describe, expect, it, vi } from "vitest";

// Alone in its file, so the worker holds no other socket while handles are counted.
const tcpHandles = () =>
  process.getActiveResourcesInfo().filter((name) => name.startsWith("TCP")).length;

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

describe("close", () => {
  it("closes every socket and leaves no handle open", async () => {
    const before = tcpHandles();
    const mock = await startMockAzure();
    const keepAlive = await mock.fetch(
      `${mock.authorityHost}/${mock.defaults.homeTenantId}/v2.0/.well-known/openid-configuration`,
    );
    await keepAlive.text();
    expect(tcpHandles()).toBeGreaterThan(before);

    await mock.close();

    expect(await refused(mock.port)).toBe(true);
    await vi.waitFor(() => expect(tcpHandles()).toBe(before));
  });
});
