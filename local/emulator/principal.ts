// Who is calling. Tokens are accepted unverified (this is an emulator), but when a token is a
// JWT its claims become the caller, so Event Grid events carry realistic `claims` and
// `authorization.evidence`. The local credential mints such unsigned tokens.
import type { AccessToken, TokenCredential } from "@azure/core-auth";

import type { Principal } from "./types";

export const defaultTenantId = "72f988bf-0000-4000-8000-00000000a2c0";

export const localPrincipal: Principal = {
  objectId: "00000000-0000-4000-8000-0000000a0701",
  appId: "00000000-0000-4000-8000-0000000a0702",
  tenantId: defaultTenantId,
  claims: {
    aud: "https://management.azure.com/",
    iss: `https://sts.windows.net/${defaultTenantId}/`,
    appid: "00000000-0000-4000-8000-0000000a0702",
    "http://schemas.microsoft.com/identity/claims/objectidentifier": "00000000-0000-4000-8000-0000000a0701",
    ver: "1.0",
  },
};

/** The principal `azcmagent connect` runs as (a service principal used for onboarding). */
export const onboardingPrincipal: Principal = {
  objectId: "00000000-0000-4000-8000-0000000b0801",
  appId: "00000000-0000-4000-8000-0000000b0802",
  tenantId: defaultTenantId,
  claims: {
    aud: "https://management.azure.com/",
    iss: `https://sts.windows.net/${defaultTenantId}/`,
    appid: "00000000-0000-4000-8000-0000000b0802",
    "http://schemas.microsoft.com/identity/claims/objectidentifier": "00000000-0000-4000-8000-0000000b0801",
    ver: "1.0",
  },
};

const base64url = (text: string) => Buffer.from(text).toString("base64url");

/**
 * An unsigned JWT carrying the principal's claims (and `extraClaims`, which win: another
 * audience, `iat`/`nbf`). Only emulators accept it: this one, and Azurite, which checks the
 * claims but not the signature.
 */
export function mintToken(
  principal: Principal,
  expiresOn: number,
  extraClaims: Readonly<Record<string, string | number>> = {},
): string {
  const payload = {
    ...principal.claims,
    oid: principal.objectId,
    appid: principal.appId,
    tid: principal.tenantId,
    exp: Math.floor(expiresOn / 1000),
    ...extraClaims,
  };
  return `${base64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}.`;
}

export function emulatorCredential(
  principal: Principal = localPrincipal,
  now: () => number = Date.now,
): TokenCredential {
  return {
    getToken(): Promise<AccessToken> {
      const expiresOnTimestamp = now() + 3600_000;
      return Promise.resolve({ token: mintToken(principal, expiresOnTimestamp), expiresOnTimestamp });
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header, as ARM's front door reads it. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
}

export function principalFromToken(token: string): Principal {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return localPrincipal;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
    const text = (key: string) => (typeof claims[key] === "string" ? claims[key] : undefined);
    const objectId = text("oid") ?? text("http://schemas.microsoft.com/identity/claims/objectidentifier");
    if (!objectId) return localPrincipal;
    return {
      objectId,
      appId: text("appid") ?? text("azp") ?? objectId,
      tenantId: text("tid") ?? defaultTenantId,
      claims,
    };
  } catch {
    return localPrincipal;
  }
}
