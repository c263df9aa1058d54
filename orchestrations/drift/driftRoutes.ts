// The drift sweep's runbook routes:
// - POST /api/drift/sweeps `{ dryRun? }` — starts a sweep now (besides the timer's) and answers
//   202 with its operation; with dryRun it only reports: its result is the same report, and
//   nothing is written.
// - GET /api/drift/report — the last finished sweep's report (timer or runbook, dry run or not):
//   counts per drift kind and outcome, compliance per scope, the machines not in their desired
//   state with reasons and local commands, duration and the requests it cost. 404 before any.
import { randomBytes } from "node:crypto";

import { z } from "zod";

import { driftReportSchema, driftSweepOutputSchema } from "../../shared/drift/report";
import { manualSweepInstanceId } from "../../shared/drift/schedule";
import { accepted, notFound, ok } from "../../shared/runbooks/http/answers";
import { defineRoute } from "../../shared/runbooks/http/route";
import { findInstanceStatus } from "../durableStatus";
import { latestSweepId } from "./sweepActivities";
import { startSweep } from "./sweepStarter";

const sweepAccepted = z
  .object({
    runbook: z.literal("drift-sweep"),
    dryRun: z.boolean(),
    operation: z.object({ id: z.string(), statusUrl: z.string(), cancelUrl: z.string() }),
  })
  .meta({ id: "DriftSweepAccepted" });

export const startDriftSweepRoute = defineRoute({
  name: "startDriftSweep",
  method: "POST",
  route: "drift/sweeps",
  role: "operate",
  tag: "drift",
  summary: "Sweep the fleet for drift now: repair it, or with dryRun only report it",
  description:
    "Starts a drift sweep over ARC_SCOPES: the inventory from Resource Graph, per-machine reads inside the read " +
    "budget, each machine planned with the onboarding planner and classified; fixable drift is repaired through " +
    "each machine's onboarding (trigger drift). The operation's result is the report; with dryRun nothing is written.",
  body: z
    .strictObject({
      dryRun: z
        .boolean()
        .default(false)
        .meta({ description: "Report only: the result is the same report, and nothing is written." }),
    })
    .meta({ id: "DriftSweepRequest" }),
  responses: {
    202: {
      description: "Accepted: the operation's status URL is in Location and the body.",
      body: sweepAccepted,
    },
  },
  example: { body: { dryRun: true } },
  async handler({ body }, context) {
    const instanceId = manualSweepInstanceId(randomBytes(16).toString("hex"));
    await startSweep(context.durable(), instanceId, { dryRun: body.dryRun, trigger: "runbook" });
    return accepted(context.operationLinks(instanceId), { runbook: "drift-sweep", dryRun: body.dryRun });
  },
});

export const driftReportRoute = defineRoute({
  name: "driftReport",
  method: "GET",
  route: "drift/report",
  role: "read",
  tag: "drift",
  summary: "The last drift sweep's report: drift per kind, compliance per scope, the machines and why",
  responses: {
    200: {
      description: "The last finished sweep's report.",
      body: driftReportSchema.meta({ id: "DriftReport" }),
    },
    404: { description: "No sweep has finished yet." },
  },
  example: {},
  async handler(_request, context) {
    const client = context.durable();
    const sweepId = await latestSweepId(client);
    const status = sweepId === undefined ? undefined : await findInstanceStatus(client, sweepId);
    const output = driftSweepOutputSchema.safeParse(status?.output);
    if (!output.success)
      return notFound("No drift sweep has finished yet: start one with POST /api/drift/sweeps");
    return ok(output.data.report);
  },
});

export const driftRoutes = [startDriftSweepRoute, driftReportRoute];
