// The drift sweep's activities: its settings and the gateway inventory, the machine inventory a
// Resource Graph page at a time, the previous sweep's memory, a batch of machines read in full and
// classified under the read budget, which machines have an onboarding on record, which retiring
// gateways have no retirement running, and the pointer to the last finished sweep. Reads only,
// except recordLatestSweep (a durable instance).
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";

import { osTypeOf } from "../../shared/azure/agentCommands";
import { isRegistered } from "../../shared/azure/azureStates";
import { getDefaultEndpoint } from "../../shared/azure/hybridConnectivity";
import { queryResourceGraph, queryResourceGraphPage } from "../../shared/azure/resourceGraph";
import { classifyDrift, driftKinds, strandedLocalAction } from "../../shared/drift/driftKinds";
import { driftGatewaysQuery, driftMachinesQuery } from "../../shared/drift/inventory";
import { noRequests, pacedArm, readsPerSecond } from "../../shared/drift/readBudget";
import { driftSweepOutputSchema, machineFindingSchema, sweepMemorySchema } from "../../shared/drift/report";
import { latestSweepInstanceId } from "../../shared/drift/schedule";
import { mapBounded } from "../../shared/mapBounded";
import { isDirectByChoice } from "../../shared/onboarding/connectionChoice";
import { planReport } from "../../shared/onboarding/fleet";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { onboardingResultSchema } from "../../shared/onboarding/onboardingResult";
import { isInScope, subscriptionsOfScopes } from "../../shared/onboarding/scope";
import { sameResourceId } from "../../shared/resourceId";
import { runtimeClock } from "../../shared/runtimeClock";
import { resourceNameIn } from "../../shared/text";
import { resourceIdField, shortTextField } from "../../shared/validation/fields";
import { defineActivity } from "../activity";
import { findInstanceStatus, isConflict } from "../durableStatus";
import { isRetirementRunning } from "../gateways/gatewayRetirement";
import { observeMachine } from "../machines/observeMachine";
import { planMachine } from "../onboarding/planOnboarding";
import { orchestratorNames } from "../orchestratorNames";
import { SubscriptionFacts } from "../subscriptionFacts";
import { liveGatewayFor } from "./relink";

/** Machines one verification activity reads in full (about four reads each). */
export const verifyBatch = 25;
/** Reads in flight at once inside a batch (the pacer spaces them anyway). */
const verifyConcurrency = 4;

const gatewayStateSchema = z.strictObject({
  id: resourceIdField,
  state: z.enum(["live", "missing", "retiring"]),
});
const requestsSchema = z.strictObject({
  armReads: z.number().int().nonnegative(),
  armWrites: z.number().int().nonnegative(),
  resourceGraphQueries: z.number().int().nonnegative(),
});
const quotaSchema = z.strictObject({
  remaining: z.number().int(),
  resetsAfterMs: z.number().int().nonnegative().optional(),
});

/** The sweep's settings and every gateway of the scopes' subscriptions (and the hub's). */
export const beginDriftSweep = defineActivity({
  name: "beginDriftSweep_v1",
  needs: "azure",
  input: z.strictObject({}),
  output: z.strictObject({
    scopes: z.array(shortTextField.max(300)).max(100),
    sharePercent: z.number().int().min(1).max(100),
    readsPerSecond: z.number().int().positive(),
    fullReadHours: z.number().int().positive(),
    /** How long the sweep waits for the repairs it started: the connect wait, the gateway deadline and 30 minutes. */
    repairWaitMinutes: z.number().int().positive(),
    gateways: z.array(gatewayStateSchema).max(5000),
    requests: requestsSchema,
    quota: quotaSchema.optional(),
  }),
  async handler({ arm, settings }) {
    const requests = noRequests();
    const counted = pacedArm(
      arm,
      readsPerSecond(settings.ARC_DRIFT_READ_SHARE_PERCENT),
      runtimeClock,
      requests,
    );
    const subscriptions = subscriptionsOfScopes(settings.ARC_SCOPES);
    if (
      settings.ARC_GATEWAY_SUBSCRIPTION &&
      !subscriptions.includes(settings.ARC_GATEWAY_SUBSCRIPTION.toLowerCase())
    )
      subscriptions.push(settings.ARC_GATEWAY_SUBSCRIPTION.toLowerCase());
    const gateways: z.input<typeof gatewayStateSchema>[] = [];
    let quota: z.input<typeof quotaSchema> | undefined;
    if (subscriptions.length > 0) {
      for await (const page of queryResourceGraph(counted, { subscriptions, query: driftGatewaysQuery() })) {
        gateways.push(...page.rows);
        quota = page.quota;
      }
    }
    return {
      scopes: [...settings.ARC_SCOPES],
      sharePercent: settings.ARC_DRIFT_READ_SHARE_PERCENT,
      readsPerSecond: readsPerSecond(settings.ARC_DRIFT_READ_SHARE_PERCENT),
      fullReadHours: settings.ARC_DRIFT_FULL_READ_HOURS,
      repairWaitMinutes: settings.ARC_CONNECT_WAIT_MINUTES + settings.ARC_GATEWAY_DEADLINE_MINUTES + 30,
      gateways,
      requests,
      ...(quota ? { quota } : {}),
    };
  },
});

/** One Resource Graph page (1,000 rows) of the scopes' machines, each with its inventory fingerprint. */
export const readDriftInventoryPage = defineActivity({
  name: "readDriftInventoryPage_v1",
  needs: "azure",
  input: z.strictObject({ skipToken: z.string().min(1).max(8192).optional() }),
  output: z.strictObject({
    machines: z.array(z.strictObject({ machineId: resourceIdField, fingerprint: shortTextField })).max(1000),
    skipToken: z.string().min(1).max(8192).optional(),
    quota: quotaSchema.optional(),
  }),
  async handler({ arm, settings }, input) {
    const subscriptions = subscriptionsOfScopes(settings.ARC_SCOPES);
    if (subscriptions.length === 0) return { machines: [] };
    const page = await queryResourceGraphPage(
      arm,
      { subscriptions, query: driftMachinesQuery() },
      input.skipToken,
    );
    return {
      machines: page.rows.filter((row) => isInScope(row.machineId, settings.ARC_SCOPES)),
      ...(page.skipToken ? { skipToken: page.skipToken } : {}),
      ...(page.quota
        ? {
            quota: {
              remaining: page.quota.remaining,
              ...(page.quota.resetsAfterMs !== undefined ? { resetsAfterMs: page.quota.resetsAfterMs } : {}),
            },
          }
        : {}),
    };
  },
});

/**
 * Of the gateways tagged retiring, those whose retirement (retireGateway_v1 under the gateway's
 * key) is not running: it ended without deleting the gateway, was cancelled, or never ran (the tag
 * set by hand). Their machines are repaired like a deleted gateway's; a running retirement's are
 * left to it.
 */
export const readIdleRetirements = defineActivity({
  name: "readIdleRetirements_v1",
  needs: "durableClient",
  input: z.strictObject({ gatewayIds: z.array(resourceIdField).min(1).max(1000) }),
  output: z.strictObject({ notRunning: z.array(resourceIdField) }),
  async handler({ client }, input) {
    const running = await mapBounded(input.gatewayIds, 8, (id) => isRetirementRunning(client, id));
    return { notRunning: input.gatewayIds.filter((_, i) => !running[i]) };
  },
});

/** The last finished sweep's id and memory, through the `drift-latest` pointer; none when there is none. */
export const readPreviousSweep = defineActivity({
  name: "readPreviousSweep_v1",
  needs: "durableClient",
  input: z.strictObject({}),
  output: z.strictObject({ sweepId: shortTextField.optional(), memory: sweepMemorySchema.optional() }),
  async handler({ client }) {
    const sweepId = await latestSweepId(client);
    if (sweepId === undefined) return {};
    const status = await findInstanceStatus(client, sweepId);
    const output = driftSweepOutputSchema.safeParse(status?.output);
    return output.success ? { sweepId, memory: output.data.memory } : { sweepId };
  },
});

const latestPointerSchema = z.strictObject({ sweepId: shortTextField });

/** The id the `drift-latest` pointer names, when there is one. */
export async function latestSweepId(
  client: Parameters<typeof findInstanceStatus>[0],
): Promise<string | undefined> {
  const pointer = await findInstanceStatus(client, latestSweepInstanceId);
  const parsed = latestPointerSchema.safeParse(pointer?.output);
  return parsed.success ? parsed.data.sweepId : undefined;
}

/** Points `drift-latest` at a finished sweep: a tiny orchestration whose output is the sweep's id. */
export const recordLatestSweep = defineActivity({
  name: "recordLatestSweep_v1",
  needs: "durableClient",
  input: latestPointerSchema,
  output: z.strictObject({ recorded: z.boolean() }),
  async handler({ client }, input) {
    try {
      await client.startNew(orchestratorNames.driftLatest, { instanceId: latestSweepInstanceId, input });
      return { recorded: true };
    } catch (error) {
      // Another sweep's pointer is being written this very moment: the later one wins.
      if (isConflict(error)) return { recorded: false };
      throw error;
    }
  },
});

/** The pointer's orchestration: it only holds its input as its output. */
export function* driftLatestOrchestrator(context: OrchestrationContext): Generator<Task, unknown, unknown> {
  yield* [];
  return latestPointerSchema.parse(context.df.getInput());
}

const verifiedSchema = z.strictObject({
  machineId: resourceIdField,
  kind: z.enum(driftKinds),
  code: shortTextField.optional(),
  repairable: z.boolean(),
  unchanged: z.boolean().optional(),
  /** Not attached, and whether it was ever onboarded decides never-onboarded over not-attached. */
  checkRecord: z.boolean().optional(),
  reason: machineFindingSchema.shape.reason,
  localAction: machineFindingSchema.shape.localAction,
  gatewayLink: resourceIdField.optional(),
  /** Stranded and unreachable: the live gateway to link it to in the cloud. */
  relinkTo: resourceIdField.optional(),
});

/** Reads machines in full (the planner's own reads) under the read budget, plans and classifies each. */
export const verifyDriftBatch = defineActivity({
  name: "verifyDriftBatch_v1",
  needs: "azure",
  input: z.strictObject({
    machines: z
      .array(
        z.strictObject({
          machineId: resourceIdField,
          previous: z.strictObject({ kind: z.enum(driftKinds), code: shortTextField.optional() }).optional(),
        }),
      )
      .min(1)
      .max(verifyBatch),
    readsPerSecond: z.number().int().positive(),
    /** Gateways tagged retiring with no retirement running (readIdleRetirements): their machines are repaired. */
    retirementsNotRunning: z.array(resourceIdField).max(5000).optional(),
  }),
  output: z.strictObject({ machines: z.array(verifiedSchema), requests: requestsSchema }),
  async handler(deps, input) {
    const requests = noRequests();
    const paced = pacedArm(deps.arm, input.readsPerSecond, runtimeClock, requests);
    const facts = new SubscriptionFacts(paced);
    const retirementsNotRunning = input.retirementsNotRunning ?? [];
    const machines = await mapBounded(input.machines, verifyConcurrency, async ({ machineId, previous }) => {
      const own = { ...deps, arm: paced, facts };
      const observed = await observeMachine(own, {
        machineId,
        connectionTag: deps.settings.ARC_CONNECTION_TAG,
      });
      // Planned from that observation: the machine's reads are made once.
      const { plan } = await planMachine(own, { machineId, retirementsNotRunning, observed });
      // ARM's answer (the planner's own gateway read), not Resource Graph's: a gateway missing
      // from its index only makes the machine read in full, never stranded.
      const linkedGateway =
        observed.gatewayLink === undefined
          ? undefined
          : observed.linkedGateway === "gone"
            ? ("missing" as const)
            : (observed.linkedGateway ?? ("live" as const));
      // Retiring with no retirement running: nobody else moves it (the planner was told the same).
      const retirementIdle =
        linkedGateway === "retiring" && isAmong(retirementsNotRunning, observed.gatewayLink);
      const found = classifyDrift({
        plan,
        ...(observed.gatewayLink !== undefined ? { gatewayLink: observed.gatewayLink } : {}),
        ...(linkedGateway !== undefined ? { linkedGateway } : {}),
        ...(retirementIdle ? { retirementRunning: false } : {}),
        onboardingRecorded: true,
        ...(previous ? { previous } : {}),
      });
      // Not attached: an endpoint left from an earlier onboarding says it was onboarded once;
      // without one, the onboarding record decides (orchestrator: readOnboardingRecords).
      const attachMissing =
        found.kind === "not-attached" &&
        plan.kind === "steps" &&
        plan.steps.some((s) => s.kind === "attachGateway");
      const onboardedBefore =
        attachMissing &&
        isRegistered(observed.providerState) &&
        (await getDefaultEndpoint(own.arm, machineId)) !== undefined;
      const report = planReport(plan);
      const stranded = found.kind === "stranded";
      const unreachable = stranded && plan.kind === "stop" && plan.outcome === "pending";
      const localAction = unreachable
        ? strandedLocalAction(osTypeOf(observed.machine?.osType))
        : report.localAction;
      // Its link still names the deleted gateway: fix the cloud side now (the sweep does, not in a dry run).
      // Never for a machine direct by an operator's choice: its agent is told to go direct, and that is all.
      const relinkTo =
        unreachable &&
        linkedGateway === "missing" &&
        observed.machine &&
        !isDirectByChoice(observed.machine.tags, deps.settings.ARC_CONNECTION_TAG)
          ? await liveGatewayFor(own, observed.machine)
          : undefined;
      const gatewayName = resourceNameIn(observed.gatewayLink ?? "");
      const reason = !stranded
        ? report.message
        : linkedGateway === "retiring"
          ? retirementIdle
            ? `Its gateway ${gatewayName} is tagged retiring but no retirement runs for it (nothing else moves the machine); ${report.message}`
            : `Its gateway ${gatewayName} is being retired (its retirement moves the machine); ${report.message}`
          : linkedGateway === "missing"
            ? `Its gateway ${gatewayName} no longer exists${relinkTo ? `; it is linked to ${resourceNameIn(relinkTo)} in the cloud` : ""}; ${report.message}`
            : `Its gateway was deleted; it is linked to ${gatewayName} in the cloud, but its agent cannot reach Azure; ${report.message}`;
      return {
        machineId,
        kind: found.kind,
        ...(found.code !== undefined ? { code: found.code } : {}),
        repairable: found.repairable,
        ...(found.unchanged ? { unchanged: true } : {}),
        ...(attachMissing && !onboardedBefore ? { checkRecord: true } : {}),
        reason,
        ...(localAction ? { localAction } : {}),
        ...(observed.gatewayLink !== undefined ? { gatewayLink: observed.gatewayLink } : {}),
        ...(relinkTo !== undefined ? { relinkTo } : {}),
      };
    });
    return { machines, requests };
  },
});

/** Which of the machines have an onboarding instance on record (never onboarded: none), and how the last one ended. */
export const readOnboardingRecords = defineActivity({
  name: "readOnboardingRecords_v1",
  needs: "durableClient",
  input: z.strictObject({ machineIds: z.array(resourceIdField).min(1).max(1000) }),
  output: z.strictObject({
    recorded: z.array(z.strictObject({ machineId: resourceIdField, outcome: shortTextField.optional() })),
  }),
  async handler({ client }, input) {
    const found = await mapBounded(input.machineIds, 8, async (machineId) => {
      const status = await findInstanceStatus(client, machineInstanceId(machineId));
      if (!status) return undefined;
      const result = onboardingResultSchema.safeParse(status.output);
      return { machineId, ...(result.success ? { outcome: result.data.outcome } : {}) };
    });
    return { recorded: found.filter((r) => r !== undefined) };
  },
});

function isAmong(gatewayIds: readonly string[], gatewayId: string | undefined): boolean {
  return gatewayId !== undefined && gatewayIds.some((id) => sameResourceId(id, gatewayId));
}
