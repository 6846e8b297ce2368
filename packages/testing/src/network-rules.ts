import { isIPv4 } from "node:net";

const toNumber = (ip: string) =>
  ip.split(".").reduce((value, octet) => (value << 8) + Number(octet), 0) >>> 0;

/** Whether a string is an IPv4 address or an IPv4 CIDR range (`203.0.113.0/24`). */
export function isIpv4OrCidr(value: string): boolean {
  const [address, prefix, extra] = value.split("/");
  if (extra !== undefined || !address || !isIPv4(address)) return false;
  if (prefix === undefined) return true;
  return /^\d{1,2}$/.test(prefix) && Number(prefix) <= 32;
}

/** Whether an IPv4 address falls within a rule (an address or a CIDR range). */
export function ipMatchesRule(ip: string, rule: string): boolean {
  if (!isIPv4(ip) || !isIpv4OrCidr(rule)) return false;
  const [address = "", prefix = "32"] = rule.split("/");
  const bits = Number(prefix);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toNumber(ip) & mask) >>> 0 === (toNumber(address) & mask) >>> 0;
}

/** Strips the IPv4-mapped IPv6 prefix a dual-stack socket reports. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return "unknown";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
