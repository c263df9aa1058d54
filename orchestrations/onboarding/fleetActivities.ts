// The onboard runbook's activities: which machines (a list, or a scope listed through Resource
// Graph), their plans without writing anything (a dry run), starting their onboardings, and
// reading how those stand. Reads only, except startOnboardings, which starts orchestrations.
import { z } from "zod";

import { queryResourceGraph } from "../../shared/azure/resourceGraph";
import { machineIdsQuery } from "../../shared/azure/resourceGraphQueries";
import { ValidationError } from "../../shared/errors";
import { mapBounded } from "../../shared/mapBounded";
import {
  fleetPace,
  type FleetScope,
  fleetTargetsSchema,
  machinePlanReportSchema,
  maxFleetMachines,
  planReport,
} from "../../shared/onboarding/fleet";
import { onboardingResultSchema } from "../../shared/onboarding/onboardingResult";
import { isInScope } from "../../shared/onboarding/scope";
import {
  machineResourceId,
  normalizeResourceId,
  parseGatewayId,
  parseMachineId,
} from "../../shared/resourceId";
import { instanceIdField, resourceIdField, shortTextField } from "../../shared/validation/fields";
import { type AzureDeps, defineActivity } from "../activity";
import { findInstanceStatus, hasEnded } from "../durableStatus";
import { isRetirementRunning } from "../gateways/gatewayRetirement";
import { startOnboarding } from "../onboardingStarter";
import { SubscriptionFacts } from "../subscriptionFacts";
import { planMachine } from "./planOnboarding";

/** The runbook's machines, each once, in ARC_SCOPES; those outside are named apart and never touched. */
export const resolveFleet = defineActivity({
  name: "resolveFleet_v1",
  needs: "azure",
  input: z.strictObject({ targets: fleetTargetsSchema }),
  output: z.strictObject({
    machineIds: z.array(resourceIdField).max(maxFleetMachines),
    outOfScope: z.array(resourceIdField).max(maxFleetMachines),
    /** How long the runbook waits for the onboardings it started: the connect wait, the gateway deadline, and 30 minutes. */
    waitMinutes: z.number().int().positive(),
  }),
  async handler(deps, { targets }) {
    const listed = "machineIds" in targets ? targets.machineIds : await listScope(deps, targets.scope);
    const seen = new Set<string>();
    const machineIds: string[] = [];
    const outOfScope: string[] = [];
    for (const raw of listed) {
      const id = machineResourceId(parseMachineId(raw));
      const key = normalizeResourceId(id);
      if (seen.has(key)) continue;
      seen.add(key);
      (isInScope(id, deps.settings.ARC_SCOPES) ? machineIds : outOfScope).push(id);
    }
    const { ARC_CONNECT_WAIT_MINUTES, ARC_GATEWAY_DEADLINE_MINUTES } = deps.settings;
    return {
      machineIds,
      outOfScope,
      waitMinutes: ARC_CONNECT_WAIT_MINUTES + ARC_GATEWAY_DEADLINE_MINUTES + 30,
    };
  },
});

async function listScope({ arm }: AzureDeps, scope: FleetScope): Promise<string[]> {
  const ids: string[] = [];
  const query = machineIdsQuery({
    ...(scope.resourceGroup !== undefined ? { resourceGroup: scope.resourceGroup } : {}),
    ...(scope.tags !== undefined ? { tags: scope.tags } : {}),
  });
  for await (const page of queryResourceGraph(arm, { subscriptions: [scope.subscriptionId], query })) {
    if (page.totalRecords > maxFleetMachines) {
      throw new ValidationError(
        `The scope holds ${page.totalRecords} machines; one runbook takes at most ${maxFleetMachines}: narrow it with a resource group or tags`,
        "TooManyMachines",
      );
    }
    for (const row of page.rows) ids.push(row.id);
  }
  return ids;
}

const plannedGatewaySchema = z.strictObject({ gatewayId: resourceIdField, location: shortTextField });

/**
 * Plans machines without writing anything: the planner's own reads, nothing else. Placement sees
 * the gateways earlier batches of the same dry run decided to create (`plannedGateways`), and
 * nothing of the app's shared facts, so a dry run never makes a real run expect a gateway.
 */
export const planFleetBatch = defineActivity({
  name: "planFleetBatch_v1",
  needs: "azure",
  input: z.strictObject({
    machineIds: z.array(resourceIdField).min(1).max(fleetPace.planBatch),
    plannedGateways: z.array(plannedGatewaySchema).max(1000),
  }),
  output: z.strictObject({
    plans: z.array(machinePlanReportSchema),
    /** Every gateway planned so far, earlier batches' included. */
    plannedGateways: z.array(plannedGatewaySchema).max(1000),
  }),
  async handler(deps, input) {
    const facts = new SubscriptionFacts(deps.arm);
    const planned = new Map<string, { gatewayId: string; location: string }>();
    const note = (gateway: { gatewayId: string; location: string }) => {
      const key = normalizeResourceId(gateway.gatewayId);
      if (planned.has(key)) return;
      planned.set(key, gateway);
      facts.notePlannedGateway(parseGatewayId(gateway.gatewayId).subscriptionId, {
        id: gateway.gatewayId,
        location: gateway.location,
      });
    };
    input.plannedGateways.forEach(note);
    const own: AzureDeps = { ...deps, facts };
    // In input order, a few at a time; each plan notes the gateway it decides to create before the next places.
    const plans = await mapBounded(input.machineIds, fleetPace.concurrency, async (machineId) => {
      const { plan } = await planMachine(own, { machineId });
      if (plan.kind === "steps") {
        for (const s of plan.steps) if (s.kind === "createGateway") note(s);
      }
      return planReport(plan);
    });
    return { plans, plannedGateways: [...planned.values()] };
  },
});

const startReportSchema = z.strictObject({
  machineId: resourceIdField,
  instanceId: instanceIdField,
  start: z.enum(["started", "alreadyRunning"]),
});

/** Starts (or re-runs) each machine's onboarding; one already running is reported, not restarted. */
export const startOnboardings = defineActivity({
  name: "startOnboardings_v1",
  needs: "durableClient",
  input: z.strictObject({
    machineIds: z.array(resourceIdField).min(1).max(fleetPace.startWave),
    trigger: z.string().max(64),
    /**
     * Machines linked to a gateway tagged retiring whose retirement was found not running (the
     * drift sweep): checked again here, just before the start; still not running, the onboarding
     * moves the machine to a live gateway, else it is left to the retirement.
     */
    retiringLinks: z
      .array(z.strictObject({ machineId: resourceIdField, gatewayId: resourceIdField }))
      .max(fleetPace.startWave)
      .optional(),
  }),
  output: z.strictObject({ started: z.array(startReportSchema) }),
  async handler({ client }, input) {
    const retiringLinks = new Map(
      (input.retiringLinks ?? []).map((l) => [normalizeResourceId(l.machineId), l.gatewayId] as const),
    );
    const started = await mapBounded(input.machineIds, fleetPace.concurrency, async (machineId) => {
      const retiring = retiringLinks.get(normalizeResourceId(machineId));
      const idle = retiring !== undefined && !(await isRetirementRunning(client, retiring));
      const decision = await startOnboarding(client, {
        machineId,
        trigger: input.trigger,
        ...(idle ? { retirementNotRunning: retiring } : {}),
      });
      return {
        machineId,
        instanceId: decision.instanceId,
        // No event time is passed, so a finished run never counts as covering this request.
        start: decision.action === "started" ? ("started" as const) : ("alreadyRunning" as const),
      };
    });
    return { started };
  },
});

/** How each onboarding stands: its runtime status and, once it has ended, its result. */
export const readOnboardings = defineActivity({
  name: "readOnboardings_v1",
  needs: "durableClient",
  input: z.strictObject({ instanceIds: z.array(instanceIdField).min(1).max(maxFleetMachines) }),
  output: z.strictObject({
    instances: z.array(
      z.strictObject({
        instanceId: instanceIdField,
        runtimeStatus: shortTextField,
        ended: z.boolean(),
        result: onboardingResultSchema.optional(),
      }),
    ),
  }),
  async handler({ client }, input) {
    const instances = await mapBounded(input.instanceIds, fleetPace.concurrency, async (instanceId) => {
      const status = await findInstanceStatus(client, instanceId);
      const runtimeStatus = status?.runtimeStatus ?? "Purged";
      const ended = status === undefined || hasEnded(runtimeStatus);
      const result = ended ? onboardingResultSchema.safeParse(status?.output) : undefined;
      return { instanceId, runtimeStatus, ended, ...(result?.success ? { result: result.data } : {}) };
    });
    return { instances };
  },
});
