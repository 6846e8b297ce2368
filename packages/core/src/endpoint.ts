import { type BuiltInCloudName, type CloudDefinition, clouds, resolveCloud } from "./cloud.js";
import { type EndpointValidationCode, EndpointValidationError } from "./errors.js";

/** Options of {@link parseEndpoint}. */
export interface ParseEndpointOptions {
  /** The cloud the endpoint must belong to; a built-in cloud's name or a defined cloud. Default `"public"`. */
  readonly cloud?: BuiltInCloudName | CloudDefinition;
}

/**
 * Which Azure host family serves the endpoint: the matched host suffix without the cloud's
 * `azure.*` tail for a built-in cloud (`openai`, `cognitiveservices`, `services.ai`), the
 * suffix's first label for a defined cloud.
 */
export type EndpointSurface = "openai" | "cognitiveservices" | "services.ai" | (string & {});

/** An Azure OpenAI endpoint that passed {@link parseEndpoint}: exactly one resource of one cloud. */
export interface ParsedEndpoint {
  /** `https://` + `host`: an origin without a trailing slash, ready to use as the SDK endpoint. */
  readonly url: string;
  /** Lowercase host; `:port` only when the cloud allows ports and one was given (other than 443). */
  readonly host: string;
  /** The resource's custom subdomain: the single label before the cloud's host suffix. */
  readonly resourceName: string;
  /** The cloud whose host suffix matched. */
  readonly cloud: CloudDefinition;
  /** The host family that matched. */
  readonly surface: EndpointSurface;
}

const subdomainLabel = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$/;
const schemePrefix = /^([a-z][a-z0-9+.-]*):/i;
// Visible ASCII only: whitespace and control characters are where parsers disagree.
const visibleAscii = /^[\x21-\x7e]*$/;
const regionalHosts: readonly { readonly pattern: RegExp; readonly cloud: string }[] = [
  { pattern: /^[a-z0-9-]+\.api\.cognitive\.microsoft\.com$/, cloud: "AzurePublicCloud" },
  { pattern: /^[a-z0-9-]+\.api\.cognitive\.microsoft\.us$/, cloud: "AzureUSGovernment" },
  { pattern: /^[a-z0-9-]+\.api\.cognitive\.azure\.cn$/, cloud: "AzureChinaCloud" },
];
const builtInClouds = Object.entries(clouds) as [BuiltInCloudName, CloudDefinition][];

function fail(code: EndpointValidationCode, message: string, suggestion?: string): never {
  throw new EndpointValidationError(code, message, suggestion ? { suggestion } : {});
}

/** Parses a cleaned-up variant of the input; a suggestion is only offered when it is valid. */
function suggest(candidate: string, cloud: CloudDefinition): string | undefined {
  try {
    return parseEndpoint(candidate, { cloud }).url;
  } catch {
    return undefined;
  }
}

const useInstead = (suggestion: string | undefined) =>
  suggestion ? ` Use ${suggestion} instead.` : "";

const expectedShape = (cloud: CloudDefinition) =>
  cloud.openAIHostSuffixes.map((suffix) => `https://{resource}${suffix}`).join(" or ");

/** WHATWG URL reads a host whose last label is a number (decimal, 0x-hex, octal) as IPv4. */
function looksLikeIpAddress(host: string): boolean {
  const labels = host.split(".");
  const last = labels.at(-1) === "" ? labels.at(-2) : labels.at(-1);
  return last !== undefined && /^(?:0x[0-9a-f]*|[0-9]+)$/i.test(last);
}

const isLoopbackName = (host: string) => host === "localhost" || host.endsWith(".localhost");

function surfaceOf(suffix: string, cloud: CloudDefinition): EndpointSurface {
  const builtIn = builtInClouds.some(([, known]) => known === cloud);
  const name = suffix.slice(1);
  if (builtIn) return name.replace(/\.azure\.(?:com|us|cn)$/, "");
  return name.split(".")[0] ?? name;
}

/** Finds the other built-in cloud whose suffixes the host is under, for a precise message. */
function otherCloudOf(host: string, cloud: CloudDefinition) {
  return builtInClouds.find(
    ([, known]) =>
      known !== cloud && known.openAIHostSuffixes.some((suffix) => host.endsWith(suffix)),
  );
}

function checkHost(host: string, cloud: CloudDefinition): { label: string; suffix: string } {
  if (host.endsWith(".")) {
    const suggestion = suggest(`https://${host.replace(/\.+$/, "")}`, cloud);
    fail(
      "ENDPOINT_SUBDOMAIN_INVALID",
      `The endpoint host ends with a dot. A fully qualified "trailing dot" host is a different name to TLS and to Azure; write the host without it.${useInstead(suggestion)}`,
      suggestion,
    );
  }
  if (looksLikeIpAddress(host)) {
    fail(
      "ENDPOINT_IP_ADDRESS",
      `The endpoint host "${host}" is an IP address. Entra ID tokens are only sent to the resource's custom subdomain, ${expectedShape(cloud)}, so its TLS certificate and name can be checked.`,
    );
  }
  if (isLoopbackName(host) && !cloud.allowLoopback) {
    fail(
      "ENDPOINT_LOCALHOST",
      `The endpoint host "${host}" is a loopback name, which cloud ${cloud.name} does not allow. Use the resource's endpoint, ${expectedShape(cloud)}; loopback endpoints need a cloud defined with allowLoopback (such as the mock's).`,
    );
  }
  for (const region of regionalHosts) {
    if (region.pattern.test(host)) {
      fail(
        "ENDPOINT_REGIONAL",
        `The endpoint host "${host}" is a regional endpoint of ${region.cloud}. Entra ID authentication needs the resource's custom subdomain endpoint (${expectedShape(cloud)}); the regional one answers token calls with 400. Copy the endpoint from the resource's "Keys and Endpoint" page, or give the resource a custom subdomain first (az cognitiveservices account update --custom-domain <name>).`,
      );
    }
  }
  if (!/^[a-z0-9.-]+$/.test(host) || host.includes("..") || host.startsWith(".")) {
    fail(
      "ENDPOINT_SUBDOMAIN_INVALID",
      `The endpoint host is not a plain DNS name (letters, digits, '-' and single dots only). Use the resource's endpoint, ${expectedShape(cloud)}.`,
    );
  }
  if (host.split(".").some((label) => label.startsWith("xn--"))) {
    fail(
      "ENDPOINT_SUBDOMAIN_INVALID",
      `The endpoint host "${host}" contains a punycode (xn--) label, the encoded form of non-ASCII characters that can imitate an Azure host. Azure custom subdomains are ASCII; use ${expectedShape(cloud)}.`,
    );
  }

  const suffix = cloud.openAIHostSuffixes.find((candidate) => host.endsWith(candidate));
  if (suffix === undefined) {
    const bare = cloud.openAIHostSuffixes.find((candidate) => host === candidate.slice(1));
    if (bare) {
      fail(
        "ENDPOINT_SUBDOMAIN_INVALID",
        `The endpoint host "${host}" is the service's domain itself, not a resource. Put the resource's custom subdomain in front: https://{resource}${bare}.`,
      );
    }
    if (isLoopbackName(host)) {
      fail(
        "ENDPOINT_LOCALHOST",
        `The endpoint host "${host}" is a loopback name outside cloud ${cloud.name}'s suffixes. Only ${expectedShape(cloud)} is accepted.`,
      );
    }
    const other = otherCloudOf(host, cloud);
    if (other) {
      fail(
        "ENDPOINT_NOT_IN_CLOUD",
        `The endpoint host "${host}" belongs to cloud ${other[1].name} ("${other[0]}"), not to ${cloud.name}. Tokens of one cloud are not accepted in another: set the binding's cloud to "${other[0]}", or use an endpoint of ${cloud.name} (${expectedShape(cloud)}).`,
      );
    }
    fail(
      "ENDPOINT_NOT_IN_CLOUD",
      `The endpoint host "${host}" is not an Azure OpenAI endpoint of cloud ${cloud.name}. Only ${expectedShape(cloud)} is accepted, so a token is never sent to another host.`,
    );
  }

  const label = host.slice(0, -suffix.length);
  if (!subdomainLabel.test(label)) {
    const why = label.includes(".")
      ? `has ${label.split(".").length} labels before ${suffix}; a resource is exactly one label`
      : "is not a valid custom subdomain (2–64 letters, digits and '-', not starting or ending with '-')";
    fail(
      "ENDPOINT_SUBDOMAIN_INVALID",
      `The endpoint host "${host}" ${why}. Use https://{resource}${suffix} with the resource's custom subdomain.`,
    );
  }
  return { label, suffix };
}

function checkPort(port: string | undefined, hostOnly: string, cloud: CloudDefinition) {
  if (port === undefined) return "";
  if (!cloud.allowPorts) {
    const suggestion = suggest(`https://${hostOnly}`, cloud);
    fail(
      "ENDPOINT_PORT",
      `The endpoint gives a port (":${port}"). Azure OpenAI endpoints are written without one, even ":443", so each resource has exactly one spelling.${useInstead(suggestion)}`,
      suggestion,
    );
  }
  const value = Number(port);
  if (!/^[1-9][0-9]{0,4}$/.test(port) || value > 65_535) {
    fail("ENDPOINT_NOT_A_URL", `The endpoint's port ":${port}" is not a number from 1 to 65535.`);
  }
  return value === 443 ? "" : `:${port}`;
}

function checkPath(rest: string, url: string) {
  const pathEnd = rest.search(/[?#]/);
  const path = pathEnd === -1 ? rest : rest.slice(0, pathEnd);
  const tail = pathEnd === -1 ? "" : rest.slice(pathEnd);

  if (path !== "" && path !== "/") {
    const deployment = /^\/openai\/deployments\/([^/?#]+)/i.exec(path)?.[1];
    // Only a plausible deployment name is repeated; anything else could be pasted junk.
    const found =
      deployment && /^[A-Za-z0-9._-]{1,64}$/.test(deployment)
        ? ` It names deployment "${deployment}": list that name in the binding's deployments.`
        : "";
    const kind = /^\/openai(?:\/|$)/i.test(path)
      ? "is a request URL (pasted from the portal or a request log), not the resource endpoint"
      : "has a path; the endpoint is the resource's origin only";
    fail(
      "ENDPOINT_PATH",
      `The endpoint ${kind}. Use exactly ${url}; the SDK adds /openai/... itself.${found}`,
      url,
    );
  }
  if (tail !== "") {
    fail(
      "ENDPOINT_QUERY_OR_FRAGMENT",
      `The endpoint has a query or fragment ("?api-version=..." or "#..."); the api version is set in the binding, not in the endpoint. Use exactly ${url}.`,
      url,
    );
  }
}

/**
 * Validates an Azure OpenAI endpoint against one cloud and returns its parts. It is the gate
 * that decides where the platform's tokens may go, so it accepts one spelling only:
 * `https://{resource}{suffix}` (plus `/`), with `{resource}` a single custom-subdomain label
 * (2–64 letters, digits and `-`, not starting or ending with `-`) and `{suffix}` one of the
 * cloud's `openAIHostSuffixes`. No DNS look-up is made.
 *
 * Rules, each with its own code on the thrown {@link EndpointValidationError}:
 * - the input must be a string or URL with the `https` scheme and no whitespace, control
 *   characters, backslashes or percent-encoding anywhere (`ENDPOINT_NOT_A_URL`, `ENDPOINT_NOT_HTTPS`);
 * - no user info (`ENDPOINT_HAS_CREDENTIALS`), no IP literal in any notation
 *   (`ENDPOINT_IP_ADDRESS`), no loopback name unless the cloud allows loopback
 *   (`ENDPOINT_LOCALHOST`);
 * - no port unless the cloud allows ports; an explicit `:443` is a port too, rejected with the
 *   port-less endpoint as suggestion (`ENDPOINT_PORT`). Where ports are allowed, `:443` is dropped;
 * - no trailing dot, punycode or non-ASCII host, no nested or look-alike host
 *   (`ENDPOINT_SUBDOMAIN_INVALID`, `ENDPOINT_NOT_IN_CLOUD`, which names the right built-in
 *   cloud when the host is one of another); a regional endpoint is `ENDPOINT_REGIONAL`;
 * - the path must be empty or `/`. A request URL pasted from the portal or a log
 *   (`/openai/deployments/{name}/...`, `/openai/v1/`, `/openai`) is rejected with `ENDPOINT_PATH`,
 *   naming the deployment it contains; so is any other path. A query or fragment is
 *   `ENDPOINT_QUERY_OR_FRAGMENT`.
 *
 * Messages never repeat the raw input (it could hold a key in a query or a password in user
 * info); `suggestion` carries the endpoint to use when one can be derived.
 *
 * @throws {EndpointValidationError} for every rule above.
 * @example
 * ```ts
 * import { parseEndpoint } from "@crosstenant/core";
 * const endpoint = parseEndpoint("https://Contoso.openai.azure.com/");
 * endpoint.url; // "https://contoso.openai.azure.com"
 * endpoint.resourceName; // "contoso"
 * ```
 */
export function parseEndpoint(input: unknown, options: ParseEndpointOptions = {}): ParsedEndpoint {
  const cloud = resolveCloud(options.cloud);
  if (!(typeof input === "string" || input instanceof URL)) {
    fail(
      "ENDPOINT_NOT_A_URL",
      `The endpoint must be a string or URL such as ${expectedShape(cloud)}, not ${input === null ? "null" : typeof input}.`,
    );
  }
  const raw = typeof input === "string" ? input : input.href;

  if (!visibleAscii.test(raw)) {
    const trimmed = raw.trim();
    const suggestion = trimmed !== raw ? suggest(trimmed, cloud) : undefined;
    const nonAscii = [...raw].some((char) => (char.codePointAt(0) ?? 0) > 0x7f);
    const why = nonAscii
      ? "non-ASCII characters (internationalized or look-alike letters)"
      : "whitespace or control characters";
    fail(
      nonAscii ? "ENDPOINT_SUBDOMAIN_INVALID" : "ENDPOINT_NOT_A_URL",
      `The endpoint contains ${why}, which URL parsers read differently. Azure endpoints are plain ASCII: ${expectedShape(cloud)}.${useInstead(suggestion)}`,
      suggestion,
    );
  }
  if (raw.includes("\\") || raw.includes("%")) {
    fail(
      "ENDPOINT_NOT_A_URL",
      `The endpoint contains a backslash or percent-encoding, which URL parsers normalize in ways that can change the host. Write it plainly: ${expectedShape(cloud)}.`,
    );
  }
  const scheme = schemePrefix.exec(raw)?.[1]?.toLowerCase();
  if (
    scheme === undefined ||
    (scheme !== "https" && !raw.slice(scheme.length + 1).startsWith("//"))
  ) {
    const suggestion = suggest(`https://${raw.replace(/^\/+/, "")}`, cloud);
    fail(
      "ENDPOINT_NOT_A_URL",
      `The endpoint is not an absolute URL. Write it with its scheme: ${expectedShape(cloud)}.${useInstead(suggestion)}`,
      suggestion,
    );
  }
  if (scheme !== "https") {
    const suggestion = suggest(`https:${raw.slice(scheme.length + 1)}`, cloud);
    fail(
      "ENDPOINT_NOT_HTTPS",
      `The endpoint uses "${scheme}:"; tokens are only ever sent over https.${useInstead(suggestion)}`,
      suggestion,
    );
  }
  const afterScheme = raw.slice(scheme.length + 1);
  if (!afterScheme.startsWith("//") || afterScheme.startsWith("///")) {
    fail(
      "ENDPOINT_NOT_A_URL",
      `The endpoint must start with "https://" followed by the host: ${expectedShape(cloud)}.`,
    );
  }

  const authorityEnd = afterScheme.slice(2).search(/[/?#]/);
  const authority =
    authorityEnd === -1 ? afterScheme.slice(2) : afterScheme.slice(2, authorityEnd + 2);
  const rest = authorityEnd === -1 ? "" : afterScheme.slice(authorityEnd + 2);
  if (authority.includes("@")) {
    const after = authority.slice(authority.lastIndexOf("@") + 1);
    const suggestion = suggest(`https://${after}`, cloud);
    fail(
      "ENDPOINT_HAS_CREDENTIALS",
      `The endpoint carries user info ("user:password@" before the host). Credentials never belong in the endpoint, and "@" is a classic way to disguise the real host.${useInstead(suggestion)}`,
      suggestion,
    );
  }
  if (authority.startsWith("[")) {
    fail(
      "ENDPOINT_IP_ADDRESS",
      `The endpoint host is an IPv6 address. Use the resource's custom subdomain: ${expectedShape(cloud)}.`,
    );
  }
  const colon = authority.lastIndexOf(":");
  const hostOnly = (colon === -1 ? authority : authority.slice(0, colon)).toLowerCase();
  const port = colon === -1 ? undefined : authority.slice(colon + 1);
  if (hostOnly === "") {
    fail("ENDPOINT_NOT_A_URL", `The endpoint has no host. Use ${expectedShape(cloud)}.`);
  }

  const { label, suffix } = checkHost(hostOnly, cloud);
  const host = `${hostOnly}${checkPort(port, hostOnly, cloud)}`;
  const url = `https://${host}`;
  // A second opinion from the WHATWG parser: any disagreement on the host is an attack or a bug.
  if (!URL.canParse(raw) || new URL(raw).host !== new URL(url).host) {
    fail(
      "ENDPOINT_NOT_A_URL",
      `The endpoint could not be parsed as a URL. Use ${expectedShape(cloud)}.`,
    );
  }
  checkPath(rest, url);

  return Object.freeze({
    url,
    host,
    resourceName: label,
    cloud,
    surface: surfaceOf(suffix, cloud),
  });
}
