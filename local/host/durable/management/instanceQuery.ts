// Instance queries of the management API (Learn "HTTP API reference" for Durable Functions, get
// all instances status): filters createdTimeFrom/To,
// runtimeStatus and instanceIdPrefix, pages of `top` with an opaque `x-ms-continuation-token`
// (absent on the last page — the JS client follows any non-empty token).
import type { InstanceRecord, RuntimeStatus } from "../store/instanceRecord";

export interface InstanceFilter {
  readonly createdTimeFrom?: Date | number;
  readonly createdTimeTo?: Date | number;
  readonly runtimeStatus?: readonly RuntimeStatus[];
  readonly instanceIdPrefix?: string;
}

export interface PageRequest {
  readonly top?: number;
  readonly continuationToken?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Set when more items follow. */
  readonly continuationToken: string | undefined;
}

const asMs = (value: Date | number) => (typeof value === "number" ? value : value.getTime());

export function matchesFilter(record: InstanceRecord, filter: InstanceFilter): boolean {
  if (filter.createdTimeFrom !== undefined && record.createdAt < asMs(filter.createdTimeFrom)) return false;
  if (filter.createdTimeTo !== undefined && record.createdAt > asMs(filter.createdTimeTo)) return false;
  if (
    filter.runtimeStatus &&
    filter.runtimeStatus.length > 0 &&
    !filter.runtimeStatus.includes(record.status)
  ) {
    return false;
  }
  if (filter.instanceIdPrefix !== undefined && !record.instanceId.startsWith(filter.instanceIdPrefix))
    return false;
  return true;
}

export function pageOf<T>(items: readonly T[], request: PageRequest): Page<T> {
  const start = request.continuationToken ? decodeToken(request.continuationToken) : 0;
  const size = request.top !== undefined && request.top > 0 ? request.top : items.length;
  const end = start + size;
  return {
    items: items.slice(start, end),
    continuationToken: end < items.length ? encodeToken(end) : undefined,
  };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64");
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { offset?: unknown };
    return typeof parsed.offset === "number" && parsed.offset >= 0 ? parsed.offset : 0;
  } catch {
    return 0;
  }
}
