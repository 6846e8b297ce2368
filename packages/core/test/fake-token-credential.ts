import { randomUUID } from "node:crypto";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/** One getToken call the fake received. */
export interface FakeTokenCall {
  readonly scope: string;
  readonly tenantId: string | undefined;
  readonly abortSignal: AbortSignal | undefined;
}

/** What the fake answers to one call: a token lifetime, an error to throw, or a custom token. */
export type FakeReply =
  | { readonly lifetimeInMs: number; readonly tid?: string }
  | { readonly error: Error }
  | { readonly token: string; readonly lifetimeInMs: number }
  | { readonly never: true };

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned JWT shaped like an Entra ID app-only token; only the claims matter here. */
export function fakeJwt(claims: { tid: string; exp: number }): string {
  const header = encode({ typ: "JWT", alg: "RS256", kid: "fake" });
  const payload = encode({
    aud: "https://cognitiveservices.azure.com",
    iss: `https://sts.windows.net/${claims.tid}/`,
    oid: randomUUID(),
    idtyp: "app",
    ...claims,
  });
  return `${header}.${payload}.c2lnbmF0dXJl`;
}

/**
 * A TokenCredential that issues unsigned JWTs for the tenant it is asked about. Each reply can
 * be scripted, and a gate holds replies back until the test opens it, so tests observe what
 * callers do while a request is in flight without measuring time.
 */
export class FakeTokenCredential implements TokenCredential {
  readonly calls: FakeTokenCall[] = [];
  readonly #replies: FakeReply[] = [];
  #gate: Promise<void> | undefined;
  #openGate: (() => void) | undefined;
  defaultLifetimeInMs = 3_600_000;

  /** Scripts the next replies, in order; after them every call gets a token. */
  reply(...replies: FakeReply[]): this {
    this.#replies.push(...replies);
    return this;
  }

  /** Holds every reply until {@link open} is called. */
  hold(): this {
    this.#gate = new Promise((resolve) => {
      this.#openGate = resolve;
    });
    return this;
  }

  open(): void {
    this.#openGate?.();
    this.#gate = undefined;
  }

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
    const abortSignal = options.abortSignal as AbortSignal | undefined;
    this.calls.push({ scope, tenantId: options.tenantId, abortSignal });
    const reply = this.#replies.shift() ?? { lifetimeInMs: this.defaultLifetimeInMs };
    if (this.#gate) await this.#gate;

    if ("never" in reply) return new Promise<AccessToken>(() => undefined);
    if ("error" in reply) throw reply.error;
    const expiresOnTimestamp = Date.now() + reply.lifetimeInMs;
    if ("token" in reply) return { token: reply.token, expiresOnTimestamp };
    const tid = reply.tid ?? options.tenantId ?? "";
    return {
      token: fakeJwt({ tid, exp: Math.floor(expiresOnTimestamp / 1000) }),
      expiresOnTimestamp,
    };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `predicate` holds, checking every few milliseconds. */
export async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await sleep(5);
}
