// What arc-autopilot records on a connected cluster after it deployed a gateway or rotated its
// token: the key the token was generated from, when it expires and the extension's name, in one
// tag (ARC_APIM_TOKEN_TAG) — `primary;2027-01-05T00:00:00Z;apim-gateway;<gateway digest>`. Never the token.
// The rotation finds its clusters by this tag and generates the next token from the other key,
// so regenerating the key the running token came from never cuts a gateway off mid-rotation.
import { createHash } from "node:crypto";

import { z } from "zod";

import { normalizeResourceId } from "../resourceId";

export const keyTypes = ["primary", "secondary"] as const;
export type KeyType = (typeof keyTypes)[number];

export const tokenRecordSchema = z.strictObject({
  keyType: z.enum(keyTypes),
  /** ISO 8601, UTC. */
  expiresOn: z.string().min(1).max(64),
  extensionName: z.string().min(1).max(63),
});

export type TokenRecord = z.output<typeof tokenRecordSchema>;

/**
 * `key;expiry;extension;gateway` — the last part 12 hex digits of the gateway's id, so a cluster
 * tagged with another gateway (even of the same service) is not taken as deployed already.
 */
export function formatTokenTag(record: TokenRecord, gatewayId?: string): string {
  const base = `${record.keyType};${isoSeconds(Date.parse(record.expiresOn))};${record.extensionName}`;
  return gatewayId === undefined ? base : `${base};${gatewayDigest(gatewayId)}`;
}

/** 12 hex digits of SHA-256 of the gateway's id as ARM compares it (any casing). */
export function gatewayDigest(gatewayId: string): string {
  return createHash("sha256").update(normalizeResourceId(gatewayId)).digest("hex").slice(0, 12);
}

/** The gateway digest a tag value carries, when it carries one. */
export function tokenTagGateway(value: string | undefined): string | undefined {
  const digest = value?.split(";")[3];
  return digest !== undefined && /^[0-9a-f]{12}$/.test(digest) ? digest : undefined;
}

/** The record a tag value holds, or undefined when it is not one of ours. */
export function parseTokenTag(value: string | undefined): TokenRecord | undefined {
  if (value === undefined) return undefined;
  const [keyType, expiresOn, extensionName, digest, ...rest] = value.split(";");
  if (rest.length > 0 || keyType === undefined || expiresOn === undefined || extensionName === undefined)
    return undefined;
  if (digest !== undefined && !/^[0-9a-f]{12}$/.test(digest)) return undefined;
  const time = Date.parse(expiresOn);
  if (Number.isNaN(time)) return undefined;
  const parsed = tokenRecordSchema.safeParse({
    keyType,
    expiresOn: isoSeconds(time),
    extensionName,
  });
  return parsed.success ? parsed.data : undefined;
}

/** The key a new token comes from: the one the current token was not made from. */
export function nextKeyType(current: KeyType | undefined): KeyType {
  return current === "primary" ? "secondary" : "primary";
}

/** Reads a tag case-insensitively (ARM tag names compare that way). */
export function tagValue(tags: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(tags)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** `tags` with `name` set to `value`, replacing any casing of it. */
export function withTag(
  tags: Readonly<Record<string, string>>,
  name: string,
  value: string,
): Record<string, string> {
  const wanted = name.toLowerCase();
  const next = Object.fromEntries(Object.entries(tags).filter(([key]) => key.toLowerCase() !== wanted));
  next[name] = value;
  return next;
}

/** `tags` without `name` in any casing. */
export function withoutTag(tags: Readonly<Record<string, string>>, name: string): Record<string, string> {
  const wanted = name.toLowerCase();
  return Object.fromEntries(Object.entries(tags).filter(([key]) => key.toLowerCase() !== wanted));
}

/** Whether a token expiring at `expiresOn` is due for rotation at `nowMs` within `windowDays`. */
export function isRotationDue(expiresOn: string, nowMs: number, windowDays: number): boolean {
  return Date.parse(expiresOn) - nowMs <= windowDays * 24 * 3600_000;
}

/**
 * The expiry to ask for: `days` from now, to the second and never more than 30 days (API
 * Management's maximum; a minute is kept back so clock skew cannot push the request over).
 */
export function tokenExpiry(nowMs: number, days: number): string {
  const max = 30 * 24 * 3600_000 - 60_000;
  const wanted = Math.min(days * 24 * 3600_000, max);
  const at = Math.floor((nowMs + wanted) / 1000) * 1000;
  return isoSeconds(at);
}

/** Milliseconds since the epoch of an ISO time (deterministic; orchestrators use it). */
export function timeMs(iso: string): number {
  return Date.parse(iso);
}

/** ISO 8601 UTC, without milliseconds when there are none (`2027-01-05T00:00:00Z`). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}
