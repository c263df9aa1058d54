// Taking a machine off its Arc gateway, planned from what Azure shows. The documented order, for
// every agent version (docs/azure-facts.md §4): first `azcmagent config set connection.type
// direct` on the machine — by Run Command, while the gateway still carries its traffic — then
// clear the cloud link (settings/default with `gatewayResourceId: null`). Clearing the link first
// would leave an agent in gateway mode talking to a gateway it no longer belongs to.
//
// Before either, the operator's choice is recorded on the machine: the tag
// `arc-autopilot-connection: direct` (ARC_CONNECTION_TAG; a PATCH of its tags), so onboarding and
// the drift sweep leave it direct instead of putting it back behind a gateway
// (shared/onboarding/connectionChoice.ts). Written first, so no onboarding — not even the one the
// tag write's own event starts — can re-attach the machine between the link being cleared and the
// choice being recorded. A machine that is not attached gets only the tag (a detach asked of a
// machine already off its gateway still means "keep it direct").
//
// An agent arc-autopilot cannot reach (not Connected, monitor mode, Run Command blocked) is
// reported as not detachable with the command to run locally, and its cloud link is left alone:
// a half-detached machine (link gone, agent still in gateway mode) is worse than an attached one.
// Pure: no I/O.
import { z } from "zod";

import { connectionTypeScript, osTypeOf } from "../azure/agentCommands";
import { isConnected } from "../azure/azureStates";
import type { ArcMachine } from "../azure/machines";
import { directConnectionValue, isDirectByChoice } from "../onboarding/connectionChoice";
import { connectionTypeCommand, type LocalAction, localActionSchema } from "../onboarding/localActions";
import { isMonitorMode, runCommandBlockers } from "../onboarding/runCommandReadiness";
import { resourceNameIn } from "../text";
import {
  resourceIdField,
  runCommandNameField,
  scriptField,
  shortTextField,
  textField,
} from "../validation/fields";
import { machineNotFoundStop, planStopSchema, unknownOsTypeStop } from "./planStop";

export const detachRunCommandName = "arc-autopilot-connection-type";

export interface DetachObservation {
  readonly machineId: string;
  /** Absent when the machine does not exist. */
  readonly machine?: ArcMachine;
  /** The gateway the machine's settings name; absent when it is not attached in the cloud. */
  readonly gatewayLink?: string;
}

// The plan and the result as they cross into history; the schemas are the types.

export const detachStepSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("recordDirectChoice"),
    machineId: resourceIdField,
    /** ARC_CONNECTION_TAG; its value is `direct`. */
    tagName: shortTextField.max(512),
  }),
  z.strictObject({
    kind: z.literal("switchAgentToDirect"),
    machineId: resourceIdField,
    location: shortTextField,
    runCommandName: runCommandNameField,
    script: scriptField,
  }),
  z.strictObject({
    kind: z.literal("clearGatewayLink"),
    machineId: resourceIdField,
    gatewayId: resourceIdField,
  }),
]);

const detachStopCodes = [
  "MachineNotFound",
  "NotAttached",
  "NotConnected",
  "MonitorMode",
  "RunCommandBlocked",
  "UnknownOsType",
] as const;

export const detachPlanSchema = z.discriminatedUnion("kind", [
  planStopSchema(detachStopCodes),
  z.strictObject({
    kind: z.literal("steps"),
    /** The gateway it is taken off; absent when it is not attached and only the choice is recorded. */
    gatewayId: resourceIdField.optional(),
    steps: z.array(detachStepSchema).readonly(),
  }),
]);

/** What a detach run ends with. */
export const detachResultSchema = z.strictObject({
  machineId: resourceIdField,
  outcome: z.enum(["detached", "not-attached", "skipped", "needs-local-action", "failed"]),
  code: z.string().optional(),
  reason: textField,
  done: z.array(textField).readonly(),
  localAction: localActionSchema.optional(),
});

export type DetachStep = z.output<typeof detachStepSchema>;
export type DetachStopCode = (typeof detachStopCodes)[number];
export type DetachPlan = z.output<typeof detachPlanSchema>;
export type DetachResult = z.output<typeof detachResultSchema>;

/** `connectionTag` is ARC_CONNECTION_TAG, the tag that records the choice. */
export function planDetach(observed: DetachObservation, connectionTag: string): DetachPlan {
  const { machine, gatewayLink, machineId } = observed;
  if (!machine) return machineNotFoundStop();
  const tagged = isDirectByChoice(machine.tags, connectionTag);
  const record: DetachStep[] = tagged
    ? []
    : [{ kind: "recordDirectChoice", machineId, tagName: connectionTag }];
  if (gatewayLink === undefined) {
    if (!tagged) return { kind: "steps", steps: record };
    return {
      kind: "stop",
      outcome: "not-attached",
      code: "NotAttached",
      reason: `${machine.name} is not attached to a gateway and is tagged ${connectionTag}: ${directConnectionValue}; nothing to detach`,
    };
  }
  const osType = osTypeOf(machine.osType);
  const gatewayName = resourceNameIn(gatewayLink);
  const local = (why: string): LocalAction => ({
    osType,
    commands: [connectionTypeCommand(osType, "direct")],
    explanation:
      `${why}. Run this on ${machine.name}${osType === "windows" ? " in an elevated PowerShell" : ""} ` +
      `(the machine must then reach every Arc endpoint directly), then detach again: the link to ` +
      `${gatewayName} is left in place until the agent has switched, so the machine keeps working through it.`,
  });
  const notDetachable = (code: DetachStopCode, why: string): DetachPlan => ({
    kind: "stop",
    outcome: "needs-local-action",
    code,
    reason: `${machine.name} cannot be detached from ${gatewayName} remotely: ${why}; its gateway link is left alone`,
    localAction: local(why.charAt(0).toUpperCase() + why.slice(1)),
  });

  if (!isConnected(machine.status)) {
    return notDetachable(
      "NotConnected",
      `the machine is ${machine.status}, so Run Command cannot reach its agent`,
    );
  }
  if (isMonitorMode(machine)) {
    return notDetachable("MonitorMode", "the agent is in monitor mode, which blocks Run Command");
  }
  const blockers = runCommandBlockers(machine);
  if (blockers.length > 0) {
    return notDetachable("RunCommandBlocked", blockers.map((b) => b.reason).join("; "));
  }
  if (osType === "unknown") return unknownOsTypeStop(machine);
  return {
    kind: "steps",
    gatewayId: gatewayLink,
    steps: [
      ...record,
      {
        kind: "switchAgentToDirect",
        machineId,
        location: machine.location,
        runCommandName: detachRunCommandName,
        script: connectionTypeScript(osType, "direct"),
      },
      { kind: "clearGatewayLink", machineId, gatewayId: gatewayLink },
    ],
  };
}
