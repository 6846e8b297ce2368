import { createHash } from "node:crypto";

/** The first `length` hex digits of the SHA-256 of `text`: a stable id part. */
export function hashHex(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A pseudo-random sequence in [-1, 1) fully determined by `seed` (xorshift128, seeded from the
 * SHA-256 of the seed). Cheap enough to draw thousands of values per word of an embedding.
 */
export function seededSequence(seed: string): () => number {
  const digest = createHash("sha256").update(seed).digest();
  // A zero state would stay zero forever; `| 1` rules it out whatever the digest.
  let a = digest.readUInt32LE(0) | 1;
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return d / 2 ** 31 - 1;
  };
}
