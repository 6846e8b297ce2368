import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { Agent, fetch as undiciFetch } from "undici";
import type { CloudDefinition } from "./cloud.js";

/** Options of {@link createCloudFetch}. */
export interface CloudFetchOptions {
  /**
   * Local address to send from. Only meaningful on loopback (a test calling the mock from
   * 127.0.0.2 to be seen as another egress IP).
   */
  readonly localAddress?: string;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const isLocalhostName = (hostname: string) =>
  hostname === "localhost" || hostname.endsWith(".localhost");

/**
 * Returns the `fetch` to use for a cloud's hosts. For the built-in clouds it is the global
 * `fetch`, trusting the public roots. For a defined cloud with a private CA (the mock), it trusts
 * that CA only, and, when the cloud allows loopback, resolves `*.localhost` names to 127.0.0.1 as
 * RFC 6761 asks, so per-resource host names work without DNS. Certificate verification stays on.
 * Every call for the same cloud returns the same fetch, so callers share its connection pool.
 *
 * @example
 * ```ts
 * import { clouds, createCloudFetch } from "@crosstenant/core";
 * const fetchForCloud = createCloudFetch(clouds.public); // globalThis.fetch
 * ```
 */
export function createCloudFetch(
  cloud: CloudDefinition,
  options: CloudFetchOptions = {},
): typeof globalThis.fetch {
  if (!cloud.caPem && !cloud.allowLoopback && !options.localAddress) return globalThis.fetch;
  if (options.localAddress) return dispatchingFetch(cloud, options.localAddress);

  let shared = sharedFetches.get(cloud);
  if (!shared) {
    shared = dispatchingFetch(cloud, undefined);
    sharedFetches.set(cloud, shared);
  }
  return shared;
}

// One transport (connection pool, TLS sessions) per defined cloud, shared by every caller: the
// token-free probes, every tenant's models and the mock's own fetch.
const sharedFetches = new WeakMap<CloudDefinition, typeof globalThis.fetch>();

function dispatchingFetch(
  cloud: CloudDefinition,
  localAddress: string | undefined,
): typeof globalThis.fetch {
  const lookup = (hostname: string, lookupOptions: { all?: boolean }, callback: LookupCallback) => {
    if (cloud.allowLoopback && isLocalhostName(hostname)) {
      if (lookupOptions.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
      else callback(null, "127.0.0.1", 4);
      return;
    }
    dnsLookup(hostname, lookupOptions as never, callback as never);
  };
  // undici reads localAddress from the Agent options and passes it to connect itself, overriding
  // any connect.localAddress with null.
  const dispatcher = new Agent({
    ...(localAddress ? { localAddress } : {}),
    connect: {
      ...(cloud.caPem ? { ca: cloud.caPem } : {}),
      lookup: lookup as never,
    },
  });
  const cloudFetch = (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never);
  return cloudFetch as unknown as typeof globalThis.fetch;
}
