import { describe, expect, it } from "vitest";
import { fragmentsOf, privateKeysOf, scanForSecrets } from "../support/secret-scan.js";
import { seededRandom } from "../support/seeded-random.js";

const token = [
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
  "eyJ0aWQiOiI3YzFlMGY1Mi0zMzMzLTQwMDAtODAwMC0wMDAwMDAwMDAwYzEifQ",
  "c2lnbmF0dXJlLW9mLXRoZS10b2tlbi10aGF0LWlzLWxvbmctZW5vdWdo",
].join(".");
const keyBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
const pem = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBszCCAVmgAwIBAgIUJ8b0c2VydGlmaWNhdGUtaXMtcHVibGljLWFuZC1ub3Q",
  "-----END CERTIFICATE-----",
  "-----BEGIN PRIVATE KEY-----",
  keyBody,
  "-----END PRIVATE KEY-----",
].join("\n");

describe("the secret scanner the suite relies on", () => {
  it("finds a token whole, URL-encoded, or by its signature alone", () => {
    const secrets = [{ kind: "access token" as const, value: token }];
    const signature = token.split(".")[2] ?? "";

    const hits = scanForSecrets(
      [
        { source: "whole", text: `Bearer ${token}` },
        { source: "encoded", text: `assertion=${encodeURIComponent(`${token}=`)}` },
        { source: "signature", text: `sig ${signature}` },
        { source: "clean", text: "tenant 7c1e0f52-3333-4000-8000-0000000000c1 acquired a token" },
      ],
      secrets,
    );

    expect(new Set(hits.map((hit) => hit.source))).toEqual(
      new Set(["whole", "encoded", "signature"]),
    );
  });

  it("finds any line of a private key, and takes only the key out of a PEM with its certificate", () => {
    const [key] = privateKeysOf(pem);
    if (!key) throw new Error("the PEM has a private key");

    expect(key).not.toContain("CERTIFICATE");
    expect(fragmentsOf({ kind: "private key", value: key })).toEqual([keyBody]);
    expect(
      scanForSecrets(
        [{ source: "log", text: `loaded ${keyBody}` }],
        [{ kind: "private key", value: key }],
      ),
    ).toEqual([{ source: "log", kind: "private key" }]);
  });

  it("reports where a secret was found without repeating it", () => {
    const hits = scanForSecrets(
      [{ source: "error", text: `secret=S3cr3t~value-1234` }],
      [{ kind: "client secret", value: "S3cr3t~value-1234" }],
    );

    expect(JSON.stringify(hits)).not.toContain("S3cr3t");
  });
});

describe("the seeded random source", () => {
  it("replays the same sequence from the same seed", () => {
    const first = seededRandom(42);
    const second = seededRandom(42);

    const draws = Array.from({ length: 50 }, () => [first.next(), second.next()]);

    expect(draws.every(([left, right]) => left === right)).toBe(true);
    expect(new Set(draws.map(([left]) => left)).size).toBe(50);
    expect(draws.every(([left]) => left !== undefined && left >= 0 && left < 1)).toBe(true);
  });
});
