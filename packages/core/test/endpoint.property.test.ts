import {
  type CloudDefinition,
  clouds,
  defineCloud,
  EndpointValidationError,
  type ParsedEndpoint,
  parseEndpoint,
} from "@crosstenant/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const loopbackCloud = defineCloud({
  name: "mock",
  authorityHost: "https://login.localhost:43210",
  openAIHostSuffixes: [".openai.localhost"],
  cognitiveServicesAudience: "https://cognitiveservices.azure.com",
  armEndpoint: "https://management.localhost:43210",
  allowLoopback: true,
  allowPorts: true,
});
const allClouds: readonly CloudDefinition[] = [...Object.values(clouds), loopbackCloud];

const labelChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-".split(""));
const resourceName = fc
  .array(labelChar, { minLength: 2, maxLength: 64 })
  .map((chars) => chars.join(""))
  .filter((name) => !name.startsWith("-") && !name.endsWith("-") && !name.startsWith("xn--"));
const validEndpoint = fc.record({
  cloud: fc.constantFrom(...allClouds),
  name: resourceName,
  suffixIndex: fc.nat(),
  trailingSlash: fc.boolean(),
});

function invariantsHold(endpoint: ParsedEndpoint, cloud: CloudDefinition) {
  const hostOnly = endpoint.host.replace(/:\d+$/, "");
  const suffix = cloud.openAIHostSuffixes.find((s) => hostOnly === endpoint.resourceName + s);
  expect(suffix).toBeDefined();
  expect(endpoint.url).toBe(`https://${endpoint.host}`);
  expect(endpoint.host).toBe(endpoint.host.toLowerCase());
  expect(endpoint.resourceName).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$/);
  if (!cloud.allowPorts) expect(endpoint.host).not.toContain(":");
  expect(new URL(endpoint.url).origin).toBe(endpoint.url);
}

/** Either throws the typed error or returns a result that satisfies every invariant. */
function parseOrTypedError(input: string, cloud: CloudDefinition) {
  try {
    const endpoint = parseEndpoint(input, { cloud });
    invariantsHold(endpoint, cloud);
    return endpoint;
  } catch (error) {
    if (!(error instanceof EndpointValidationError)) throw error;
    return undefined;
  }
}

// Ways to damage a valid endpoint string; each receives the host part and the whole URL.
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("userinfo" as const),
    text: fc.constantFrom("u@", "u:p@", "@", "a@b@"),
  }),
  fc.record({
    kind: fc.constant("port" as const),
    text: fc.constantFrom(":443", ":8443", ":", ":0"),
  }),
  fc.record({
    kind: fc.constant("prefix-label" as const),
    text: fc.constantFrom("evil.", "a.", "www.", "xn--80ak6aa92e.", "127.0.0.1."),
  }),
  fc.record({
    kind: fc.constant("suffix-append" as const),
    text: fc.constantFrom(".", ".evil.com", ".localhost", "..", ".127.0.0.1", "-evil.com", "%2e"),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    text: fc.constantFrom(
      "%2e",
      "%",
      "\\",
      "@",
      "\t",
      "\n",
      " ",
      "\u0000",
      "\u00ad",
      "\u200b",
      "。",
      "．",
      "ο",
      "е",
      "#",
      "?",
      "/",
      ";",
      ":",
    ),
    at: fc.nat(),
  }),
  fc.record({
    kind: fc.constant("case" as const),
    seed: fc.array(fc.boolean(), { maxLength: 80 }),
  }),
  fc.record({
    kind: fc.constant("replace-dot" as const),
    text: fc.constantFrom("-", "", "_", "。"),
    at: fc.nat(),
  }),
);

interface Mutation {
  readonly kind: string;
  readonly text?: string;
  readonly at?: number;
  readonly seed?: readonly boolean[];
}

function mutate(url: string, m: Mutation) {
  const host = url.slice("https://".length).replace(/\/$/, "");
  const text = m.text ?? "";
  switch (m.kind) {
    case "userinfo":
      return `https://${text}${host}`;
    case "port":
      return `https://${host}${text}`;
    case "prefix-label":
      return `https://${text}${host}`;
    case "suffix-append":
      return `https://${host}${text}`;
    case "insert": {
      const at = "https://".length + ((m.at ?? 0) % (host.length + 1));
      return url.slice(0, at) + text + url.slice(at);
    }
    case "case":
      return [...url].map((c, i) => (m.seed?.[i] ? c.toUpperCase() : c)).join("");
    default: {
      const dots = [...host.matchAll(/\./g)].map((match) => match.index);
      const index = dots[(m.at ?? 0) % Math.max(dots.length, 1)] ?? 0;
      return `https://${host.slice(0, index)}${text}${host.slice(index + 1)}`;
    }
  }
}

describe("parseEndpoint properties", () => {
  it("accepts every well-formed endpoint and keeps its invariants", () => {
    fc.assert(
      fc.property(validEndpoint, ({ cloud, name, suffixIndex, trailingSlash }) => {
        const suffix = cloud.openAIHostSuffixes[suffixIndex % cloud.openAIHostSuffixes.length];
        const port = cloud.allowPorts ? ":43211" : "";
        const endpoint = parseEndpoint(
          `https://${name}${suffix}${port}${trailingSlash ? "/" : ""}`,
          {
            cloud,
          },
        );
        invariantsHold(endpoint, cloud);
        expect(endpoint.resourceName).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it("never accepts a host outside the cloud's suffixes, whatever the mutation", () => {
    fc.assert(
      fc.property(validEndpoint, mutation, ({ cloud, name, suffixIndex }, m) => {
        const suffix = cloud.openAIHostSuffixes[suffixIndex % cloud.openAIHostSuffixes.length];
        const input = mutate(`https://${name}${suffix}`, m);
        const endpoint = parseOrTypedError(input, cloud);
        if (endpoint) {
          // Whatever survived the mutation must still be exactly one resource of this cloud.
          expect(
            cloud.openAIHostSuffixes.some((s) => endpoint.host.replace(/:\d+$/, "").endsWith(s)),
          ).toBe(true);
          expect(endpoint.host.replace(/:\d+$/, "").split(".").length).toBe(
            (suffix ?? "").split(".").length,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("only ever throws the typed error for arbitrary strings", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120, unit: "grapheme" }),
        fc.constantFrom(...allClouds),
        (input, cloud) => {
          parseOrTypedError(input, cloud);
          parseOrTypedError(`https://${input}`, cloud);
          parseOrTypedError(`https://${input}.openai.azure.com`, cloud);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("agrees with the WHATWG parser on the host of every accepted input", () => {
    const arbitraryHost = fc.stringMatching(/^[A-Za-z0-9.:@\-[\]]{1,40}$/);
    fc.assert(
      fc.property(arbitraryHost, fc.constantFrom(...allClouds), (host, cloud) => {
        for (const input of [
          `https://${host}`,
          `https://${host}.openai.azure.com`,
          `https://${host}.openai.localhost:1`,
        ]) {
          const endpoint = parseOrTypedError(input, cloud);
          if (endpoint) expect(new URL(input).host).toBe(new URL(endpoint.url).host);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
