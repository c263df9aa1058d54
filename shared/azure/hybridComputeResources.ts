// Reads that Arc machines and Arc gateways share as top-level Microsoft.HybridCompute resources:
// one by id (404 means absent), and their collection in a subscription or one resource group,
// page by page.
import { NotFoundError } from "../errors";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { readObject, readString } from "./armPayload";
import { findResourceBody, type ListRequest, type Page, readAllPages, readPage } from "./armReads";

/** A subscription, or one resource group in it. */
export interface HybridComputeScope {
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
}

export interface HybridComputeResourceType<T> {
  /** The collection's segment: `machines`, `gateways`. */
  readonly collection: string;
  /** What a 404 calls the resource: `Arc machine`. */
  readonly label: string;
  /** The canonical resource id for an id the caller gave; throws when it is not one of this type. */
  readonly resourceId: (id: string) => string;
  /** Maps a body onto the domain object; `fallbackId` is the id asked for. */
  readonly parse: (body: unknown, fallbackId?: string) => T | undefined;
}

export interface HybridComputeResources<T> {
  /** The resource, or undefined when it does not exist (ARM's 404). */
  readonly find: (context: ArmContext, id: string) => Promise<T | undefined>;
  /** The resource, or NotFoundError. */
  readonly get: (context: ArmContext, id: string) => Promise<T>;
  /** One page of the collection in a subscription or resource group; pass `nextLink` back for the next. */
  readonly listPage: (context: ArmContext, scope: HybridComputeScope, nextLink?: string) => Promise<Page<T>>;
  /** The whole collection in a subscription or resource group, following nextLink. */
  readonly listAll: (context: ArmContext, scope: HybridComputeScope) => AsyncGenerator<T, void, undefined>;
}

export function hybridComputeResources<T>(type: HybridComputeResourceType<T>): HybridComputeResources<T> {
  const parseItem = (item: unknown) => type.parse(item);
  const collection = (scope: HybridComputeScope): ListRequest => {
    const group = scope.resourceGroup ? `/resourceGroups/${scope.resourceGroup}` : "";
    return {
      path: `/subscriptions/${scope.subscriptionId}${group}/providers/Microsoft.HybridCompute/${type.collection}`,
      apiVersion: apiVersions.hybridCompute,
    };
  };
  const find = async (context: ArmContext, id: string): Promise<T | undefined> => {
    const resourceId = type.resourceId(id);
    const body = await findResourceBody(context, resourceId, apiVersions.hybridCompute);
    return body === undefined ? undefined : type.parse(body, resourceId);
  };
  return {
    find,
    get: async (context, id) => {
      const resource = await find(context, id);
      if (!resource) throw new NotFoundError(`${type.label} ${id} was not found`, "ResourceNotFound", 404);
      return resource;
    },
    listPage: (context, scope, nextLink) => readPage(context, collection(scope), parseItem, nextLink),
    listAll: (context, scope) => readAllPages(context, collection(scope), parseItem),
  };
}

/**
 * The id a body reports when `parseId` accepts it, otherwise `fallbackId` (the id asked for);
 * undefined when there is neither, and the entry cannot be addressed.
 */
export function reportedIdOr(
  body: unknown,
  parseId: (id: string) => unknown,
  fallbackId: string | undefined,
): string | undefined {
  const reportedId = readString(readObject(body).id);
  if (reportedId === undefined) return fallbackId;
  try {
    parseId(reportedId);
    return reportedId;
  } catch {
    return fallbackId;
  }
}
