// The app's identity against the emulator. On Azure, the Functions host gives the app a managed
// identity through App Service's local token endpoint: IDENTITY_ENDPOINT and IDENTITY_HEADER in
// the environment, which DefaultAzureCredential's ManagedIdentityCredential calls (GET
// `?api-version=2019-08-01&resource=…` with the `X-IDENTITY-HEADER` secret). The local host
// serves the same endpoint on loopback, minting the emulator's unsigned tokens for its local
// automation principal — so the app's own `armContextFromSettings` works offline unchanged, with
// no credential passed in and no developer login sent anywhere.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type { Clock } from "../clock";
import { localPrincipal, mintToken } from "../emulator/principal";

export interface ManagedIdentityEndpoint {
  /** The value for IDENTITY_ENDPOINT. */
  readonly url: string;
  /** The value for IDENTITY_HEADER. */
  readonly secret: string;
  /** Tokens handed out so far. */
  readonly tokensIssued: number;
  close(): Promise<void>;
}

export interface ManagedIdentityEndpointOptions {
  /** The emulator's clock: the token's `exp` claim is on it, as the emulator reads time. */
  readonly clock: Clock;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Defaults to a fresh random secret. */
  readonly secret?: string;
}

const appServiceMsiApiVersion = "2019-08-01";
const tokenPath = "/msi/token";
const tokenLifetimeMs = 3_600_000;

export async function startManagedIdentityEndpoint(
  options: ManagedIdentityEndpointOptions,
): Promise<ManagedIdentityEndpoint> {
  const secret = options.secret ?? randomBytes(24).toString("base64url");
  let tokensIssued = 0;
  const server = createServer((request, response) => {
    if (answer(request, response, secret, options.clock)) tokensIssued += 1;
  });
  const port = await listen(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}${tokenPath}`,
    secret,
    get tokensIssued() {
      return tokensIssued;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers one request as App Service's endpoint does; true when a token went out. */
function answer(request: IncomingMessage, response: ServerResponse, secret: string, clock: Clock): boolean {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const send = (status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(body));
  };
  if (request.method !== "GET" || url.pathname !== tokenPath) {
    send(404, { error: "not_found", error_description: `Only GET ${tokenPath} is served here.` });
    return false;
  }
  if (!sameSecret(request.headers["x-identity-header"], secret)) {
    send(401, {
      error: "unauthorized",
      error_description: "The X-IDENTITY-HEADER header is missing or wrong.",
    });
    return false;
  }
  const resource = url.searchParams.get("resource");
  if (url.searchParams.get("api-version") !== appServiceMsiApiVersion || !resource) {
    send(400, {
      error: "invalid_request",
      error_description: `Expected api-version=${appServiceMsiApiVersion} and a resource.`,
    });
    return false;
  }
  // MSAL caches the token by `expires_on` against the real wall clock, while the emulator reads
  // `exp` on its own (possibly virtual) clock and never rejects an old token; give each its time.
  const expiresOn = Math.floor((Date.now() + tokenLifetimeMs) / 1000);
  send(200, {
    access_token: tokenFor(resource, clock),
    expires_on: String(expiresOn),
    resource,
    token_type: "Bearer",
    client_id: localPrincipal.appId,
  });
  return true;
}

/**
 * The ARM emulator's token, or — for another resource, such as Blob storage
 * (`https://storage.azure.com`), whose local emulator Azurite checks `aud`, `iat`, `nbf` and
 * `exp` against the wall clock (not the signature) — one for that audience on the wall clock, as
 * Microsoft Entra ID issues a managed identity's token for the resource it asked for.
 */
function tokenFor(resource: string, clock: Clock): string {
  const armAudience = String(localPrincipal.claims.aud).replace(/\/+$/, "");
  if (resource.replace(/\/+$/, "") === armAudience) {
    return mintToken(localPrincipal, clock.now() + tokenLifetimeMs);
  }
  const issuedAt = Math.floor(Date.now() / 1000);
  return mintToken(localPrincipal, Date.now() + tokenLifetimeMs, {
    aud: resource,
    iat: issuedAt,
    nbf: issuedAt - 60,
  });
}

function sameSecret(presented: string | string[] | undefined, secret: string): boolean {
  const value = Array.isArray(presented) ? presented[0] : presented;
  if (value === undefined) return false;
  const a = Buffer.from(value);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
