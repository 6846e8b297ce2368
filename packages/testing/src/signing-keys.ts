import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";

type SigningCryptoKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

/** One RSA signing key: the mock signs with the private half and publishes the public JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: SigningCryptoKey;
  readonly publicKey: SigningCryptoKey;
  readonly publicJwk: JWK;
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = randomUUID().replaceAll("-", "");
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
  return { kid, privateKey, publicKey, publicJwk };
}

/**
 * Signing keys the mock holds: one per tenant (rotatable) and one for the mock workload-identity
 * issuer that mints federated tokens.
 */
export class SigningKeys {
  readonly #byTenant = new Map<string, SigningKey>();
  readonly #byKid = new Map<string, { key: SigningKey; tenantId: string }>();
  #federated: SigningKey | undefined;

  /** The current key of a tenant, made on first use. */
  async forTenant(tenantId: string): Promise<SigningKey> {
    const existing = this.#byTenant.get(tenantId);
    if (existing) return existing;
    const key = await createSigningKey();
    const raced = this.#byTenant.get(tenantId);
    if (raced) return raced;
    this.#byTenant.set(tenantId, key);
    this.#byKid.set(key.kid, { key, tenantId });
    return key;
  }

  /**
   * Replaces a tenant's key. Tokens signed with the old key stop validating, as they would once
   * Entra stops publishing a retired key.
   */
  async rotate(tenantId: string): Promise<SigningKey> {
    const previous = this.#byTenant.get(tenantId);
    if (previous) this.#byKid.delete(previous.kid);
    this.#byTenant.delete(tenantId);
    return this.forTenant(tenantId);
  }

  /** A published tenant key by `kid`, with the tenant it belongs to. */
  byKid(kid: string): { key: SigningKey; tenantId: string } | undefined {
    return this.#byKid.get(kid);
  }

  /** The key of the mock workload-identity issuer. */
  async federated(): Promise<SigningKey> {
    this.#federated ??= await createSigningKey();
    return this.#federated;
  }

  /** The federated issuer's key if already made. */
  federatedIfMade(): SigningKey | undefined {
    return this.#federated;
  }
}
