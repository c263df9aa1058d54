// POST /api/gateways/{subscriptionId}/{resourceGroup}/{name}/retire — retire a gateway without
// stranding a machine (retireGateway.orchestrator.ts): tag it retiring, move every attached
// machine off it (to direct, or with `moveTo` onto another gateway), confirm none is left, only
// then DELETE it. `dryRun` runs the same reads and plans, and writes nothing. Answers 202 with the
// status URL (the operation is the gateway's key, `gateway-…`: the one its creation runs under),
// 404 for an unknown gateway or `moveTo`, 400 for a `moveTo` that cannot take machines, and 409
// while the gateway's creation or retirement runs.
import { z } from "zod";

import { hasSucceeded } from "../../shared/azure/azureStates";
import { findGateway } from "../../shared/azure/gateways";
import { retiringSince } from "../../shared/gateways/retiringTag";
import { resourceGroupField, subscriptionIdField } from "../../shared/onboarding/fleet";
import { gatewayResourceId, sameResourceId } from "../../shared/resourceId";
import {
  accepted,
  notFound,
  type OperationLinks,
  operationLinksSchema,
  RouteError,
} from "../../shared/runbooks/http/answers";
import { gatewayIdField } from "../../shared/runbooks/http/fields";
import { defineRoute, type RouteContext } from "../../shared/runbooks/http/route";
import { findInstanceStatus, hasEnded, isConflict } from "../durableStatus";
import { gatewayRetirement } from "./gatewayRetirement";

const exampleSubscription = "00000000-0000-0000-0000-000000000000";

const gatewayPathParams = z.strictObject({
  subscriptionId: subscriptionIdField,
  resourceGroup: resourceGroupField,
  name: z
    .string()
    .regex(/^[a-zA-Z0-9-_.]{1,80}$/, "a gateway name (1-80 letters, digits, - _ .)")
    .meta({ description: "The gateway's name." }),
});

const retireBody = z
  .strictObject({
    dryRun: z
      .boolean()
      .optional()
      .meta({ description: "List what would happen to each machine and to the gateway; write nothing." }),
    moveTo: gatewayIdField()
      .optional()
      .meta({
        description:
          "Move the machines onto this gateway (in scope, Succeeded, not retiring) instead of switching them to " +
          "direct: sites whose firewall lets only gateway traffic out stay connected.",
      }),
  })
  .meta({ id: "RetireGatewayRequest" });

const retireAccepted = z
  .object({
    gatewayId: z.string(),
    dryRun: z.boolean(),
    moveTo: z.string().optional(),
    operation: operationLinksSchema,
  })
  .meta({ id: "RetireGatewayAccepted" });

export const retireGatewayRoute = defineRoute({
  name: "retireGateway",
  method: "POST",
  route: "gateways/{subscriptionId}/{resourceGroup}/{name}/retire",
  role: "operate",
  tag: "gateways",
  summary: "Retire a gateway: every machine off it, none left on re-read, then delete it",
  description:
    "Tags the gateway arc-autopilot-retiring (placement skips it), finds every machine in ARC_SCOPES whose " +
    "settings link it, moves each off it (to direct: the agent by Run Command first, then the link; with moveTo: " +
    "the link first, then connection.type gateway for agents below 1.51), reads every link again and only when " +
    "none is left sends the DELETE and waits it out. If any machine cannot be moved, no DELETE is sent: the " +
    "result names each such machine, why, and the local command, and the gateway stays tagged retiring. The " +
    "result is in the operation's status once it has ended.",
  params: gatewayPathParams,
  body: retireBody,
  responses: {
    202: {
      description: "Accepted: the retirement's status URL is in Location and the body.",
      body: retireAccepted,
    },
    404: { description: "The gateway (or the moveTo gateway) does not exist." },
    409: { description: "The gateway's creation or retirement is already running." },
  },
  example: {
    params: { subscriptionId: exampleSubscription, resourceGroup: "arc-gateways", name: "arc-gw-eastus" },
    body: { dryRun: true },
    conflictOnRepeat: true,
  },
  async handler({ params, body }, context) {
    const gatewayId = gatewayResourceId({
      subscriptionId: params.subscriptionId,
      resourceGroup: params.resourceGroup,
      gatewayName: params.name,
    });
    context.ensureInScope("gateway", gatewayId, "params.name");
    const operation = gatewayRetirement({
      gatewayId,
      dryRun: body.dryRun ?? false,
      ...(body.moveTo !== undefined ? { moveTo: body.moveTo } : {}),
    });
    const links = context.operationLinks(operation.instanceId);
    await refuseWhileBusy(context, operation.instanceId, links, params.name);
    const arm = context.arm();
    const gateway = await findGateway(arm, gatewayId);
    if (!gateway) return notFound(`Gateway ${gatewayId} does not exist`, "params.name");
    if (body.moveTo !== undefined) {
      if (sameResourceId(body.moveTo, gatewayId)) {
        throw new RouteError(400, "InvalidInput", "body.moveTo: names the gateway being retired", {
          field: "body.moveTo",
        });
      }
      const target = await findGateway(arm, body.moveTo);
      if (!target) return notFound(`body.moveTo: gateway ${body.moveTo} does not exist`, "body.moveTo");
      const why = !hasSucceeded(target.provisioningState)
        ? `is ${target.provisioningState}, not Succeeded`
        : retiringSince(target.tags) !== undefined
          ? "is itself being retired"
          : undefined;
      if (why) {
        throw new RouteError(400, "InvalidInput", `body.moveTo: gateway ${target.name} ${why}`, {
          field: "body.moveTo",
        });
      }
    }
    try {
      await context.durable().startNew(operation.orchestrator, {
        instanceId: operation.instanceId,
        input: { ...operation.input, waiters: [] },
      });
    } catch (error) {
      if (isConflict(error)) throw busy(links, `Work on gateway ${params.name} started meanwhile`);
      throw error;
    }
    return accepted(links, {
      gatewayId,
      dryRun: body.dryRun ?? false,
      ...(body.moveTo !== undefined ? { moveTo: body.moveTo } : {}),
    });
  },
});

/** 409 while anything runs under the gateway's key: its creation, or a retirement. */
async function refuseWhileBusy(
  context: RouteContext,
  instanceId: string,
  links: OperationLinks,
  name: string,
): Promise<void> {
  const status = await findInstanceStatus(context.durable(), instanceId);
  if (status && !hasEnded(status.runtimeStatus)) {
    throw busy(
      links,
      `${status.name} is running for gateway ${name}; one gateway is never created and retired at once`,
    );
  }
}

function busy(links: OperationLinks, message: string): RouteError {
  return new RouteError(409, "Conflict", message, { operation: links });
}

export const retirementRoutes = [retireGatewayRoute];
