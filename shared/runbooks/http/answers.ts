// What a runbook route answers. Success bodies are the route's own; every failure has one shape,
// `{ error: { code, message, field?, operation? } }`, so an operator's script reads one thing:
// `field` names the part of the request at fault (`body.machineIds[2]`, `query.dryRun`,
// `params.id`), and `operation` the running work a 409 collided with.
import { z } from "zod";

export interface RouteAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where an operation's status and cancel live (no key in them: the caller adds its own). */
export interface OperationLinks {
  readonly id: string;
  readonly statusUrl: string;
  readonly cancelUrl: string;
}

export const operationLinksSchema = z
  .object({
    id: z.string().meta({ description: "The operation's id (its durable instance id)." }),
    statusUrl: z.string().meta({ description: "GET it for steps done, the current step and the result." }),
    cancelUrl: z.string().meta({ description: "POST to it to stop the operation." }),
  })
  .meta({ id: "OperationLinks" });

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ description: "Stable, machine-readable: InvalidInput, OutOfScope, NotFound, Conflict…" }),
      message: z.string(),
      field: z
        .string()
        .optional()
        .meta({ description: "The part of the request at fault, e.g. body.machineIds[2]." }),
      operation: operationLinksSchema
        .optional()
        .meta({ description: "On 409: the running operation in the way." }),
    }),
  })
  .meta({ id: "Error" });

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Thrown anywhere under a route's handler to answer a failure in the common shape. */
export class RouteError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly operation?: OperationLinks;
  readonly headers?: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    details: { field?: string; operation?: OperationLinks; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
    this.name = "RouteError";
    this.status = status;
    this.code = code;
    if (details.field !== undefined) this.field = details.field;
    if (details.operation !== undefined) this.operation = details.operation;
    if (details.headers !== undefined) this.headers = details.headers;
  }

  answer(): RouteAnswer {
    return errorAnswer(this.status, this.code, this.message, {
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.operation !== undefined ? { operation: this.operation } : {}),
      ...(this.headers !== undefined ? { headers: this.headers } : {}),
    });
  }
}

export function errorAnswer(
  status: number,
  code: string,
  message: string,
  details: { field?: string; operation?: OperationLinks; headers?: Readonly<Record<string, string>> } = {},
): RouteAnswer {
  const body: ErrorBody = {
    error: {
      code,
      message,
      ...(details.field !== undefined ? { field: details.field } : {}),
      ...(details.operation !== undefined ? { operation: details.operation } : {}),
    },
  };
  return { status, body, ...(details.headers !== undefined ? { headers: details.headers } : {}) };
}

/** 200 with a JSON body. */
export function ok(body: unknown): RouteAnswer {
  return { status: 200, body };
}

/** 202 for started work: `Location` is the operation's status URL, the body carries both links. */
export function accepted(
  operation: OperationLinks,
  body: Readonly<Record<string, unknown>> = {},
): RouteAnswer {
  return { status: 202, headers: { location: operation.statusUrl }, body: { ...body, operation } };
}

/** 409: the same target already has work running; the answer points at it. */
export function conflict(operation: OperationLinks, message: string): RouteAnswer {
  return errorAnswer(409, "Conflict", message, { operation });
}

/** 404 for a resource or operation the request named that does not exist. */
export function notFound(message: string, field?: string): RouteAnswer {
  return errorAnswer(404, "NotFound", message, field !== undefined ? { field } : {});
}
