// Reads by resource id that every client module shares: a GET where 404 means "absent", and
// ARM's list paging (`{value: [...], nextLink}`; nextLink is an absolute URL that already
// carries api-version and the continuation token).
import { UnexpectedArmError } from "../errors";
import type { ArmContext } from "./armContext";
import { readObject, readString } from "./armPayload";

/** The resource body, or undefined when ARM answers 404 (the resource — or its parent — is absent). */
export async function findResourceBody(
  context: ArmContext,
  resourceId: string,
  apiVersion: string,
  query?: Readonly<Record<string, string>>,
): Promise<unknown> {
  const response = await context.send({
    method: "GET",
    path: resourceId,
    apiVersion,
    ...(query ? { query } : {}),
    allowStatus: [404],
  });
  return response.status === 404 ? undefined : response.body;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass back to read the next page; absent on the last page. */
  readonly nextLink?: string;
}

export interface ListRequest {
  /** The collection path, e.g. `/subscriptions/{s}/providers/Microsoft.HybridCompute/gateways`. */
  readonly path: string;
  readonly apiVersion: string;
}

/**
 * One page of a list. Items `parse` rejects (undefined) are skipped: a malformed entry should
 * not hide the rest of the fleet.
 */
export async function readPage<T>(
  context: ArmContext,
  request: ListRequest,
  parse: (item: unknown) => T | undefined,
  nextLink?: string,
): Promise<Page<T>> {
  const response = await context.send({
    method: "GET",
    path: nextLink ?? request.path,
    apiVersion: request.apiVersion,
  });
  const body = readObject(response.body);
  if (body.value !== undefined && !Array.isArray(body.value)) {
    throw new UnexpectedArmError(
      `ARM answered a list without a 'value' array (GET ${request.path})`,
      "InvalidListResponse",
    );
  }
  const items: T[] = [];
  for (const entry of (body.value as unknown[] | undefined) ?? []) {
    const item = parse(entry);
    if (item !== undefined) items.push(item);
  }
  const next = readString(body.nextLink);
  return next ? { items, nextLink: next } : { items };
}

/** Every item of a list, page by page. */
export async function* readAllPages<T>(
  context: ArmContext,
  request: ListRequest,
  parse: (item: unknown) => T | undefined,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let nextLink: string | undefined;
  do {
    const page = await readPage(context, request, parse, nextLink);
    yield* page.items;
    nextLink = page.nextLink;
    // A provider that hands back the same link again would otherwise loop forever.
    if (nextLink !== undefined) {
      if (seen.has(nextLink)) {
        throw new UnexpectedArmError(
          `ARM repeated a nextLink while listing ${request.path}`,
          "RepeatedNextLink",
        );
      }
      seen.add(nextLink);
    }
  } while (nextLink !== undefined);
}
