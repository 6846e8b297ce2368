/** Something the run produced that must never be written anywhere readable. */
export interface Secret {
  /** What it is, for the report (never the value). */
  readonly kind: "client secret" | "private key" | "access token" | "client assertion";
  readonly value: string;
}

/** A place text was captured from: a log line, an error, a serialized model, … */
export interface Haystack {
  readonly source: string;
  readonly text: string;
}

/** Where a secret was found; holds no part of the secret. */
export interface SecretHit {
  readonly source: string;
  readonly kind: Secret["kind"];
}

/**
 * The fragments of a secret that give it away on their own: the whole value and its
 * URL-encoded form; for a JWT its signature; for a PEM private key every line of its body.
 */
export function fragmentsOf(secret: Secret): string[] {
  const fragments = new Set([secret.value, encodeURIComponent(secret.value)]);
  if (secret.kind === "access token" || secret.kind === "client assertion") {
    const signature = secret.value.split(".")[2];
    if (signature && signature.length >= 32) fragments.add(signature);
  }
  if (secret.kind === "private key") {
    fragments.delete(secret.value);
    fragments.delete(encodeURIComponent(secret.value));
    for (const line of secret.value.split(/\r?\n/)) {
      if (line.length >= 32 && !line.startsWith("-----")) fragments.add(line.trim());
    }
  }
  return [...fragments].filter((fragment) => fragment.length >= 12);
}

/** The private key blocks of a PEM (certificate blocks are public and left out). */
export function privateKeysOf(pem: string): string[] {
  return (
    pem.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g) ?? []
  );
}

/** Every place any fragment of any secret appears. */
export function scanForSecrets(
  haystacks: readonly Haystack[],
  secrets: readonly Secret[],
): SecretHit[] {
  const needles = secrets.flatMap((secret) =>
    fragmentsOf(secret).map((fragment) => ({ fragment, kind: secret.kind })),
  );
  const hits: SecretHit[] = [];
  for (const haystack of haystacks) {
    for (const needle of needles) {
      if (haystack.text.includes(needle.fragment)) {
        hits.push({ source: haystack.source, kind: needle.kind });
      }
    }
  }
  return hits;
}
