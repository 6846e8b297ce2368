import { ConfigurationError, MAX_EGRESS_IP_RULES, normalizeEgressIps } from "@crosstenant/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCoveredByRules } from "../src/checklist/egress-ips.js";

function issuesOf(input: unknown): readonly { path: string; message: string }[] {
  try {
    normalizeEgressIps(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe("CONFIGURATION_INVALID");
    expect((error as ConfigurationError).checklistItem).toBe("network-access");
    return (error as ConfigurationError).issues;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe("normalizeEgressIps", () => {
  it("accepts public addresses and CIDR ranges, including the documentation ranges", () => {
    expect(
      normalizeEgressIps([
        "20.50.1.2",
        "203.0.113.10",
        "198.51.100.0/24",
        "192.0.2.7",
        "52.0.0.0/8",
      ]),
    ).toEqual(["20.50.1.2", "203.0.113.10", "198.51.100.0/24", "192.0.2.7", "52.0.0.0/8"]);
  });

  it("trims spaces, turns a /32 into the plain address and removes duplicates", () => {
    expect(normalizeEgressIps([" 203.0.113.10", "203.0.113.10/32", "203.0.113.10 "])).toEqual([
      "203.0.113.10",
    ]);
  });

  it.each([
    ["10.1.2.3", "private address (10.0.0.0/8)"],
    ["172.16.0.1", "private address (172.16.0.0/12)"],
    ["172.31.255.255", "private address (172.16.0.0/12)"],
    ["192.168.1.1", "private address (192.168.0.0/16)"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["0.0.0.0", "0.0.0.0/8"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["198.18.0.1", "benchmarking"],
    ["192.0.0.8", "IETF"],
    ["8.0.0.0/6", "wider than /8"],
    ["0.0.0.0/0", "wider than /8"],
    ["10.0.0.0/7", "wider than /8"],
    ["11.0.0.0/7", "host bits set; write the range as 10.0.0.0/7"],
    ["172.0.0.0/10", "private address (172.16.0.0/12)"],
    ["203.0.113.10/24", "host bits set; write the range as 203.0.113.0/24"],
    ["203.0.113.11/31", "host bits set"],
    ["203.0.113.10/33", "is not an IPv4 address"],
    ["203.0.113.8/31", "list 203.0.113.8 and 203.0.113.9 as two addresses"],
    ["2001:db8::1", "IPv6"],
    ["::ffff:203.0.113.10", "IPv6"],
    ["203.0.113", "is not an IPv4 address"],
    ["203.0.113.010", "is not an IPv4 address"],
    ["203.0.113.256", "is not an IPv4 address"],
    ["0x7f.0.0.1", "is not an IPv4 address"],
    ["2130706433", "is not an IPv4 address"],
    ["203.0.113.10/", "is not an IPv4 address"],
    ["203.0.113.10/24/1", "is not an IPv4 address"],
    ["example.com", "is not an IPv4 address"],
    ["", "is not an IPv4 address"],
  ])("refuses %j: %s", (entry, meaning) => {
    const issues = issuesOf([entry]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("egressIps.0");
    expect(issues[0]?.message).toContain(meaning);
  });

  it("lists every bad entry by index in one error, and says what Azure accepts", () => {
    try {
      normalizeEgressIps(["203.0.113.10", "10.0.0.1", 42, "192.168.0.0/16"]);
      expect.unreachable();
    } catch (error) {
      const configuration = error as ConfigurationError;
      expect(configuration.issues.map((issue) => issue.path)).toEqual([
        "egressIps.1",
        "egressIps.2",
        "egressIps.3",
      ]);
      expect(configuration.message).toContain("3 problems");
      expect(configuration.message).toContain('"10.0.0.1"');
      expect(configuration.message).toContain("public IPv4");
    }
  });

  it(`refuses more than ${MAX_EGRESS_IP_RULES} distinct rules, counting after duplicates are removed`, () => {
    const many = Array.from(
      { length: 101 },
      (_, i) => `20.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    );
    const issues = issuesOf(many);
    expect(issues).toEqual([expect.objectContaining({ path: "egressIps" })]);
    expect(issues[0]?.message).toContain("at most 100");

    const hundredWithDuplicates = [...many.slice(0, 100), ...many.slice(0, 100)];
    expect(normalizeEgressIps(hundredWithDuplicates)).toHaveLength(100);
  });

  it("refuses a value that is not an array", () => {
    expect(issuesOf("203.0.113.10")).toEqual([
      { path: "egressIps", message: "must be an array of strings" },
    ]);
  });
});

describe("egress IP properties", () => {
  const refused: [number, number][] = [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4],
  ].map(([base, prefix]) => {
    const start = (base as string)
      .split(".")
      .reduce((value, octet) => value * 256 + Number(octet), 0);
    return [start, start + 2 ** (32 - (prefix as number)) - 1];
  });
  const dotted = (value: number) =>
    [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
  const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });

  it("accepts an address exactly when it lies outside every refused range", () => {
    fc.assert(
      fc.property(address, (value) => {
        const inRefused = refused.some(([first, last]) => first <= value && value <= last);
        let accepted = true;
        try {
          normalizeEgressIps([dotted(value)]);
        } catch {
          accepted = false;
        }
        return accepted === !inRefused;
      }),
      { numRuns: 2_000 },
    );
  });

  it("is idempotent and keeps the first occurrence of each entry", () => {
    const publicAddress = address
      .filter((value) => !refused.some(([first, last]) => first <= value && value <= last))
      .map(dotted);
    fc.assert(
      fc.property(fc.array(publicAddress, { maxLength: 60 }), (list) => {
        const once = normalizeEgressIps([...list, ...list]);
        expect(normalizeEgressIps(once)).toEqual(once);
        expect(once).toEqual([...new Set(list)]);
      }),
    );
  });

  it("finds every address of a range covered by that range, and none just outside", () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 8, max: 32 }), fc.nat(), (value, prefix, offset) => {
        const size = 2 ** (32 - prefix);
        const first = Math.floor(value / size) * size;
        const rule = `${dotted(first)}/${prefix}`;
        expect(isCoveredByRules(dotted(first + (offset % size)), [rule])).toBe(true);
        if (first > 0) expect(isCoveredByRules(dotted(first - 1), [rule])).toBe(false);
        if (first + size <= 2 ** 32 - 1)
          expect(isCoveredByRules(dotted(first + size), [rule])).toBe(false);
      }),
    );
  });
});
