// @peculiar/x509 resolves its internals through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { createHash, X509Certificate as NodeX509Certificate, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as never);

type KeyPair = webcrypto.CryptoKeyPair;

const ecKeyAlgorithm = { name: "ECDSA", namedCurve: "P-256" } as const;
const ecSigning = { name: "ECDSA", hash: "SHA-256" } as const;
const rsaKeyAlgorithm = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/** A TLS identity for the mock's one HTTPS server: its own CA, and a leaf for loopback names. */
export interface MockTlsMaterial {
  /** PEM of the per-instance CA: the only certificate a client needs to trust. */
  readonly caPem: string;
  /** PEM chain served by the server (leaf then CA). */
  readonly certificateChainPem: string;
  /** PKCS#8 PEM of the leaf key; never leaves the process. */
  readonly keyPem: string;
}

const toPem = (der: ArrayBuffer, label: string) => {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
};

const exportKeyPem = async (key: webcrypto.CryptoKey) =>
  toPem(await webcrypto.subtle.exportKey("pkcs8", key as never), "PRIVATE KEY");

const validity = () => {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000);
  return { notBefore, notAfter };
};

/**
 * Makes a CA for one mock instance and a leaf signed by it for every host the mock answers on:
 * IP 127.0.0.1, `localhost`, `*.openai.localhost` and `management.localhost`.
 */
export async function createMockTlsMaterial(): Promise<MockTlsMaterial> {
  const caKeys = (await webcrypto.subtle.generateKey(ecKeyAlgorithm, true, [
    "sign",
    "verify",
  ])) as KeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=crosstenant mock CA",
    keys: caKeys,
    signingAlgorithm: ecSigning,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leafKeys = (await webcrypto.subtle.generateKey(ecKeyAlgorithm, true, [
    "sign",
    "verify",
  ])) as KeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    subject: "CN=localhost",
    issuer: ca.subject,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ecSigning,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
        { type: "dns", value: "*.openai.localhost" },
        { type: "dns", value: "management.localhost" },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const caPem = ca.toString("pem");
  return {
    caPem: `${caPem}\n`,
    certificateChainPem: `${leaf.toString("pem")}\n${caPem}\n`,
    keyPem: await exportKeyPem(leafKeys.privateKey),
  };
}

/**
 * A self-signed RSA certificate with its private key, as an app registration credential.
 * @example
 * ```ts
 * const { certificateWithKeyPem } = await createAppCertificate("stranger");
 * ```
 */
export interface AppCertificate {
  /** The certificate alone (what is registered on the app). */
  readonly certificatePem: string;
  /** Certificate followed by its PKCS#8 private key: what ClientCertificateCredential reads. */
  readonly certificateWithKeyPem: string;
}

/**
 * Makes a self-signed RSA certificate for an app registration. RSA, because MSAL signs client
 * assertions with PS256.
 * @example
 * ```ts
 * const stranger = await createAppCertificate("stranger");
 * const certificate = stranger.certificateWithKeyPem;
 * new ClientCertificateCredential(tenantId, clientId, { certificate });
 * ```
 */
export async function createAppCertificate(subject: string): Promise<AppCertificate> {
  const keys = (await webcrypto.subtle.generateKey(rsaKeyAlgorithm, true, [
    "sign",
    "verify",
  ])) as KeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${subject}`,
    keys,
    signingAlgorithm: rsaKeyAlgorithm,
    notBefore: new Date(Date.now() - 60 * 60 * 1000),
    notAfter: new Date(Date.now() + 365 * 24 * 60 * 60 * 1000),
  });
  const certificatePem = `${certificate.toString("pem")}\n`;
  return {
    certificatePem,
    certificateWithKeyPem: `${certificatePem}${await exportKeyPem(keys.privateKey)}`,
  };
}

/** Thumbprints of a certificate as Entra ID compares them: base64url of its DER digest. */
export interface CertificateThumbprints {
  readonly sha1: string;
  readonly sha256: string;
}

/** Computes the SHA-1 (`x5t`) and SHA-256 (`x5t#S256`) thumbprints of the first PEM certificate. */
export function certificateThumbprints(pem: string): CertificateThumbprints {
  const der = new NodeX509Certificate(pem).raw;
  return {
    sha1: createHash("sha1").update(der).digest("base64url"),
    sha256: createHash("sha256").update(der).digest("base64url"),
  };
}

/** Returns only the certificate blocks of a PEM bundle, dropping any private key. */
export function certificateOnly(pem: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => `${block}\n`).join("");
}
