// Where a dead-letter replay goes on: the runbook's own continuation, opaque to callers. Blob
// storage's listing marker alone can only resume at a page boundary, but a request may stop inside
// a page (its time budget, deadLetterReplay.ts), so the cursor holds the page's marker and the name
// of the last blob handled in it: the next request lists that page again and skips the blobs up to
// it (listedAfter). It also holds the prefix it was made for, so a
// continuation sent with another prefix is refused rather than silently listing the wrong blobs.
import { z } from "zod";

export interface ReplayCursor {
  /** Blob storage's marker of the page to list (absent: the first page). */
  readonly marker?: string;
  /** The last blob handled in that page; names up to it are skipped. */
  readonly after?: string;
  readonly prefix?: string;
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  marker: z.string().min(1).max(4096).optional(),
  after: z.string().min(1).max(1024).optional(),
  prefix: z.string().min(1).max(1024).optional(),
});

export function encodeReplayCursor(cursor: ReplayCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor }), "utf8").toString("base64url");
}

/** The cursor in `text`, or why it is not one this runbook gave. */
export function decodeReplayCursor(
  text: string,
  prefix: string | undefined,
): { readonly cursor: ReplayCursor } | { readonly problem: string } {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("not base64url");
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return {
      problem: "is not a continuation this runbook gave (send back the previous answer's continuation as is)",
    };
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) {
    return {
      problem: "is not a continuation this runbook gave (send back the previous answer's continuation as is)",
    };
  }
  const { v: _version, ...cursor } = result.data;
  if (cursor.prefix !== prefix) {
    return {
      problem: `was given for ${cursor.prefix === undefined ? "no prefix" : `the prefix '${cursor.prefix}'`}: send it with the same prefix`,
    };
  }
  return { cursor };
}

/**
 * The listed blobs after `after`, the last blob an earlier request handled. Storage documents its
 * listing order only as "alphabetical", so while that blob is still listed, everything up to it in
 * the page's own order was handled, whatever the exact collation. Once it is not (deleted, or a
 * smaller `maxBlobs` ended the page before it), names compare by their UTF-8 bytes: ordinal order,
 * which Event Grid's ASCII names (upper-case subscription, date, GUID) list in.
 */
export function listedAfter<T extends { readonly name: string }>(
  blobs: readonly T[],
  after: string | undefined,
): T[] {
  if (after === undefined) return [...blobs];
  const at = blobs.findIndex((blob) => blob.name === after);
  if (at >= 0) return blobs.slice(at + 1);
  const last = Buffer.from(after, "utf8");
  return blobs.filter((blob) => Buffer.compare(Buffer.from(blob.name, "utf8"), last) > 0);
}
