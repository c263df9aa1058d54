// Moving a machine from one Arc gateway to another (gateway retirement with `moveTo`), planned
// from what Azure shows. The agent stays in gateway mode all along, so a site whose firewall lets
// only gateway traffic out keeps its connection. The order is the one the gateway doc gives for
// associating an existing machine (docs/azure-facts.md §4): the cloud link first (settings/default
// names the new gateway), then, for agents older than the auto-switch version (1.51),
// `azcmagent config set connection.type gateway` by Run Command — the step those agents need to
// take up an association; newer agents follow the link by themselves. Switching the agent to
// direct first, as a detach does, would cut exactly those sites off. The old gateway must still
// exist while this happens (the agent reaches Azure through it until it has switched), which is
// why a retirement deletes only after every machine has moved.
//
// A machine that cannot be moved safely (not Connected, or an older agent whose Run Command is
// blocked) is left exactly as it is, with what to do locally. Pure: no I/O.
import { z } from "zod";

import { azcmagentLine, connectionTypeScript, osTypeOf } from "../azure/agentCommands";
import { isConnected } from "../azure/azureStates";
import { connectionTypeCommand, type LocalAction } from "../onboarding/localActions";
import { runCommandBlockers } from "../onboarding/runCommandReadiness";
import { sameResourceId } from "../resourceId";
import { resourceNameIn } from "../text";
import { compareAgentVersions, isAgentVersion } from "../validation/agentVersion";
import { resourceIdField, runCommandNameField, scriptField, shortTextField } from "../validation/fields";
import type { DetachObservation } from "./detachPlan";
import { machineNotFoundStop, planStopSchema, unknownOsTypeStop } from "./planStop";

/** The Run Command a move leaves on the machine (its own name: a detach's may be running too). */
export const moveRunCommandName = "arc-autopilot-gateway-move";

export const moveStepSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("linkToGateway"),
    machineId: resourceIdField,
    gatewayId: resourceIdField,
  }),
  z.strictObject({
    kind: z.literal("switchAgentToGateway"),
    machineId: resourceIdField,
    location: shortTextField,
    runCommandName: runCommandNameField,
    script: scriptField,
  }),
]);

const moveStopCodes = [
  "MachineNotFound",
  "NotAttached",
  "NotConnected",
  "RunCommandBlocked",
  "UnknownOsType",
] as const;

export const movePlanSchema = z.discriminatedUnion("kind", [
  planStopSchema(moveStopCodes),
  z.strictObject({
    kind: z.literal("steps"),
    fromGatewayId: resourceIdField,
    toGatewayId: resourceIdField,
    steps: z.array(moveStepSchema).readonly(),
  }),
]);

export type MoveStep = z.output<typeof moveStepSchema>;
export type MovePlan = z.output<typeof movePlanSchema>;

export interface MoveRequest {
  /** The gateway being retired: the machine is moved only while its link names this one. */
  readonly fromGatewayId: string;
  readonly toGatewayId: string;
  /** Agents from this version follow the cloud link by themselves (ARC_AGENT_AUTO_SWITCH_VERSION). */
  readonly autoSwitchVersion: string;
}

export function planGatewayMove(observed: DetachObservation, request: MoveRequest): MovePlan {
  const { machine, gatewayLink, machineId } = observed;
  if (!machine) return machineNotFoundStop();
  const from = resourceNameIn(request.fromGatewayId);
  const to = resourceNameIn(request.toGatewayId);
  if (gatewayLink === undefined || !sameResourceId(gatewayLink, request.fromGatewayId)) {
    return {
      kind: "stop",
      outcome: "not-attached",
      code: "NotAttached",
      reason: `${machine.name} is not attached to ${from} any more${gatewayLink ? ` (its link names ${resourceNameIn(gatewayLink)})` : ""}; nothing to move`,
    };
  }
  const osType = osTypeOf(machine.osType);
  const needsAgentStep =
    !isAgentVersion(machine.agentVersion) ||
    compareAgentVersions(machine.agentVersion, request.autoSwitchVersion) < 0;
  const stop = (code: (typeof moveStopCodes)[number], why: string, localAction: LocalAction): MovePlan => ({
    kind: "stop",
    outcome: "needs-local-action",
    code,
    reason: `${machine.name} cannot be moved from ${from} to ${to} remotely: ${why}; its gateway link is left alone`,
    localAction,
  });

  if (!isConnected(machine.status)) {
    return stop(
      "NotConnected",
      `the machine is ${machine.status}, so nothing can confirm its agent follows`,
      {
        osType,
        commands: [azcmagentLine(osType, "operator", "show")],
        explanation:
          `Bring ${machine.name} back online (\`azcmagent show\` reports its status; it still reaches Azure through ${from}, ` +
          `which is kept), then retire ${from} again: it is moved once it is Connected.`,
      },
    );
  }
  if (needsAgentStep) {
    const blockers = runCommandBlockers(machine);
    if (blockers.length > 0) {
      return stop("RunCommandBlocked", blockers.map((b) => b.reason).join("; "), {
        osType,
        commands: [...blockers.map((b) => b.command), connectionTypeCommand(osType, "gateway")],
        explanation:
          `Agent ${machine.agentVersion ?? "(unknown version)"} needs \`connection.type gateway\` set by Run Command to take up a new ` +
          `gateway, and Run Command is blocked. Allow it on ${machine.name}${osType === "windows" ? " (elevated PowerShell)" : ""}, ` +
          `then retire ${from} again; the last line is what the move runs.`,
      });
    }
    if (osType === "unknown") return unknownOsTypeStop(machine);
  }
  return {
    kind: "steps",
    fromGatewayId: gatewayLink,
    toGatewayId: request.toGatewayId,
    steps: [
      { kind: "linkToGateway", machineId, gatewayId: request.toGatewayId },
      ...(needsAgentStep
        ? [
            {
              kind: "switchAgentToGateway" as const,
              machineId,
              location: machine.location,
              runCommandName: moveRunCommandName,
              script: connectionTypeScript(osType, "gateway"),
            },
          ]
        : []),
    ],
  };
}
