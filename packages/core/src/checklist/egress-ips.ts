import { ConfigurationError, type ConfigurationIssue } from "../errors.js";

/**
 * Azure allows at most this many IP rules on one Cognitive Services account.
 *
 * @example
 * ```ts
 * import { MAX_EGRESS_IP_RULES } from "@crosstenant/core";
 * if (egressIps.length > MAX_EGRESS_IP_RULES) console.error("merge addresses into CIDR ranges");
 * ```
 */
export const MAX_EGRESS_IP_RULES = 100;

/** The shortest CIDR prefix accepted: anything wider opens a large part of the internet. */
const MIN_PREFIX_LENGTH = 8;

interface Ipv4Range {
  readonly first: number;
  readonly last: number;
}

interface RefusedRange extends Ipv4Range {
  readonly cidr: string;
  readonly reason: string;
}

const refusedRanges: readonly RefusedRange[] = [
  ["0.0.0.0/8", "'this network' (0.0.0.0/8) is not a routable source address"],
  ["10.0.0.0/8", "is a private address (10.0.0.0/8)"],
  ["100.64.0.0/10", "is a carrier-grade NAT address (100.64.0.0/10), not the public egress IP"],
  ["127.0.0.0/8", "is a loopback address (127.0.0.0/8)"],
  ["169.254.0.0/16", "is a link-local address (169.254.0.0/16)"],
  ["172.16.0.0/12", "is a private address (172.16.0.0/12)"],
  ["192.0.0.0/24", "is reserved for IETF protocol assignments (192.0.0.0/24)"],
  ["192.168.0.0/16", "is a private address (192.168.0.0/16)"],
  ["198.18.0.0/15", "is reserved for network benchmarking (198.18.0.0/15)"],
  ["224.0.0.0/4", "is a multicast address (224.0.0.0/4)"],
  ["240.0.0.0/4", "is reserved (240.0.0.0/4, including the broadcast address)"],
].map(([cidr, reason]) => {
  const range = parseIpv4Cidr(cidr as string);
  if (!range) throw new Error(`invalid built-in range ${cidr}`);
  return { ...range, cidr: cidr as string, reason: reason as string };
});

/**
 * Parses a dotted-quad IPv4 address strictly (four decimal parts, 0–255, no leading zeros) into
 * its 32-bit value, or returns undefined.
 */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;

  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Parses `a.b.c.d` or `a.b.c.d/n` into the inclusive range of addresses it covers. */
export function parseIpv4Cidr(text: string): (Ipv4Range & { prefix: number }) | undefined {
  const [address, prefixText, extra] = text.split("/");
  if (address === undefined || extra !== undefined) return undefined;

  const base = parseIpv4(address);
  if (base === undefined) return undefined;
  if (prefixText === undefined) return { first: base, last: base, prefix: 32 };
  if (!/^(0|[1-9][0-9]?)$/.test(prefixText)) return undefined;

  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(base / size) * size;
  return { first, last: first + size - 1, prefix };
}

/** Whether an IPv4 address or CIDR lies entirely inside one of the given rules (IPs or CIDRs). */
export function isCoveredByRules(ipOrCidr: string, rules: readonly string[]): boolean {
  const range = parseIpv4Cidr(ipOrCidr);
  if (!range) return false;
  return rules.some((rule) => {
    const ruleRange = parseIpv4Cidr(rule);
    return (
      ruleRange !== undefined && ruleRange.first <= range.first && range.last <= ruleRange.last
    );
  });
}

const formatIpv4 = (value: number) =>
  [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");

function checkEntry(entry: unknown): { value: string } | { problem: string } {
  if (typeof entry !== "string") return { problem: "must be a string such as 203.0.113.10" };

  const text = entry.trim();
  if (text.includes(":")) {
    return { problem: "is IPv6; Azure OpenAI IP rules accept public IPv4 addresses only" };
  }
  const range = parseIpv4Cidr(text);
  if (!range) {
    return { problem: "is not an IPv4 address (203.0.113.10) or CIDR range (203.0.113.0/24)" };
  }

  const [address] = text.split("/");
  if (range.prefix < 32 && parseIpv4(address ?? "") !== range.first) {
    return {
      problem: `has host bits set; write the range as ${formatIpv4(range.first)}/${range.prefix}, or give the single address without a prefix`,
    };
  }
  if (range.prefix < MIN_PREFIX_LENGTH) {
    return {
      problem: `is wider than /${MIN_PREFIX_LENGTH}; an allowlist that broad protects nothing`,
    };
  }
  if (range.prefix === 31) {
    return {
      problem: `is a /31, which Azure does not accept as a range; list ${formatIpv4(range.first)} and ${formatIpv4(range.last)} as two addresses`,
    };
  }
  const refused = refusedRanges.find((r) => range.first <= r.last && r.first <= range.last);
  if (refused) {
    return {
      problem: `${refused.reason}; Azure accepts only public IPv4 addresses in IP rules. Give the platform's public egress (NAT) address instead`,
    };
  }
  return { value: range.prefix === 32 ? formatIpv4(range.first) : text };
}

/**
 * Validates and normalizes the platform's egress IPs: the public IPv4 addresses or CIDR ranges
 * a customer adds to their resource's IP rules.
 *
 * Accepted: public IPv4 addresses and CIDR ranges from /8 to /30 (a `/32` becomes the plain
 * address). Refused, each with the reason: IPv6, private ranges (10/8, 172.16/12, 192.168/16),
 * loopback, link-local, carrier-grade NAT (100.64/10), 0.0.0.0/8, 192.0.0.0/24, benchmarking
 * (198.18/15), multicast and reserved ranges, `/31`, ranges wider than /8, ranges with host bits
 * set. The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are accepted on
 * purpose: they are what examples and the mock use, and Azure does not refuse them. Surrounding
 * spaces are trimmed, exact duplicates removed (first occurrence kept), and at most
 * {@link MAX_EGRESS_IP_RULES} rules remain.
 *
 * @throws {ConfigurationError} listing every bad entry under `egressIps.<index>`.
 * @example
 * ```ts
 * import { normalizeEgressIps } from "@crosstenant/core";
 * normalizeEgressIps(["203.0.113.10", " 198.51.100.0/24", "203.0.113.10/32"]);
 * // ["203.0.113.10", "198.51.100.0/24"]
 * ```
 */
export function normalizeEgressIps(input: unknown): readonly string[] {
  if (!Array.isArray(input)) {
    throw new ConfigurationError(
      'Invalid egressIps: expected an array of public IPv4 addresses or CIDR ranges, such as ["203.0.113.10"].',
      {
        issues: [{ path: "egressIps", message: "must be an array of strings" }],
        checklistItem: "network-access",
      },
    );
  }

  const issues: ConfigurationIssue[] = [];
  const accepted: string[] = [];
  input.forEach((entry: unknown, index) => {
    const checked = checkEntry(entry);
    if ("problem" in checked) {
      const shown = typeof entry === "string" ? JSON.stringify(entry) : String(entry);
      issues.push({ path: `egressIps.${index}`, message: `${shown} ${checked.problem}` });
    } else if (!accepted.includes(checked.value)) {
      accepted.push(checked.value);
    }
  });
  if (accepted.length > MAX_EGRESS_IP_RULES) {
    issues.push({
      path: "egressIps",
      message: `${accepted.length} distinct entries, but Azure allows at most ${MAX_EGRESS_IP_RULES} IP rules per resource; merge addresses into CIDR ranges`,
    });
  }

  if (issues.length > 0) {
    const listed = issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join("\n");
    throw new ConfigurationError(
      `Invalid egressIps: ${issues.length} problem${issues.length === 1 ? "" : "s"}; fix each entry and retry.\n${listed}`,
      { issues, checklistItem: "network-access" },
    );
  }
  return Object.freeze(accepted);
}
