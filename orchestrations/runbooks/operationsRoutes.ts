// The operations any runbook starts: one status route and one cancel route for all of them.
// - GET  /api/operations/{id}         → 200 {runtimeStatus, progress (runbookProgress.ts), result}
// - POST /api/operations/{id}/cancel  → 202 terminated (Location: the status), 409 already ended, 404
// Only operation ids are accepted (isOperationId: runbook runs and the work they start), so these
// routes never expose or stop an arbitrary durable instance; another id is a 400.
import type { DurableClient } from "durable-functions";
import { z } from "zod";

import { isOperationId } from "../../shared/onboarding/instanceIds";
import { errorAnswer, notFound, ok, operationLinksSchema } from "../../shared/runbooks/http/answers";
import { defineRoute } from "../../shared/runbooks/http/route";
import { shorten } from "../../shared/text";
import { hasEnded, isNotFound } from "../durableStatus";
import { runbookProgressSchema } from "../runbookProgress";

const operationIdParam = z.strictObject({
  id: z
    .string()
    .max(160)
    .refine(
      isOperationId,
      "not an operation id: expected runbook-…, onboard-…, detach-…, gateway-… or register-…",
    )
    .meta({
      description: "The operation's id, as a runbook answered it.",
      example: "runbook-retire-gateway-arc-gw-eastus-0123456789abcdef",
    }),
});

const operationStatusSchema = z
  .object({
    id: z.string(),
    name: z.string().meta({ description: "The orchestrator running it, e.g. retireGateway_v1." }),
    runtimeStatus: z.enum([
      "Pending",
      "Running",
      "Completed",
      "Failed",
      "Terminated",
      "Canceled",
      "Suspended",
      "ContinuedAsNew",
      "Unknown",
    ]),
    createdAt: z.string(),
    lastUpdatedAt: z.string(),
    progress: runbookProgressSchema.nullable().meta({
      description:
        "Steps done and to do, the current step and what it waits for; null when the operation reports none.",
    }),
    detail: z
      .unknown()
      .optional()
      .meta({ description: "The operation's own status when it is not in the runbook progress shape." }),
    result: z.unknown().optional().meta({ description: "The outcome, once the operation has ended." }),
    operation: operationLinksSchema,
  })
  .meta({ id: "OperationStatus" });

type OperationStatus = z.infer<typeof operationStatusSchema>;
const runtimeStatuses = new Set(operationStatusSchema.shape.runtimeStatus.options as readonly string[]);

async function readStatus(client: DurableClient, id: string) {
  try {
    return await client.getStatus(id, { showInput: false });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const exampleId = "runbook-retire-gateway-arc-gw-eastus-0123456789abcdef";

export const operationStatusRoute = defineRoute({
  name: "operationStatus",
  method: "GET",
  route: "operations/{id}",
  role: "read",
  tag: "operations",
  summary: "Where an operation is: steps done of total, the current step, what it waits for, its result",
  params: operationIdParam,
  responses: {
    200: { description: "The operation's status.", body: operationStatusSchema },
    404: { description: "No such operation." },
  },
  example: { params: { id: exampleId } },
  handler: async ({ params }, context) => {
    const status = await readStatus(context.durable(), params.id);
    if (status === undefined) return notFound(`No operation ${params.id}`, "params.id");
    const progress = runbookProgressSchema.safeParse(status.customStatus);
    const runtimeStatus = String(status.runtimeStatus);
    const body: OperationStatus = {
      id: params.id,
      name: String(status.name),
      runtimeStatus: (runtimeStatuses.has(runtimeStatus)
        ? runtimeStatus
        : "Unknown") as OperationStatus["runtimeStatus"],
      createdAt: new Date(status.createdTime).toISOString(),
      lastUpdatedAt: new Date(status.lastUpdatedTime).toISOString(),
      progress: progress.success ? progress.data : null,
      ...(!progress.success && status.customStatus != null ? { detail: status.customStatus } : {}),
      ...(hasEnded(runtimeStatus) && status.output !== undefined ? { result: status.output } : {}),
      operation: context.operationLinks(params.id),
    };
    return ok(body);
  },
});

export const cancelOperationRoute = defineRoute({
  name: "cancelOperation",
  method: "POST",
  route: "operations/{id}/cancel",
  role: "operate",
  tag: "operations",
  summary: "Stops a running operation (what it already changed stays changed)",
  description:
    "Terminates the operation's orchestration. Steps already taken are not undone: a machine already moved " +
    "stays moved; a gateway deletion already sent goes on in Azure. GET the status URL for where it stopped.",
  params: operationIdParam,
  body: z.strictObject({
    reason: z.string().max(500).optional().meta({ description: "Recorded in the operation's history." }),
  }),
  responses: {
    202: {
      description: "Terminated; Location is the status URL.",
      body: z.object({ operation: operationLinksSchema }),
    },
    404: { description: "No such operation." },
    409: { description: "The operation has already ended." },
  },
  example: { params: { id: exampleId }, body: { reason: "Stopped by an operator" } },
  handler: async ({ params, body }, context) => {
    const client = context.durable();
    const links = context.operationLinks(params.id);
    const status = await readStatus(client, params.id);
    if (status === undefined) return notFound(`No operation ${params.id}`, "params.id");
    const runtimeStatus = String(status.runtimeStatus);
    if (hasEnded(runtimeStatus)) {
      return errorAnswer(409, "Conflict", `Operation ${params.id} has already ended (${runtimeStatus})`, {
        operation: links,
      });
    }
    const reason = shorten(body.reason?.trim() || "Cancelled through the runbook API", 500);
    try {
      await client.terminate(params.id, reason);
    } catch (error) {
      // It ended between the read and the terminate.
      if (isNotFound(error))
        return errorAnswer(409, "Conflict", `Operation ${params.id} has already ended`, { operation: links });
      throw error;
    }
    return { status: 202, headers: { location: links.statusUrl }, body: { operation: links } };
  },
});

export const operationsRoutes = [operationStatusRoute, cancelOperationRoute];
