import type { PromptValues } from "./prompt-values.js";

/**
 * A value of a string `format`, or undefined for a format the mock does not generate (the
 * string is then generated as a plain one). `variant` (an item's position in its array) makes
 * array items distinct; dates come from the prompt first.
 */
export function formattedString(
  format: string,
  variant: number,
  values: PromptValues,
): string | undefined {
  const nth = variant + 1;
  switch (format) {
    case "date":
      return values.nextDate() ?? addDays("2025-01-01", variant);
    case "date-time":
      return values.nextDateTime() ?? `${addDays("2025-01-01", variant)}T00:00:00Z`;
    case "time":
      return `12:00:${String(variant % 60).padStart(2, "0")}Z`;
    case "email":
    case "idn-email":
      return variant === 0 ? "user@example.com" : `user${nth}@example.com`;
    case "uri":
    case "url":
    case "iri":
    case "uri-reference":
    case "iri-reference":
      return variant === 0 ? "https://example.com/" : `https://example.com/${nth}`;
    case "uuid":
      return `00000000-0000-4000-8000-${variant.toString(16).padStart(12, "0")}`;
    case "hostname":
    case "idn-hostname":
      return variant === 0 ? "example.com" : `host${nth}.example.com`;
    case "ipv4":
      return `192.0.2.${nth % 256}`;
    case "ipv6":
      return `2001:db8::${nth.toString(16)}`;
    case "duration":
      return `P${nth}D`;
    default:
      return undefined;
  }
}

function addDays(date: string, days: number): string {
  const moment = new Date(`${date}T00:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
}
