// One runbook route, declared once: its function name, method, route (under /api/), the role it
// needs, zod schemas for its path parameters, query and body (strict objects: an unknown field
// is a 400), its documented answers, an example request, and its handler. The same definition
// registers the HTTP trigger (register.ts), validates every request (serve.ts), feeds the OpenAPI
// document (openApi.ts) and drives the table-driven tests.
import type { InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { z } from "zod";

import type { ArmContext } from "../../azure/armContext";
import type { Settings } from "../../config";
import type { OperationLinks, RouteAnswer } from "./answers";
import type { RouteRole } from "./principal";

export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a strict object schema of a request part looks like. */
export type PartSchema = z.ZodObject;

export interface DocumentedAnswer {
  readonly description: string;
  /** The JSON body's schema; none for an empty body. */
  readonly body?: z.ZodType;
}

/** A request that the route answers with `status`: a test sends it, the OpenAPI document shows it. */
export interface RouteExample {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /**
   * True when sending this example again while the work it started still runs answers 409 (one
   * run per target): the table-driven tests check it for every such route.
   */
  readonly conflictOnRepeat?: boolean;
}

/** What a handler gets besides its validated input. */
export interface RouteContext {
  readonly settings: Settings;
  /** The durable client of this invocation (built on first use). */
  readonly durable: () => DurableClient;
  /** One ARM context for the process, over the app's identity (built on first use). */
  readonly arm: () => ArmContext;
  /** `https://<app>/api`, as the caller reached it: the base of status links. */
  readonly apiBaseUrl: string;
  /** Status and cancel URLs of an operation (see shared/runbooks/operationIds.ts). */
  operationLinks(instanceId: string): OperationLinks;
  /**
   * For ids the route found itself rather than received (a gateway's machines): throws a 403
   * RouteError naming the scope rule when `id` is outside ARC_SCOPES. `field` says where it came from.
   */
  ensureInScope(kind: "machine" | "gateway" | "scope", id: string, field: string): void;
  readonly log: InvocationContext;
}

export interface RouteInput<P extends PartSchema, Q extends PartSchema, B extends z.ZodType> {
  readonly params: z.output<P>;
  readonly query: z.output<Q>;
  readonly body: z.output<B>;
}

/** A route's fields besides its schemas and handler, the same declared (RouteSpec) and type-erased (AnyRoute). */
export interface RouteDescription {
  /** The function's name (unique in the app), e.g. `operationStatus`. */
  readonly name: string;
  readonly method: RouteMethod;
  /** The route under /api/, in the Functions template syntax: `operations/{id}`. */
  readonly route: string;
  readonly role: RouteRole;
  readonly summary: string;
  readonly description?: string;
  /** OpenAPI tag, e.g. `operations`, `gateways`, `machines`. */
  readonly tag: string;
  /** The answers this route gives on purpose (the framework adds 400/401/403/413/415/500). */
  readonly responses: Readonly<Record<number, DocumentedAnswer>>;
  /** A valid request; the table-driven tests start from it and break it one part at a time. */
  readonly example: RouteExample;
}

export interface RouteSpec<
  P extends PartSchema,
  Q extends PartSchema,
  B extends z.ZodType,
> extends RouteDescription {
  readonly params?: P;
  readonly query?: Q;
  /** A strict object schema; requests with an empty body are read as `{}`. */
  readonly body?: B;
  readonly handler: (input: RouteInput<P, Q, B>, context: RouteContext) => Promise<RouteAnswer>;
}

/** A route with its types erased, as lists and the framework hold it. */
export interface AnyRoute extends RouteDescription {
  readonly params: PartSchema;
  readonly query: PartSchema;
  readonly body: z.ZodType | undefined;
  readonly handler: (
    input: RouteInput<PartSchema, PartSchema, z.ZodType>,
    context: RouteContext,
  ) => Promise<RouteAnswer>;
}

const noFields = z.strictObject({});

/** Declares a route; its handler's input is typed from the schemas. */
export function defineRoute<
  P extends PartSchema = typeof noFields,
  Q extends PartSchema = typeof noFields,
  B extends z.ZodType = typeof noFields,
>(spec: RouteSpec<P, Q, B>): AnyRoute {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,127}$/.test(spec.name)) {
    throw new Error(`Route name '${spec.name}' must be a function name: a letter, then letters, digits or _`);
  }
  if (spec.route.startsWith("/") || /^api\//i.test(spec.route)) {
    throw new Error(`Route '${spec.name}': give the route without a leading / or api/ (${spec.route})`);
  }
  return {
    name: spec.name,
    method: spec.method,
    route: spec.route,
    role: spec.role,
    summary: spec.summary,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    tag: spec.tag,
    params: spec.params ?? noFields,
    query: spec.query ?? noFields,
    body: spec.body,
    responses: spec.responses,
    example: spec.example,
    handler: spec.handler,
  };
}
