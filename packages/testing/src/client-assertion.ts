import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importX509,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
} from "jose";
import { certificateThumbprints } from "./certificates.js";
import type { AadstsCode } from "./entra-errors.js";
import type { ScenarioApp } from "./scenario.js";
import type { SigningKeys } from "./signing-keys.js";

/** Outcome of checking a client assertion: accepted, or the AADSTS failure to answer with. */
export type AssertionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: AadstsCode; readonly text: string };

const fail = (code: AadstsCode, text: string): AssertionCheck => ({ ok: false, code, text });

const thumbprintCache = new Map<string, { sha1: string; sha256: string }>();
const thumbprintsOf = (pem: string) => {
  let cached = thumbprintCache.get(pem);
  if (!cached) {
    cached = certificateThumbprints(pem);
    thumbprintCache.set(pem, cached);
  }
  return cached;
};

const decode = (assertion: string) => {
  try {
    return { header: decodeProtectedHeader(assertion), payload: decodeJwt(assertion) };
  } catch {
    return undefined;
  }
};

/** Whether an assertion names a certificate (`x5t#S256`, `x5t`) rather than a federated issuer. */
export function isCertificateAssertion(assertion: string): boolean {
  const header = decode(assertion)?.header as ProtectedHeaderParameters | undefined;
  return Boolean(header && (header["x5t#S256"] || header.x5t));
}

const hex = (base64url: string) =>
  Buffer.from(base64url, "base64url").toString("hex").toUpperCase();

const timeRangeFailure = (nowInSeconds: number) =>
  fail(
    700024,
    `Client assertion is not within its valid time range. Current time: ${new Date(nowInSeconds * 1000).toISOString()}.`,
  );

/** Checks a certificate-signed client assertion as Entra ID does for a confidential client. */
export async function checkCertificateAssertion(
  assertion: string,
  app: ScenarioApp,
  tokenEndpoints: readonly string[],
  nowInSeconds: number,
): Promise<AssertionCheck> {
  const decoded = decode(assertion);
  if (!decoded) return fail(700027, "Client assertion failed signature validation.");
  const header = decoded.header as ProtectedHeaderParameters & { "x5t#S256"?: string };
  const sha256 = header["x5t#S256"];
  const sha1 = header.x5t;

  const registered = app.certificates.flatMap((entry) => ("pem" in entry ? [entry.pem] : []));
  const certificatePem = registered.find((pem) => {
    const thumbprints = thumbprintsOf(pem);
    return sha256 ? thumbprints.sha256 === sha256 : thumbprints.sha1 === sha1;
  });
  if (!certificatePem) {
    return fail(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${hex(sha256 ?? sha1 ?? "")}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
    );
  }

  const algorithm = header.alg === "RS256" ? "RS256" : "PS256";
  try {
    const key = await importX509(certificatePem, algorithm);
    await jwtVerify(assertion, key, {
      algorithms: ["PS256", "RS256"],
      currentDate: new Date(nowInSeconds * 1000),
      clockTolerance: 300,
      issuer: app.clientId,
      subject: app.clientId,
      audience: [...tokenEndpoints],
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return timeRangeFailure(nowInSeconds);
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === "nbf") return timeRangeFailure(nowInSeconds);
      return fail(
        700027,
        `Client assertion contains an invalid '${error.claim}' claim: it must be the app id for 'iss' and 'sub', and this tenant's token endpoint for 'aud'.`,
      );
    }
    return fail(700027, "Client assertion failed signature validation.");
  }
}

/** Where the mock's federated tokens come from and which issuer names its Entra tenants use. */
export interface FederatedIssuers {
  /** The mock's authority host, substituted for `{authorityHost}` in a credential's issuer. */
  readonly authorityHost: string;
  /** Issuer of tokens minted by `mock.issueFederatedToken` (the mock workload-identity issuer). */
  readonly workloadIssuer: string;
  /** The issuer of a tenant's Entra v2 tokens (`https://localhost:{port}/{tenant}/v2.0`). */
  readonly entraIssuer: (tenantId: string) => string;
}

/** Checks a federated client assertion against the app's federated identity credentials. */
export async function checkFederatedAssertion(
  assertion: string,
  app: ScenarioApp,
  keys: SigningKeys,
  issuers: FederatedIssuers,
  nowInSeconds: number,
): Promise<AssertionCheck> {
  const decoded = decode(assertion);
  if (!decoded) return fail(700211, "The presented assertion is not a JWT.");
  const { header, payload } = decoded;
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const next =
    " Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation";

  const issuerOf = (issuer: string) => issuer.replaceAll("{authorityHost}", issuers.authorityHost);
  const byIssuer = app.federatedCredentials.filter((fic) => issuerOf(fic.issuer) === payload.iss);
  if (byIssuer.length === 0) {
    return fail(
      700211,
      `No matching federated identity record found for presented assertion issuer '${payload.iss}'.${next}`,
    );
  }
  const bySubject = byIssuer.filter((fic) => fic.subject === payload.sub);
  if (bySubject.length === 0) {
    return fail(
      700213,
      `No matching federated identity record found for presented assertion subject '${payload.sub}'.${next}`,
    );
  }
  if (!bySubject.some((fic) => audiences.includes(fic.audience))) {
    return fail(
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(",")}'.${next}`,
    );
  }

  const verified = await verifyFederatedSignature(
    assertion,
    header,
    payload,
    keys,
    issuers,
    now(nowInSeconds),
  );
  if (!verified.ok) return verified;

  const entraTenant = [...(payload.iss?.matchAll(/\/([0-9a-f-]{36})\/v2\.0$/gi) ?? [])][0]?.[1];
  const fromEntra = entraTenant !== undefined && payload.iss === issuers.entraIssuer(entraTenant);
  if (fromEntra && (payload as JWTPayload & { idtyp?: string }).idtyp !== "app") {
    return fail(
      700229,
      "ForbiddenTokenType: Only app-only tokens can be used as Federated Identity Credentials for AAD issuer.",
    );
  }
  return { ok: true };
}

const now = (seconds: number) => new Date(seconds * 1000);

async function verifyFederatedSignature(
  assertion: string,
  header: ProtectedHeaderParameters,
  payload: JWTPayload,
  keys: SigningKeys,
  issuers: FederatedIssuers,
  currentDate: Date,
): Promise<AssertionCheck> {
  const workloadKey = keys.federatedIfMade();
  const tenantKey = header.kid ? keys.byKid(header.kid) : undefined;
  const key =
    workloadKey && header.kid === workloadKey.kid && payload.iss === issuers.workloadIssuer
      ? workloadKey.publicKey
      : tenantKey && payload.iss === issuers.entraIssuer(tenantKey.tenantId)
        ? tenantKey.key.publicKey
        : undefined;
  if (!key) return fail(700027, "Client assertion failed signature validation.");

  try {
    await jwtVerify(assertion, key, { algorithms: ["RS256"], currentDate, clockTolerance: 300 });
    return { ok: true };
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      return fail(700024, "Client assertion is not within its valid time range.");
    }
    return fail(700027, "Client assertion failed signature validation.");
  }
}
