// The gateway runbook routes (retirement's are in retirementRoutes):
// - POST /api/gateways — create a gateway: starts its shared creation (`gatewayCreation_v1` under
//   the gateway's key, gatewayCreation.ts), which PUTs it and waits its creation out; answers 202
//   with the status URL, or 409 when something already runs under the key (its creation, or its
//   retirement: one gateway is never created and retired at once), or when the gateway exists in
//   another region or tagged retiring.
// - GET /api/gateways — every gateway in scope with its state, endpoint, attached machines counted
//   from their settings, room left, whether it is retiring, and the allow-list for its machines
//   (shared/gateways/inventory.ts).
// - POST /api/machines/{subscriptionId}/{resourceGroup}/{name}/detach — take one machine off its
//   gateway (`detachMachine_v1`: the agent to direct by Run Command, then the cloud link);
//   `dryRun=true` answers the plan at once and writes nothing. 409 while the machine's onboarding
//   or another detach (or a retirement's move) of it runs.
import { z } from "zod";

import { findGateway } from "../../shared/azure/gateways";
import { findMachine } from "../../shared/azure/machines";
import { detachPlanSchema, planDetach } from "../../shared/gateways/detachPlan";
import { gatewayInventory } from "../../shared/gateways/inventory";
import { retiringSince, retiringTagName } from "../../shared/gateways/retiringTag";
import { resourceGroupField, subscriptionIdField } from "../../shared/onboarding/fleet";
import { normalizeLocation } from "../../shared/onboarding/gatewayPlacement";
import { detachInstanceId, machineInstanceId } from "../../shared/onboarding/instanceIds";
import { gatewayResourceId, parseResourceId } from "../../shared/resourceId";
import { accepted, notFound, ok, RouteError } from "../../shared/runbooks/http/answers";
import { queryFlag } from "../../shared/runbooks/http/fields";
import { defineRoute, type RouteContext } from "../../shared/runbooks/http/route";
import { isConflict } from "../durableStatus";
import { observeMachineLink } from "../machines/observeMachine";
import {
  conflictError,
  machineIdOf,
  machinePathParams,
  runningInstance,
} from "../onboarding/onboardingRoutes";
import { orchestratorNames } from "../orchestratorNames";
import { gatewayCreation } from "./gatewayCreation";

const exampleSubscription = "00000000-0000-0000-0000-000000000000";

const operationLinks = z.object({ id: z.string(), statusUrl: z.string(), cancelUrl: z.string() });

// ---------- create ----------

const createGatewayBody = z
  .strictObject({
    subscriptionId: subscriptionIdField,
    resourceGroup: resourceGroupField,
    name: z
      .string()
      .regex(/^[a-zA-Z0-9-_.]{1,80}$/, "a gateway name (1-80 letters, digits, - _ .)")
      .meta({ description: "The gateway's name ([a-zA-Z0-9-_.]+, as Azure allows)." }),
    location: z
      .string()
      .min(1)
      .max(64)
      .refine((l) => /^[a-z0-9]+$/.test(normalizeLocation(l)), "an Azure region name such as eastus")
      .meta({
        description: "The region of the gateway's control plane (any machine of the tenant may use it).",
      }),
  })
  .meta({ id: "CreateGatewayRequest" });

export const createGatewayRoute = defineRoute({
  name: "createGateway",
  method: "POST",
  route: "gateways",
  role: "operate",
  tag: "gateways",
  summary: "Create an Arc gateway and wait its creation out",
  description:
    "Starts the gateway's shared creation (the same singleton onboarding uses): one PUT, then durable-timer " +
    "looks at the operation up to ARC_GATEWAY_DEADLINE_MINUTES, retried once on failure. Machines waiting " +
    "for the gateway are released when it ends.",
  body: createGatewayBody,
  responses: {
    202: {
      description: "Accepted: the creation's status URL is in Location and the body.",
      body: z
        .object({ gatewayId: z.string(), operation: operationLinks })
        .meta({ id: "CreateGatewayAccepted" }),
    },
    409: {
      description:
        "The gateway's creation or retirement is already running, or it exists in another region or tagged retiring.",
    },
  },
  example: {
    body: {
      subscriptionId: exampleSubscription,
      resourceGroup: "arc-gateways",
      name: "arc-gw-westeurope",
      location: "westeurope",
    },
    conflictOnRepeat: true,
  },
  async handler({ body }, context) {
    const gatewayId = gatewayResourceId({
      subscriptionId: body.subscriptionId,
      resourceGroup: body.resourceGroup,
      gatewayName: body.name,
    });
    context.ensureInScope("gateway", gatewayId, "body.name");
    const operation = gatewayCreation({
      gatewayId,
      location: normalizeLocation(body.location),
      deadlineMinutes: context.settings.ARC_GATEWAY_DEADLINE_MINUTES,
    });
    const busy = await runningInstance(context, operation.instanceId);
    if (busy)
      throw conflictError(context, operation.instanceId, `${busy.name} is running for gateway ${body.name}`);
    await refuseExistingElsewhere(context, gatewayId, body.name, normalizeLocation(body.location));
    try {
      await context.durable().startNew(operation.orchestrator, {
        instanceId: operation.instanceId,
        input: { ...operation.input, waiters: [] },
      });
    } catch (error) {
      if (isConflict(error)) {
        throw conflictError(context, operation.instanceId, `Work on gateway ${body.name} started meanwhile`);
      }
      throw error;
    }
    return accepted(context.operationLinks(operation.instanceId), { gatewayId });
  },
});

/**
 * 409 when the gateway already exists in another region (its region cannot change, and the
 * creation would otherwise report the existing one ready), or is tagged retiring (placement skips
 * it until the tag is removed). The same gateway in the same region is created again: a no-op.
 */
async function refuseExistingElsewhere(
  context: RouteContext,
  gatewayId: string,
  name: string,
  location: string,
): Promise<void> {
  const existing = await findGateway(context.arm(), gatewayId);
  if (!existing) return;
  if (normalizeLocation(existing.location) !== location) {
    throw new RouteError(
      409,
      "Conflict",
      `Gateway ${name} already exists in ${existing.location}; a gateway's region cannot change: give another name or ${normalizeLocation(existing.location)}`,
      { field: "body.location" },
    );
  }
  const since = retiringSince(existing.tags);
  if (since !== undefined) {
    throw new RouteError(
      409,
      "Conflict",
      `Gateway ${name} exists and is being retired (tag ${retiringTagName} since ${since}); remove the tag to put it back in service`,
      { field: "body.name" },
    );
  }
}

// ---------- list ----------

const allowListEntry = z.object({
  host: z.string().meta({ description: "Host name; HTTPS on port 443." }),
  purpose: z.string(),
  os: z.enum(["linux", "windows"]).optional().meta({ description: "Only machines of this OS need it." }),
});

const gatewayViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    location: z.string(),
    state: z.string().meta({ description: "provisioningState: Creating, Succeeded, Failed, Deleting…" }),
    endpoint: z.string().optional().meta({ description: "<prefix>.gw.arc.azure.com, once created." }),
    attachedMachines: z
      .number()
      .int()
      .meta({ description: "Machines in ARC_SCOPES whose settings name it (counted)." }),
    capacity: z.number().int(),
    capacityLeft: z.number().int(),
    retiring: z.boolean(),
    retiringSince: z.string().optional(),
    regions: z.array(z.string()),
    allowList: z.array(allowListEntry).meta({
      description:
        "What machines behind the gateway must reach: its URL and the endpoints Azure lists besides it.",
    }),
  })
  .meta({ id: "Gateway" });

export const listGatewaysRoute = defineRoute({
  name: "listGateways",
  method: "GET",
  route: "gateways",
  role: "read",
  tag: "gateways",
  summary: "Gateways with their machines, room left, retiring flag and allow-list",
  description:
    "Attached machines are counted from each machine's settings (one read per machine in ARC_SCOPES, a few " +
    "at a time), not estimated.",
  query: z.strictObject({
    subscriptionId: subscriptionIdField
      .optional()
      .meta({ description: "Only this subscription's gateways; default: where the app keeps them." }),
  }),
  responses: {
    200: {
      description: "The gateways.",
      body: z
        .object({ gateways: z.array(gatewayViewSchema), machinesCounted: z.number().int() })
        .meta({ id: "GatewayList" }),
    },
  },
  example: { query: { subscriptionId: exampleSubscription } },
  async handler({ query }, context) {
    if (query.subscriptionId !== undefined) ensureGatewaySubscription(query.subscriptionId, context);
    const inventory = await gatewayInventory(context.arm(), context.settings, {
      ...(query.subscriptionId !== undefined ? { subscriptionId: query.subscriptionId } : {}),
    });
    return ok(inventory);
  },
});

/** A subscription the app keeps gateways in: one of ARC_SCOPES' or the hub; 403 otherwise. */
function ensureGatewaySubscription(subscriptionId: string, context: RouteContext): void {
  const wanted = subscriptionId.toLowerCase();
  const { ARC_SCOPES, ARC_GATEWAY_SUBSCRIPTION } = context.settings;
  if (ARC_GATEWAY_SUBSCRIPTION?.toLowerCase() === wanted) return;
  if (ARC_SCOPES.some((scope) => parseResourceId(scope).subscriptionId.toLowerCase() === wanted)) return;
  throw new RouteError(
    403,
    "OutOfScope",
    `query.subscriptionId: ${subscriptionId} is outside the scope: gateways are listed in the subscriptions of ARC_SCOPES` +
      (ARC_GATEWAY_SUBSCRIPTION ? " and ARC_GATEWAY_SUBSCRIPTION" : ""),
    { field: "query.subscriptionId" },
  );
}

// ---------- detach ----------

const detachAccepted = z
  .object({ machineId: z.string(), operation: operationLinks })
  .meta({ id: "DetachAccepted" });

export const detachMachineRoute = defineRoute({
  name: "detachMachine",
  method: "POST",
  route: "machines/{subscriptionId}/{resourceGroup}/{name}/detach",
  role: "operate",
  tag: "machines",
  summary: "Take one machine off its gateway (agent to direct first, then the cloud link)",
  description:
    "First the operator's choice is recorded on the machine (tag `arc-autopilot-connection: direct`, " +
    "ARC_CONNECTION_TAG), so onboarding and the drift sweep keep it direct; then, in the documented order: " +
    "`azcmagent config set connection.type direct` by Run Command, then the machine's " +
    "settings with gatewayResourceId null, confirmed from the answer. A machine whose agent cannot be reached " +
    "keeps its link, gets no tag, and the result gives the local command. A machine not attached gets the tag only. " +
    "To undo: remove the tag, then onboard the machine. dryRun=true answers the plan and writes nothing.",
  params: machinePathParams,
  query: z.strictObject({ dryRun: queryFlag().optional() }),
  responses: {
    200: {
      description: "dryRun: the plan (steps, or why it would stop).",
      body: detachPlanSchema.meta({ id: "DetachPlan" }),
    },
    202: {
      description: "Accepted: the detach's status URL is in Location and the body.",
      body: detachAccepted,
    },
    404: { description: "The machine does not exist." },
    409: { description: "The machine's onboarding, or another detach or move of it, is running." },
  },
  example: {
    params: { subscriptionId: exampleSubscription, resourceGroup: "rg-fleet", name: "web-01" },
    query: { dryRun: "true" },
  },
  async handler({ params, query }, context) {
    const machineId = machineIdOf(params, context);
    const arm = context.arm();
    if (query.dryRun === true) {
      const observed = await observeMachineLink({ arm }, { machineId });
      if (!observed.machine) return notFound(`${machineId} does not exist`, "params.name");
      return ok(planDetach(observed, context.settings.ARC_CONNECTION_TAG));
    }
    if (!(await findMachine(arm, machineId))) return notFound(`${machineId} does not exist`, "params.name");
    const onboarding = machineInstanceId(machineId);
    if (await runningInstance(context, onboarding)) {
      throw conflictError(
        context,
        onboarding,
        `${machineId} is being onboarded; detach it once that run has ended`,
      );
    }
    const instanceId = detachInstanceId(machineId);
    const busy = await runningInstance(context, instanceId);
    if (busy) throw conflictError(context, instanceId, `${busy.name} is already running for ${machineId}`);
    try {
      await context.durable().startNew(orchestratorNames.detachMachine, {
        instanceId,
        input: { machineId, trigger: "runbook" },
      });
    } catch (error) {
      if (isConflict(error))
        throw conflictError(context, instanceId, `A detach of ${machineId} started meanwhile`);
      throw error;
    }
    return accepted(context.operationLinks(instanceId), { machineId });
  },
});

export const gatewayRoutes = [createGatewayRoute, listGatewaysRoute, detachMachineRoute];
