// The onboarding runbook routes:
// - POST /api/machines/onboard — one machine or many (`machineIds`, or a `scope` with optional
//   `tags`), `dryRun` for the plans alone; starts `onboardFleet_v1` and answers 202 with its
//   status URL. A machine whose onboarding is already running is reported in the result, not
//   refused; a machine whose detach is running is a 409 (the two would fight over its gateway);
//   a list of which no machine exists is a 404 (some missing: each is reported in the result).
// - GET /api/machines/{subscriptionId}/{resourceGroup}/{name} — the machine's plan now (what is
//   missing and why) and its last onboarding run; 404 when the machine does not exist.
import { randomBytes } from "node:crypto";

import { z } from "zod";

import { findMachine } from "../../shared/azure/machines";
import { resourceGroupField, subscriptionIdField, tagFilterField } from "../../shared/onboarding/fleet";
import { detachInstanceId, runbookInstanceId } from "../../shared/onboarding/instanceIds";
import { machineResourceId, parseResourceId } from "../../shared/resourceId";
import { accepted, notFound, ok, RouteError } from "../../shared/runbooks/http/answers";
import { machineIdField, scopeIdField } from "../../shared/runbooks/http/fields";
import { defineRoute, type RouteContext } from "../../shared/runbooks/http/route";
import { findInstanceStatus, hasEnded } from "../durableStatus";
import { orchestratorNames } from "../orchestratorNames";
import { machineStatus } from "./machineStatus";

const exampleSubscription = "00000000-0000-0000-0000-000000000000";

const onboardBody = z
  .strictObject({
    machineIds: z
      .array(machineIdField())
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: "The machines to onboard (at most 1,000); or give `scope`." }),
    scope: scopeIdField().optional().meta({
      description: "Every machine of this subscription or resource group (listed through Resource Graph).",
    }),
    tags: tagFilterField
      .optional()
      .meta({ description: "With `scope`: only machines carrying each of these tags with this value." }),
    dryRun: z
      .boolean()
      .default(false)
      .meta({ description: "Plan only: the result lists each machine's plan and nothing is written." }),
  })
  .superRefine((body, ctx) => {
    if ((body.machineIds === undefined) === (body.scope === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["machineIds"],
        message: "give either machineIds or scope, not both or neither",
      });
    }
    if (body.tags !== undefined && body.scope === undefined) {
      ctx.addIssue({ code: "custom", path: ["tags"], message: "tags narrow a scope: give scope with them" });
    }
  })
  .meta({ id: "OnboardRequest" });

const operationAccepted = z
  .object({
    runbook: z.literal("onboard"),
    dryRun: z.boolean(),
    operation: z.object({ id: z.string(), statusUrl: z.string(), cancelUrl: z.string() }),
  })
  .meta({ id: "OnboardAccepted" });

export const onboardMachinesRoute = defineRoute({
  name: "onboardMachines",
  method: "POST",
  route: "machines/onboard",
  role: "operate",
  tag: "machines",
  summary: "Onboard one machine or many (or plan them with dryRun)",
  description:
    "Starts the onboard runbook: each machine's own onboarding (observe, plan, act) is started or, if running, " +
    "waited for, in waves paced inside ARM's read budget; the operation's result lists each machine's outcome. " +
    "With dryRun the result is each machine's plan and nothing is written. Also how a machine that ended " +
    "pending or needs-local-action is run again once fixed.",
  body: onboardBody,
  responses: {
    202: {
      description: "Accepted: the operation's status URL is in Location and the body.",
      body: operationAccepted,
    },
    404: { description: "None of the listed machines exists." },
    409: { description: "A detach of one of the machines is running." },
  },
  example: {
    body: {
      scope: `/subscriptions/${exampleSubscription}/resourceGroups/rg-fleet`,
      tags: { env: "prod" },
      dryRun: true,
    },
  },
  async handler({ body }, context) {
    if (body.machineIds !== undefined) {
      await refuseNoneExists(body.machineIds, context);
      await refuseRunningDetach(body.machineIds, context);
    }
    const targets =
      body.machineIds !== undefined
        ? { machineIds: body.machineIds }
        : { scope: scopeOf(body.scope!, body.tags) };
    const instanceId = runbookInstanceId("onboard", { unique: randomBytes(16).toString("hex") });
    await context.durable().startNew(orchestratorNames.onboardFleet, {
      instanceId,
      input: { targets, dryRun: body.dryRun, trigger: "runbook" },
    });
    return accepted(context.operationLinks(instanceId), { runbook: "onboard", dryRun: body.dryRun });
  },
});

function scopeOf(scopeId: string, tags: Readonly<Record<string, string>> | undefined) {
  const parsed = parseResourceId(scopeId);
  return {
    subscriptionId: parsed.subscriptionId,
    ...(parsed.resourceGroup !== undefined ? { resourceGroup: parsed.resourceGroup } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
}

/**
 * 404 when not one of the listed machines exists (a single mistyped id is the common case). Reads
 * until the first that does, a few at a time, so a real list costs one or a few GETs; a list with
 * some machines missing is started, and the result reports each missing one (MachineNotFound).
 */
async function refuseNoneExists(machineIds: readonly string[], context: RouteContext): Promise<void> {
  const arm = context.arm();
  for (let start = 0; start < machineIds.length; start += 8) {
    const batch = machineIds.slice(start, start + 8);
    const found = await Promise.all(batch.map((id) => findMachine(arm, id)));
    if (found.some((machine) => machine !== undefined)) return;
  }
  throw new RouteError(
    404,
    "NotFound",
    machineIds.length === 1
      ? `body.machineIds[0]: ${machineIds[0]} does not exist`
      : `body.machineIds: none of the ${machineIds.length} machines exists`,
    { field: machineIds.length === 1 ? "body.machineIds[0]" : "body.machineIds" },
  );
}

/** 409 when one of the machines is being detached: onboarding it now would undo the detach. */
async function refuseRunningDetach(machineIds: readonly string[], context: RouteContext): Promise<void> {
  const client = context.durable();
  let next = 0;
  let busy: { machineId: string; instanceId: string } | undefined;
  const check = async () => {
    while (next < machineIds.length && !busy) {
      const machineId = machineIds[next++]!;
      const instanceId = detachInstanceId(machineId);
      const status = await findInstanceStatus(client, instanceId);
      if (status && !hasEnded(status.runtimeStatus)) busy = { machineId, instanceId };
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, machineIds.length) }, check));
  if (busy) {
    throw conflictError(
      context,
      busy.instanceId,
      `${busy.machineId} is being detached from its gateway; onboard it once the detach has ended`,
    );
  }
}

/** A 409 naming the running operation in the way. */
export function conflictError(context: RouteContext, instanceId: string, message: string): RouteError {
  return new RouteError(409, "Conflict", message, { operation: context.operationLinks(instanceId) });
}

// ---------- machine status ----------

/** An Arc machine's name ([spec] HybridCompute machineName pattern). */
export const machineNameField = z
  .string()
  .regex(/^[a-zA-Z0-9-_.]{1,54}$/, "an Arc machine name (1-54 letters, digits, - _ .)");

/** The path of one machine: `machines/{subscriptionId}/{resourceGroup}/{name}`. */
export const machinePathParams = z.strictObject({
  subscriptionId: subscriptionIdField,
  resourceGroup: resourceGroupField,
  name: machineNameField,
});

/** The machine id a path names, checked against ARC_SCOPES (403 naming the rule). */
export function machineIdOf(params: z.output<typeof machinePathParams>, context: RouteContext): string {
  const id = machineResourceId({
    subscriptionId: params.subscriptionId,
    resourceGroup: params.resourceGroup,
    machineName: params.name,
  });
  context.ensureInScope("machine", id, "params.name");
  return id;
}

const planSchema = z
  .object({
    machineId: z.string(),
    outcome: z.enum(["ready", "done", "skipped", "pending", "needs-local-action", "failed"]),
    code: z.string().optional(),
    message: z.string(),
    steps: z.array(z.object({ kind: z.string(), message: z.string() })),
    warnings: z.array(z.string()),
    localAction: z
      .object({ osType: z.string(), commands: z.array(z.string()), explanation: z.string() })
      .optional(),
  })
  .meta({ id: "MachinePlan", description: "What a run would do now, or why it would stop." });

const machineStatusSchema = z
  .object({
    machineId: z.string(),
    exists: z.boolean(),
    machine: z.record(z.string(), z.unknown()).optional(),
    plan: planSchema,
    lastRun: z
      .object({
        instanceId: z.string(),
        runtimeStatus: z.string(),
        createdTime: z.string(),
        lastUpdatedTime: z.string(),
        progress: z.unknown().optional(),
        result: z.record(z.string(), z.unknown()).optional(),
      })
      .optional()
      .meta({ description: "The machine's last onboarding run: its status and, once ended, its outcome." }),
  })
  .meta({ id: "MachineStatus" });

export const machineStatusRoute = defineRoute({
  name: "machineStatus",
  method: "GET",
  route: "machines/{subscriptionId}/{resourceGroup}/{name}",
  role: "read",
  tag: "machines",
  summary: "A machine's plan now and its last onboarding outcome",
  params: machinePathParams,
  responses: {
    200: {
      description: "The machine's plan (what is missing and why) and its last run.",
      body: machineStatusSchema,
    },
    404: { description: "The machine does not exist." },
  },
  example: { params: { subscriptionId: exampleSubscription, resourceGroup: "rg-fleet", name: "web-01" } },
  async handler({ params }, context) {
    const machineId = machineIdOf(params, context);
    const view = await machineStatus(
      { arm: context.arm(), settings: context.settings },
      context.durable(),
      machineId,
    );
    if (!view.exists) return notFound(`${machineId} does not exist`, "params.name");
    return ok(view);
  },
});

export const onboardingRoutes = [onboardMachinesRoute, machineStatusRoute];

/** The status of a running instance under `instanceId`, or undefined when none runs. */
export async function runningInstance(
  context: RouteContext,
  instanceId: string,
): Promise<{ readonly name: string } | undefined> {
  const status = await findInstanceStatus(context.durable(), instanceId);
  return status && !hasEnded(status.runtimeStatus) ? { name: status.name } : undefined;
}
