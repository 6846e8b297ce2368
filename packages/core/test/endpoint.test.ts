import {
  clouds,
  defineCloud,
  type EndpointValidationCode,
  EndpointValidationError,
  parseEndpoint,
} from "@crosstenant/core";
import { describe, expect, it } from "vitest";

const loopbackCloud = defineCloud({
  name: "mock",
  authorityHost: "https://login.localhost:43210",
  openAIHostSuffixes: [".openai.localhost", ".cognitiveservices.localhost"],
  cognitiveServicesAudience: "https://cognitiveservices.azure.com",
  armEndpoint: "https://management.localhost:43210",
  allowLoopback: true,
  allowPorts: true,
});

function rejection(input: unknown, cloud: Parameters<typeof parseEndpoint>[1] = {}) {
  try {
    parseEndpoint(input, cloud);
  } catch (error) {
    expect(error).toBeInstanceOf(EndpointValidationError);
    return error as EndpointValidationError;
  }
  throw new Error(`accepted ${String(input)}`);
}

type HostileCase = readonly [input: unknown, code: EndpointValidationCode, meaning?: RegExp];

// Each row is one way a configuration or an attacker can get an endpoint wrong.
const hostile: readonly HostileCase[] = [
  // Not a URL at all
  [undefined, "ENDPOINT_NOT_A_URL", /string or URL/],
  [null, "ENDPOINT_NOT_A_URL", /not null/],
  [42, "ENDPOINT_NOT_A_URL", /not number/],
  [true, "ENDPOINT_NOT_A_URL", /not boolean/],
  [{ href: "https://contoso.openai.azure.com" }, "ENDPOINT_NOT_A_URL", /not object/],
  [["https://contoso.openai.azure.com"], "ENDPOINT_NOT_A_URL"],
  [Symbol("endpoint"), "ENDPOINT_NOT_A_URL"],
  [() => "https://contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["", "ENDPOINT_NOT_A_URL", /absolute URL/],
  ["contoso", "ENDPOINT_NOT_A_URL", /absolute URL/],
  ["contoso.openai.azure.com", "ENDPOINT_NOT_A_URL", /https:\/\/contoso\.openai\.azure\.com/],
  ["//contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["/openai/deployments/gpt-4o", "ENDPOINT_NOT_A_URL"],
  ["https:contoso.openai.azure.com", "ENDPOINT_NOT_A_URL", /https:\/\//],
  ["https:/contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https:///contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://", "ENDPOINT_NOT_A_URL", /no host/],
  ["https:///", "ENDPOINT_NOT_A_URL"],
  ["https://:443", "ENDPOINT_NOT_A_URL", /no host/],
  ["contoso.openai.azure.com:443", "ENDPOINT_NOT_A_URL"],
  ["javascript:alert(1)", "ENDPOINT_NOT_A_URL"],
  ["data:text/plain,contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["mailto:admin@contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  // Whitespace and control characters
  [" https://contoso.openai.azure.com", "ENDPOINT_NOT_A_URL", /whitespace/],
  ["https://contoso.openai.azure.com ", "ENDPOINT_NOT_A_URL", /whitespace/],
  ["https://contoso.openai.azure.com\n", "ENDPOINT_NOT_A_URL", /whitespace/],
  ["https://contoso.openai.azure.com\r\n", "ENDPOINT_NOT_A_URL"],
  ["\thttps://contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://con\ttoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://con\ntoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com\u0000.evil.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso\u0000.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com\u007f", "ENDPOINT_NOT_A_URL"],
  ["https://contoso .openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com/ /", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com\u000b", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com\f", "ENDPOINT_NOT_A_URL"],
  // Backslashes and percent-encoding
  ["https:\\\\contoso.openai.azure.com", "ENDPOINT_NOT_A_URL", /backslash/],
  ["https://contoso.openai.azure.com\\@evil.com", "ENDPOINT_NOT_A_URL", /backslash/],
  ["https://evil.com\\contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com\\", "ENDPOINT_NOT_A_URL"],
  ["https:/\\contoso.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso%2eopenai.azure.com", "ENDPOINT_NOT_A_URL", /percent/],
  ["https://%63ontoso.openai.azure.com", "ENDPOINT_NOT_A_URL", /percent/],
  ["https://contoso.openai.azure.com%2f@evil.com", "ENDPOINT_NOT_A_URL"],
  ["https://evil.com%2f.openai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com%00.evil.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com/%2e%2e/", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai%2Eazure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso%252eopenai.azure.com", "ENDPOINT_NOT_A_URL"],
  ["https://contoso.openai.azure.com/?next=%2F%2Fevil.com", "ENDPOINT_NOT_A_URL"],
  // Wrong scheme
  [
    "http://contoso.openai.azure.com",
    "ENDPOINT_NOT_HTTPS",
    /https:\/\/contoso\.openai\.azure\.com/,
  ],
  ["HTTP://contoso.openai.azure.com", "ENDPOINT_NOT_HTTPS"],
  ["ftp://contoso.openai.azure.com", "ENDPOINT_NOT_HTTPS", /"ftp:"/],
  ["ws://contoso.openai.azure.com", "ENDPOINT_NOT_HTTPS"],
  ["wss://contoso.openai.azure.com", "ENDPOINT_NOT_HTTPS"],
  ["file://contoso.openai.azure.com", "ENDPOINT_NOT_HTTPS"],
  ["httpss://contoso.openai.azure.com", "ENDPOINT_NOT_HTTPS"],
  ["https+unix://contoso.openai.azure.com", "ENDPOINT_NOT_HTTPS"],
  ["http://127.0.0.1", "ENDPOINT_NOT_HTTPS"],
  ["http://localhost:8080", "ENDPOINT_NOT_HTTPS"],
  // User info
  ["https://user@contoso.openai.azure.com", "ENDPOINT_HAS_CREDENTIALS", /user info/],
  ["https://user:pass@contoso.openai.azure.com", "ENDPOINT_HAS_CREDENTIALS"],
  ["https://:pass@contoso.openai.azure.com", "ENDPOINT_HAS_CREDENTIALS"],
  ["https://@contoso.openai.azure.com", "ENDPOINT_HAS_CREDENTIALS"],
  ["https://contoso.openai.azure.com@evil.com", "ENDPOINT_HAS_CREDENTIALS"],
  ["https://contoso.openai.azure.com:443@evil.com", "ENDPOINT_HAS_CREDENTIALS"],
  ["https://a@b@contoso.openai.azure.com", "ENDPOINT_HAS_CREDENTIALS"],
  ["https://evil.com@contoso.openai.azure.com", "ENDPOINT_HAS_CREDENTIALS"],
  ["https://api-key:sk-123@contoso.openai.azure.com/", "ENDPOINT_HAS_CREDENTIALS"],
  // IP literals in every notation
  ["https://127.0.0.1", "ENDPOINT_IP_ADDRESS", /IP address/],
  ["https://127.0.0.1:443", "ENDPOINT_IP_ADDRESS"],
  ["https://10.0.0.4", "ENDPOINT_IP_ADDRESS"],
  ["https://169.254.169.254", "ENDPOINT_IP_ADDRESS"],
  ["https://20.42.0.1/", "ENDPOINT_IP_ADDRESS"],
  ["https://0.0.0.0", "ENDPOINT_IP_ADDRESS"],
  ["https://2130706433", "ENDPOINT_IP_ADDRESS"],
  ["https://0x7f000001", "ENDPOINT_IP_ADDRESS"],
  ["https://0x7f.1", "ENDPOINT_IP_ADDRESS"],
  ["https://0x7F.0x0.0x0.0x1", "ENDPOINT_IP_ADDRESS"],
  ["https://0177.0.0.1", "ENDPOINT_IP_ADDRESS"],
  ["https://017700000001", "ENDPOINT_IP_ADDRESS"],
  ["https://127.1", "ENDPOINT_IP_ADDRESS"],
  ["https://127.0.1", "ENDPOINT_IP_ADDRESS"],
  ["https://0x", "ENDPOINT_IP_ADDRESS"],
  ["https://contoso.openai.azure.com.127.0.0.1", "ENDPOINT_IP_ADDRESS"],
  ["https://contoso.0x7f", "ENDPOINT_IP_ADDRESS"],
  ["https://[::1]", "ENDPOINT_IP_ADDRESS", /IPv6/],
  ["https://[::1]:443", "ENDPOINT_IP_ADDRESS"],
  ["https://[0:0:0:0:0:0:0:1]", "ENDPOINT_IP_ADDRESS"],
  ["https://[::ffff:127.0.0.1]", "ENDPOINT_IP_ADDRESS"],
  ["https://[::ffff:7f00:1]", "ENDPOINT_IP_ADDRESS"],
  ["https://[fe80::1%25eth0]", "ENDPOINT_NOT_A_URL"],
  ["https://[2001:db8::1]/", "ENDPOINT_IP_ADDRESS"],
  ["https://[::]", "ENDPOINT_IP_ADDRESS"],
  // Loopback names
  ["https://localhost", "ENDPOINT_LOCALHOST", /loopback/],
  ["https://LOCALHOST", "ENDPOINT_LOCALHOST"],
  ["https://localhost:8443", "ENDPOINT_LOCALHOST"],
  ["https://contoso.localhost", "ENDPOINT_LOCALHOST"],
  ["https://contoso.openai.localhost", "ENDPOINT_LOCALHOST", /allowLoopback/],
  ["https://contoso.openai.azure.com.localhost", "ENDPOINT_LOCALHOST"],
  ["https://localhost/openai/deployments/gpt-4o", "ENDPOINT_LOCALHOST"],
  ["https://localhost.", "ENDPOINT_SUBDOMAIN_INVALID", /dot/],
  // Ports
  ["https://contoso.openai.azure.com:443", "ENDPOINT_PORT", /even ":443"/],
  ["https://contoso.openai.azure.com:443/", "ENDPOINT_PORT"],
  ["https://contoso.openai.azure.com:8443", "ENDPOINT_PORT"],
  ["https://contoso.openai.azure.com:0", "ENDPOINT_PORT"],
  ["https://contoso.openai.azure.com:", "ENDPOINT_PORT"],
  ["https://contoso.openai.azure.com:99999", "ENDPOINT_PORT"],
  ["https://contoso.openai.azure.com:abc", "ENDPOINT_PORT"],
  ["https://contoso.cognitiveservices.azure.com:443", "ENDPOINT_PORT"],
  // Trailing dots and empty labels
  ["https://contoso.openai.azure.com.", "ENDPOINT_SUBDOMAIN_INVALID", /ends with a dot/],
  ["https://contoso.openai.azure.com./", "ENDPOINT_SUBDOMAIN_INVALID", /ends with a dot/],
  ["https://contoso.openai.azure.com..", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso..openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /plain DNS name/],
  ["https://.contoso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  // Characters a DNS label cannot hold
  ["https://con_toso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://con$toso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://con!toso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://con*toso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso;.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso.openai.azure.com;evil.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso.openai.azure.com,evil.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso:openai.azure.com:443", "ENDPOINT_SUBDOMAIN_INVALID"],
  // Unicode, IDN and punycode look-alikes
  ["https://cοntoso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /non-ASCII/],
  ["https://contoso.openai.azurе.com", "ENDPOINT_SUBDOMAIN_INVALID", /non-ASCII/],
  ["https://contoso.ｏpenai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso。openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso．openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://con\u00adtoso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://con\u200btoso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso.openai.azure.com\u2044evil.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://contoso.openai.azure.com\u2215evil.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://ｃｏｎｔｏｓｏ.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://müller.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://xn--mller-kva.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /punycode/],
  ["https://xn--cntoso-3ya.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /punycode/],
  ["https://contoso.openai.xn--zure-5ve.com", "ENDPOINT_SUBDOMAIN_INVALID", /punycode/],
  ["https://XN--mller-kva.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  // Look-alike and nested hosts
  ["https://contoso.openai.azure.com.evil.com", "ENDPOINT_NOT_IN_CLOUD", /not an Azure OpenAI/],
  ["https://contoso.openai.azure.com.evil.com/", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso-openai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contosoopenai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.openai-azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.openaiazure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.openai.azure.co", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.openai.azure.com.cn", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.open-ai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.openai.azure.net", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.openai.azurewebsites.net", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.cognitiveservices.azure.com.evil.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.services.ai.azure.com.evil.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contoso.ai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://contosoopenai.azure.com.evil.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://evil.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://evil.com/contoso.openai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://evil.com?contoso.openai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://evil.com#contoso.openai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://login.microsoftonline.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://management.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://api.openai.com", "ENDPOINT_NOT_IN_CLOUD"],
  ["https://a.b.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /2 labels/],
  ["https://evil.contoso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /exactly one label/],
  ["https://a.b.c.cognitiveservices.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /3 labels/],
  ["https://contoso.openai.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /domain itself/],
  ["https://cognitiveservices.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /domain itself/],
  ["https://services.ai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /domain itself/],
  ["https://ai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
  // Custom subdomain shape
  ["https://c.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /2–64/],
  ["https://-contoso.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID", /not starting or ending/],
  ["https://contoso-.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://-.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  ["https://--.openai.azure.com", "ENDPOINT_SUBDOMAIN_INVALID"],
  [`https://${"a".repeat(65)}.openai.azure.com`, "ENDPOINT_SUBDOMAIN_INVALID"],
  [`https://${"a".repeat(200)}.openai.azure.com`, "ENDPOINT_SUBDOMAIN_INVALID"],
  // Regional endpoints
  ["https://eastus.api.cognitive.microsoft.com", "ENDPOINT_REGIONAL", /custom subdomain/],
  ["https://eastus.api.cognitive.microsoft.com/", "ENDPOINT_REGIONAL"],
  ["https://westeurope.api.cognitive.microsoft.com", "ENDPOINT_REGIONAL"],
  ["https://EASTUS2.API.COGNITIVE.MICROSOFT.COM", "ENDPOINT_REGIONAL"],
  ["https://usgovvirginia.api.cognitive.microsoft.us", "ENDPOINT_REGIONAL", /AzureUSGovernment/],
  ["https://chinaeast2.api.cognitive.azure.cn", "ENDPOINT_REGIONAL", /AzureChinaCloud/],
  [
    "https://eastus.api.cognitive.microsoft.com/openai/deployments/gpt-4o/chat/completions",
    "ENDPOINT_REGIONAL",
  ],
  // Paths
  [
    "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
    "ENDPOINT_PATH",
    /deployment "gpt-4o".*binding's deployments/,
  ],
  [
    "https://contoso.openai.azure.com/openai/deployments/text-embedding-3-large/embeddings",
    "ENDPOINT_PATH",
    /deployment "text-embedding-3-large"/,
  ],
  ["https://contoso.openai.azure.com/openai/deployments/gpt-4o", "ENDPOINT_PATH", /"gpt-4o"/],
  ["https://contoso.openai.azure.com/openai/deployments/", "ENDPOINT_PATH", /request URL/],
  ["https://contoso.openai.azure.com/openai/v1/", "ENDPOINT_PATH", /request URL/],
  ["https://contoso.openai.azure.com/openai/v1/chat/completions", "ENDPOINT_PATH"],
  ["https://contoso.openai.azure.com/openai", "ENDPOINT_PATH", /request URL/],
  ["https://contoso.openai.azure.com/openai/", "ENDPOINT_PATH"],
  ["https://contoso.openai.azure.com/OpenAI/Deployments/gpt-4o/", "ENDPOINT_PATH", /"gpt-4o"/],
  ["https://contoso.openai.azure.com//", "ENDPOINT_PATH", /has a path/],
  ["https://contoso.openai.azure.com/v1", "ENDPOINT_PATH", /has a path/],
  ["https://contoso.openai.azure.com/..", "ENDPOINT_PATH"],
  ["https://contoso.openai.azure.com/./", "ENDPOINT_PATH"],
  ["https://contoso.openai.azure.com/evil.com", "ENDPOINT_PATH"],
  ["https://contoso.openai.azure.com/@evil.com", "ENDPOINT_PATH"],
  ["https://contoso.services.ai.azure.com/api/projects/p1", "ENDPOINT_PATH"],
  ["https://contoso.services.ai.azure.com/models", "ENDPOINT_PATH"],
  // Query and fragment
  ["https://contoso.openai.azure.com?api-version=2024-10-21", "ENDPOINT_QUERY_OR_FRAGMENT"],
  ["https://contoso.openai.azure.com/?api-version=2024-10-21", "ENDPOINT_QUERY_OR_FRAGMENT"],
  ["https://contoso.openai.azure.com/?", "ENDPOINT_QUERY_OR_FRAGMENT", /api version/],
  ["https://contoso.openai.azure.com#", "ENDPOINT_QUERY_OR_FRAGMENT"],
  ["https://contoso.openai.azure.com/#section", "ENDPOINT_QUERY_OR_FRAGMENT"],
  ["https://contoso.openai.azure.com?api-key=sk-not-a-real-key", "ENDPOINT_QUERY_OR_FRAGMENT"],
  ["https://contoso.openai.azure.com/#@evil.com", "ENDPOINT_QUERY_OR_FRAGMENT"],
  // Hosts of another built-in cloud
  ["https://contoso.openai.azure.us", "ENDPOINT_NOT_IN_CLOUD", /AzureUSGovernment.*"usGovernment"/],
  ["https://contoso.cognitiveservices.azure.us", "ENDPOINT_NOT_IN_CLOUD", /usGovernment/],
  ["https://contoso.openai.azure.cn", "ENDPOINT_NOT_IN_CLOUD", /AzureChinaCloud.*"china"/],
  ["https://contoso.cognitiveservices.azure.cn", "ENDPOINT_NOT_IN_CLOUD", /"china"/],
];

describe("parseEndpoint rejects hostile or mistaken endpoints", () => {
  it("covers at least 150 hand-written cases", () => {
    expect(hostile.length).toBeGreaterThanOrEqual(150);
  });

  it.each(hostile.map((row) => [String(row[0]).slice(0, 90), ...row] as const))(
    "rejects %s",
    (_label, input, code, meaning) => {
      const error = rejection(input);
      expect(error.code).toBe(code);
      expect(error.checklistItem).toBe("custom-subdomain");
      if (meaning) expect(error.message).toMatch(meaning);
    },
  );

  it("never repeats user info, keys or queries from the input in its message", () => {
    const inputs = [
      "https://api-key:sk-123@contoso.openai.azure.com/",
      "https://contoso.openai.azure.com?api-key=sk-123",
      "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat?api-key=sk-123",
      "http://user:sk-123@contoso.openai.azure.com",
    ];
    for (const input of inputs) {
      const error = rejection(input);
      expect(error.message).not.toContain("sk-123");
      expect(JSON.stringify(error)).not.toContain("sk-123");
    }
  });

  it("names the deployment of a pasted request URL only when it looks like a deployment name", () => {
    const junk = rejection("https://contoso.openai.azure.com/openai/deployments/a:b!c/chat");
    expect(junk.code).toBe("ENDPOINT_PATH");
    expect(junk.message).not.toMatch(/names deployment/);
    expect(junk.message).not.toContain("a:b!c");
  });

  it("suggests the endpoint to use when it can be derived from the input", () => {
    const expected = "https://contoso.openai.azure.com";
    for (const input of [
      "contoso.openai.azure.com",
      "http://contoso.openai.azure.com",
      "https://user:pass@contoso.openai.azure.com",
      "https://contoso.openai.azure.com:443",
      "https://contoso.openai.azure.com.",
      " https://contoso.openai.azure.com\n",
      "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=1",
      "https://contoso.openai.azure.com/openai/v1/",
      "https://contoso.openai.azure.com/?api-version=2024-10-21",
    ]) {
      const error = rejection(input);
      expect(error.suggestion).toBe(expected);
      expect(error.message).toContain(expected);
    }
  });

  it("does not suggest an endpoint when none can be derived", () => {
    expect(rejection("https://eastus.api.cognitive.microsoft.com").suggestion).toBeUndefined();
    expect(rejection("https://contoso.openai.azure.com.evil.com").suggestion).toBeUndefined();
    expect(rejection("https://user@evil.com").suggestion).toBeUndefined();
  });

  it("rejects the endpoint of one built-in cloud when another is asked for", () => {
    const error = rejection("https://contoso.openai.azure.com", { cloud: "usGovernment" });
    expect(error.code).toBe("ENDPOINT_NOT_IN_CLOUD");
    expect(error.message).toMatch(/AzurePublicCloud \("public"\)/);
    expect(rejection("https://contoso.openai.azure.us", { cloud: "china" }).message).toMatch(
      /"usGovernment"/,
    );
  });
});

describe("parseEndpoint accepts the resource endpoint of each cloud", () => {
  const valid = [
    ["https://contoso.openai.azure.com", "public", "contoso", "openai"],
    ["https://contoso.openai.azure.com/", "public", "contoso", "openai"],
    ["https://Contoso.OpenAI.Azure.com/", "public", "contoso", "openai"],
    ["HTTPS://contoso.openai.azure.com", "public", "contoso", "openai"],
    [
      "https://my-resource-01.cognitiveservices.azure.com",
      "public",
      "my-resource-01",
      "cognitiveservices",
    ],
    ["https://contoso.services.ai.azure.com/", "public", "contoso", "services.ai"],
    ["https://ab.openai.azure.com", "public", "ab", "openai"],
    [`https://${"a".repeat(64)}.openai.azure.com`, "public", "a".repeat(64), "openai"],
    ["https://0contoso9.openai.azure.com", "public", "0contoso9", "openai"],
    ["https://contoso.openai.azure.us", "usGovernment", "contoso", "openai"],
    ["https://contoso.cognitiveservices.azure.us/", "usGovernment", "contoso", "cognitiveservices"],
    ["https://contoso.openai.azure.cn", "china", "contoso", "openai"],
    ["https://contoso.cognitiveservices.azure.cn", "china", "contoso", "cognitiveservices"],
  ] as const;

  it.each(valid)("accepts %s in cloud %s", (input, cloud, resourceName, surface) => {
    const endpoint = parseEndpoint(input, { cloud });
    expect(endpoint.resourceName).toBe(resourceName);
    expect(endpoint.surface).toBe(surface);
    expect(endpoint.cloud).toBe(clouds[cloud]);
    expect(endpoint.host).toBe(endpoint.host.toLowerCase());
    expect(endpoint.url).toBe(`https://${endpoint.host}`);
    expect(endpoint.url.endsWith("/")).toBe(false);
    expect(Object.isFrozen(endpoint)).toBe(true);
  });

  it("defaults to the public cloud", () => {
    expect(parseEndpoint("https://contoso.openai.azure.com").cloud).toBe(clouds.public);
  });

  it("accepts a URL object as well as a string", () => {
    const endpoint = parseEndpoint(new URL("https://contoso.openai.azure.com/"));
    expect(endpoint.url).toBe("https://contoso.openai.azure.com");
    expect(rejection(new URL("https://contoso.openai.azure.com/openai/v1/")).code).toBe(
      "ENDPOINT_PATH",
    );
  });
});

describe("parseEndpoint with a defined loopback cloud", () => {
  it("accepts <label><suffix> names with a port", () => {
    const endpoint = parseEndpoint("https://contoso.openai.localhost:43211/", {
      cloud: loopbackCloud,
    });
    expect(endpoint).toMatchObject({
      url: "https://contoso.openai.localhost:43211",
      host: "contoso.openai.localhost:43211",
      resourceName: "contoso",
      surface: "openai",
    });
    expect(endpoint.cloud).toBe(loopbackCloud);
  });

  it("takes the surface from the first label of the matched suffix", () => {
    const endpoint = parseEndpoint("https://fabrikam.cognitiveservices.localhost:1", {
      cloud: loopbackCloud,
    });
    expect(endpoint.surface).toBe("cognitiveservices");
  });

  it("drops the default port 443, which the WHATWG URL parser drops too", () => {
    const endpoint = parseEndpoint("https://contoso.openai.localhost:443", {
      cloud: loopbackCloud,
    });
    expect(endpoint.url).toBe("https://contoso.openai.localhost");
  });

  it.each([
    ["https://localhost:43211", "ENDPOINT_LOCALHOST"],
    ["https://contoso.localhost:43211", "ENDPOINT_LOCALHOST"],
    ["https://127.0.0.1:43211", "ENDPOINT_IP_ADDRESS"],
    ["https://[::1]:43211", "ENDPOINT_IP_ADDRESS"],
    ["https://a.b.openai.localhost:43211", "ENDPOINT_SUBDOMAIN_INVALID"],
    ["https://contoso.openai.localhost:0", "ENDPOINT_NOT_A_URL"],
    ["https://contoso.openai.localhost:65536", "ENDPOINT_NOT_A_URL"],
    ["https://contoso.openai.localhost:08080", "ENDPOINT_NOT_A_URL"],
    ["https://contoso.openai.localhost:1e3", "ENDPOINT_NOT_A_URL"],
    ["http://contoso.openai.localhost:43211", "ENDPOINT_NOT_HTTPS"],
    ["https://contoso.openai.azure.com", "ENDPOINT_NOT_IN_CLOUD"],
    ["https://contoso.openai.localhost:43211/openai/v1/", "ENDPOINT_PATH"],
  ] as const)("rejects %s", (input, code) => {
    expect(rejection(input, { cloud: loopbackCloud }).code).toBe(code);
  });

  it("names the public cloud when its endpoint is used with the loopback cloud", () => {
    const error = rejection("https://contoso.openai.azure.com", { cloud: loopbackCloud });
    expect(error.message).toMatch(/AzurePublicCloud \("public"\)/);
  });
});
