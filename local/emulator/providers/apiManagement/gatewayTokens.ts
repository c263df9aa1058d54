// Self-hosted gateway keys and tokens. A gateway has a primary and a secondary key; a token is
// `{gatewayName}&{yyyyMMddHHmm expiry}&{base64 HMAC-SHA512 signature}` — the shape of the spec's
// generateToken example (`gw1&201904210044&9A1GR1f5...==`) — and the gateway sends it as
// `GatewayKey {token}` (the extension's `gateway.auth.token`). The emulator signs
// `{gatewayName}\n{expiry}` with the key, so it can tell which key made a token and whether that
// key has since been regenerated. Keys never enter the stored resource bodies (the admin
// state snapshot shows those), only this side table.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

import { normalizeResourceId } from "../../../../shared/resourceId";
import { type EmulatorState, perState } from "../../state";
import type { EmulatorContext } from "../../types";

export type GatewayKeyType = "primary" | "secondary";

interface GatewayKeys {
  primary: string;
  secondary: string;
}

const table = perState(() => new Map<string, GatewayKeys>());

function newKey(context: EmulatorContext): string {
  return createHash("sha512").update(`gateway-key:${context.random.uuid()}`).digest("base64");
}

/** The gateway's keys, made on first use (a gateway gets both when it is created). */
export function gatewayKeys(context: EmulatorContext, gatewayId: string): GatewayKeys {
  const keys = table(context.state);
  const key = normalizeResourceId(gatewayId);
  let found = keys.get(key);
  if (!found) {
    found = { primary: newKey(context), secondary: newKey(context) };
    keys.set(key, found);
  }
  return found;
}

export function regenerateGatewayKey(
  context: EmulatorContext,
  gatewayId: string,
  keyType: GatewayKeyType,
): void {
  gatewayKeys(context, gatewayId)[keyType] = newKey(context);
}

export function forgetGatewayKeys(state: EmulatorState, gatewayId: string): void {
  table(state).delete(normalizeResourceId(gatewayId));
}

/** `yyyyMMddHHmm` in UTC: the token carries its expiry to the minute. */
function stampOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 12);
}

function msOfStamp(stamp: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi);
}

function sign(key: string, gatewayName: string, stamp: string): string {
  return createHmac("sha512", Buffer.from(key, "base64")).update(`${gatewayName}\n${stamp}`).digest("base64");
}

/** generateToken's value (no `GatewayKey ` prefix, as the API returns it). Expiry is cut to the minute. */
export function issueGatewayToken(
  context: EmulatorContext,
  gatewayId: string,
  gatewayName: string,
  keyType: GatewayKeyType,
  expiresAt: number,
): string {
  const stamp = stampOf(expiresAt);
  return `${gatewayName}&${stamp}&${sign(gatewayKeys(context, gatewayId)[keyType], gatewayName, stamp)}`;
}

export interface TokenCheck {
  /** The gateway name the token was made for. */
  readonly gatewayName: string;
  readonly expiresAt: number;
  /** Which of the gateway's current keys signed it; undefined when neither does (forged or regenerated). */
  readonly keyType: GatewayKeyType | undefined;
}

/** Reads a `GatewayKey …` value as the gateway sends it; undefined when it is not one at all. */
export function readGatewayToken(
  value: string,
): { gatewayName: string; stamp: string; signature: string } | undefined {
  const m = /^GatewayKey (.+)$/.exec(value.trim());
  if (!m) return undefined;
  const parts = (m[1] ?? "").split("&");
  if (parts.length !== 3) return undefined;
  const [gatewayName, stamp, signature] = parts as [string, string, string];
  if (!gatewayName || msOfStamp(stamp) === undefined || !signature) return undefined;
  return { gatewayName, stamp, signature };
}

/** Checks a `GatewayKey …` value against one gateway's current keys. */
export function checkGatewayToken(
  context: EmulatorContext,
  gatewayId: string,
  gatewayName: string,
  value: string,
): TokenCheck | undefined {
  const token = readGatewayToken(value);
  if (!token || token.gatewayName.toLowerCase() !== gatewayName.toLowerCase()) return undefined;
  const expiresAt = msOfStamp(token.stamp)!;
  const keys = gatewayKeys(context, gatewayId);
  const given = Buffer.from(token.signature);
  const keyType = (["primary", "secondary"] as const).find((type) => {
    const expected = Buffer.from(sign(keys[type], token.gatewayName, token.stamp));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return { gatewayName: token.gatewayName, expiresAt, keyType };
}

/** A short fingerprint of a secret, for admin views that must show which value is set but never the value. */
export function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 12);
}
