import {
  adminConsentUrl,
  ConfigurationError,
  CrossTenantError,
  parseConsentRedirect,
} from "@crosstenant/core";
import { describe, expect, it } from "vitest";

const clientId = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const tenantId = "6f1c3b2a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
const redirect = "https://platform.example/consent/callback";

function thrownBy(action: () => unknown): CrossTenantError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CrossTenantError);
    return error as CrossTenantError;
  }
  throw new Error("nothing was thrown");
}

describe("adminConsentUrl", () => {
  it("points at the tenant's adminconsent endpoint of the public cloud by default", () => {
    expect(adminConsentUrl({ clientId, tenantId })).toBe(
      `https://login.microsoftonline.com/${tenantId}/adminconsent?client_id=${clientId}`,
    );
  });

  it("adds redirect_uri and state, encoded", () => {
    const url = new URL(
      adminConsentUrl({ clientId, tenantId, redirectUri: redirect, state: "a b&c=d" }),
    );
    expect(url.searchParams.get("redirect_uri")).toBe(redirect);
    expect(url.searchParams.get("state")).toBe("a b&c=d");
  });

  it("uses the authority host of the tenant's cloud", () => {
    expect(adminConsentUrl({ clientId, tenantId, cloud: "usGovernment" })).toMatch(
      /^https:\/\/login\.microsoftonline\.us\//,
    );
    expect(adminConsentUrl({ clientId, tenantId, cloud: "china" })).toMatch(
      /^https:\/\/login\.partner\.microsoftonline\.cn\//,
    );
  });

  it("accepts a verified domain as the tenant", () => {
    expect(adminConsentUrl({ clientId, tenantId: "contoso.onmicrosoft.com" })).toMatch(
      /\/contoso\.onmicrosoft\.com\/adminconsent\?/,
    );
  });

  it.each([
    [{ clientId: "platform-app", tenantId }, "clientId"],
    [{ clientId, tenantId: "common" }, "tenantId"],
    [{ clientId, tenantId: "Organizations" }, "tenantId"],
    [{ clientId, tenantId: "../evil" }, "tenantId"],
    [{ clientId, tenantId, redirectUri: "http://platform.example/cb" }, "redirectUri"],
    [{ clientId, tenantId, redirectUri: "/consent/callback" }, "redirectUri"],
    [{ clientId, tenantId, redirectUri: "https://u:p@platform.example/cb" }, "redirectUri"],
    [{ clientId, tenantId, state: "" }, "state"],
  ])("rejects %j naming %s", (options, path) => {
    const error = thrownBy(() => adminConsentUrl(options));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).issues[0]?.path).toBe(path);
  });

  it("allows an http redirect to localhost for local development", () => {
    expect(
      adminConsentUrl({ clientId, tenantId, redirectUri: "http://localhost:3000/cb" }),
    ).toContain("redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb");
  });
});

describe("parseConsentRedirect", () => {
  const state = "kq3v9Zp0xR";

  it("returns the consenting tenant on success", () => {
    const result = parseConsentRedirect(
      `${redirect}?admin_consent=True&tenant=${tenantId.toUpperCase()}&state=${state}`,
      { expectedState: state },
    );
    expect(result).toEqual({ tenantId, adminConsent: true });
  });

  it("accepts a URL object", () => {
    const url = new URL(`${redirect}?admin_consent=True&tenant=${tenantId}&state=${state}`);
    expect(parseConsentRedirect(url, { expectedState: state }).tenantId).toBe(tenantId);
  });

  it("throws CONSENT_MISSING for a refusal, pointing at the app-consent step", () => {
    const error = thrownBy(() =>
      parseConsentRedirect(
        `${redirect}?error=permission_denied&error_description=AADSTS65004%3A+User+declined+to+consent&tenant=${tenantId}&state=${state}`,
        { expectedState: state },
      ),
    );
    expect(error.code).toBe("CONSENT_MISSING");
    expect(error.checklistItem).toBe("app-consent");
    expect(error.tenantId).toBe(tenantId);
    expect(error.message).toMatch(/"permission_denied"/);
    expect(error.message).toMatch(/AADSTS65004: User declined/);
    expect(error.message).toMatch(/open the admin-consent link again/);
  });

  it.each([
    ["a different state", `?admin_consent=True&tenant=${tenantId}&state=other`],
    ["no state", `?admin_consent=True&tenant=${tenantId}`],
    ["a longer state", `?admin_consent=True&tenant=${tenantId}&state=${state}x`],
    ["a refusal with a forged state", "?error=permission_denied&state=forged"],
  ])("throws CONFIGURATION_INVALID for %s, which may be a forged redirect", (_, query) => {
    const error = thrownBy(() =>
      parseConsentRedirect(`${redirect}${query}`, { expectedState: state }),
    );
    expect(error.code).toBe("CONFIGURATION_INVALID");
    expect(error.message).toMatch(/state does not match.*forged/);
    expect(error.message).not.toContain(state);
  });

  it.each([
    ["no outcome", `?tenant=${tenantId}&state=${state}`],
    ["admin_consent=False", `?admin_consent=False&tenant=${tenantId}&state=${state}`],
    ["no tenant", `?admin_consent=True&state=${state}`],
    ["a tenant that is not a GUID", `?admin_consent=True&tenant=contoso&state=${state}`],
  ])("rejects a redirect with %s", (_, query) => {
    const error = thrownBy(() =>
      parseConsentRedirect(`${redirect}${query}`, { expectedState: state }),
    );
    expect(error.code).toBe("CONFIGURATION_INVALID");
  });

  it("requires the expected state and an absolute URL", () => {
    expect(thrownBy(() => parseConsentRedirect(redirect, { expectedState: "" })).code).toBe(
      "CONFIGURATION_INVALID",
    );
    expect(
      thrownBy(() => parseConsentRedirect("/callback?admin_consent=True", { expectedState: state }))
        .message,
    ).toMatch(/absolute URL/);
  });
});
