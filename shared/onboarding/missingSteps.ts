// The planner's step-finding parts, one per concern: the gateway, the provider, the SSH
// endpoint and service configuration, and the agent's own incoming-ports list. Each looks at one
// slice of the observation and returns only what is missing (plan.ts orders and checks them).
import { mergeIncomingPorts, osTypeOf } from "../azure/agentCommands";
import { hasFailed, hasSucceeded, isDeletedState, registrationPhaseOf } from "../azure/azureStates";
import type { ArcMachine } from "../azure/machines";
import { isGatewayId, normalizeResourceId } from "../resourceId";
import { resourceNameIn, shorten } from "../text";
import { type AgentVersion, compareAgentVersions } from "../validation/agentVersion";
import { normalizeLocation } from "./gatewayPlacement";
import { addIncomingPortCommand } from "./localActions";
import type { OnboardingObservation, Stop } from "./onboardingPlan";
import { hybridConnectivityNamespace, type OnboardingPolicy } from "./policy";
import type { OnboardingStep } from "./steps";

export interface GatewayPart {
  /** The gateway the machine is (or will be) attached to. */
  readonly gatewayId: string;
  /** True when this plan attaches it (so agents below the auto-switch version need their Run Command). */
  readonly attaching: boolean;
  readonly begin: readonly OnboardingStep[];
  readonly then: readonly OnboardingStep[];
  readonly warnings: readonly string[];
}

export function gatewaySteps(
  observed: OnboardingObservation,
  policy: OnboardingPolicy,
  machineId: string,
  machine: ArcMachine,
): GatewayPart | { readonly stop: Stop } {
  const link = observed.gatewayLink;
  // Attached means the settings name a gateway, any gateway that still exists: machines are never
  // moved between gateways (a retiring one's machines are its running retirement's to move, to
  // direct or onto the gateway the operator chose), but one whose gateway is gone is linked to a
  // live one, and so is one whose gateway is tagged retiring with no retirement running (it
  // aborted, or the tag was set by hand): nothing else would ever move it.
  const gone = link !== undefined && observed.linkedGateway === "gone";
  const abandoned =
    link !== undefined && observed.linkedGateway === "retiring" && observed.retirementRunning === false;
  if (link !== undefined && isGatewayId(link) && !gone && !abandoned) {
    return { gatewayId: link, attaching: false, begin: [], then: [], warnings: [] };
  }
  const warnings =
    link === undefined
      ? []
      : gone
        ? [`The machine's gateway '${resourceNameIn(link)}' no longer exists; it is linked to a live gateway`]
        : abandoned
          ? [
              `The machine's gateway '${resourceNameIn(link)}' is tagged retiring and no retirement runs; it is linked to a live gateway`,
            ]
          : [`The machine's gateway setting '${shorten(link)}' is not a gateway id; it is replaced`];
  const placement = observed.gatewayPlacement;
  // A gateway outside the machine's region (its subscription has no room for one there) is
  // allowed — a gateway serves any machine of the tenant (docs/azure-facts.md §3) — but said.
  if (placement !== undefined && "use" in placement && placement.warning) warnings.push(placement.warning);
  if (placement === undefined) {
    return {
      stop: [
        "failed",
        "GatewayNotPlaced",
        "The machine is not attached to a gateway and no gateway placement was observed",
      ],
    };
  }
  if ("failed" in placement) return { stop: ["failed", "GatewayPlacementFailed", placement.failed.message] };
  const gatewayId = "use" in placement ? placement.use : placement.create.gatewayId;
  const observedGateway =
    observed.targetGateway !== undefined && sameId(observed.targetGateway.id, gatewayId)
      ? observed.targetGateway
      : undefined;
  const state = observedGateway?.provisioningState;
  const attach: OnboardingStep = { kind: "attachGateway", machineId, gatewayId };
  if (hasSucceeded(state)) return { gatewayId, attaching: true, begin: [], then: [attach], warnings };
  // Create when it does not exist (a `create` placement) or its creation ended without success;
  // a gateway still Creating (or Accepted, Updating…) only needs the wait.
  const ended = state === undefined ? "create" in placement : hasFailed(state) || isDeletedState(state);
  const { deadlineMinutes } = policy.gateway;
  const location =
    "create" in placement
      ? placement.create.location
      : (observedGateway?.location ?? normalizeLocation(machine.location));
  return {
    gatewayId,
    attaching: true,
    begin: ended ? [{ kind: "createGateway", gatewayId, location, deadlineMinutes }] : [],
    then: [{ kind: "waitForGateway", gatewayId, location, deadlineMinutes }, attach],
    warnings,
  };
}

export function providerSteps(
  observed: OnboardingObservation,
  subscriptionId: string,
): { readonly begin: readonly OnboardingStep[]; readonly then: readonly OnboardingStep[] } {
  const phase = registrationPhaseOf(observed.providerState);
  if (phase === "registered") return { begin: [], then: [] };
  const wait: OnboardingStep = {
    kind: "waitForProvider",
    subscriptionId,
    namespace: hybridConnectivityNamespace,
  };
  // Registering is under way: only wait. Anything else (NotRegistered, Unregistering, unknown) registers first.
  return phase === "registering"
    ? { begin: [], then: [wait] }
    : {
        begin: [{ kind: "registerProvider", subscriptionId, namespace: hybridConnectivityNamespace }],
        then: [wait],
      };
}

export function sshSteps(
  observed: OnboardingObservation,
  policy: OnboardingPolicy,
  machineId: string,
): OnboardingStep[] {
  // The service configuration lives under the endpoint: a missing endpoint means a missing configuration.
  if (observed.defaultEndpoint === undefined || hasFailed(observed.defaultEndpoint.provisioningState)) {
    return [
      { kind: "createDefaultEndpoint", machineId },
      { kind: "createSshServiceConfiguration", machineId, port: policy.sshPort },
    ];
  }
  const configuration = observed.sshServiceConfiguration;
  if (configuration === undefined)
    return [{ kind: "createSshServiceConfiguration", machineId, port: policy.sshPort }];
  const problem =
    configuration.serviceName.trim().toUpperCase() !== "SSH"
      ? `it is for service ${shorten(configuration.serviceName)}`
      : hasFailed(configuration.provisioningState)
        ? `its provisioning ${configuration.provisioningState ?? ""}`
        : configuration.port === undefined
          ? "it has no port"
          : configuration.port !== policy.sshPort
            ? `it allows port ${configuration.port}`
            : undefined;
  if (problem === undefined) return [];
  return [
    {
      kind: "repairSshServiceConfiguration",
      machineId,
      port: policy.sshPort,
      ...(configuration.port === undefined ? {} : { currentPort: configuration.port }),
      reason: problem,
    },
  ];
}

/**
 * The agent's incoming-ports list, for agents that predate service-configuration ports. Only a
 * reported, non-empty list without the SSH port is rewritten, merged so every open port stays
 * (`incomingconnections.ports` replaces the list, docs/azure-facts.md §7); an empty list cannot be told
 * apart from one ARM did not report, and writing `22` over an unreported list could close ports.
 */
export function portDecision(
  machine: ArcMachine,
  agent: AgentVersion,
  policy: OnboardingPolicy,
): { readonly ports?: string[]; readonly warning?: string } | { readonly stop: Stop } {
  if (compareAgentVersions(agent, policy.agentVersions.serviceConfigurationPorts) >= 0) return {};
  const osType = osTypeOf(machine.osType);
  const reported = machine.agentConfiguration.incomingConnectionsPorts;
  if (reported.length === 0) {
    return {
      warning: `Agent ${agent.text} predates service-configuration ports and reports no incoming ports; if SSH is refused, run \`${addIncomingPortCommand(osType, policy.sshPort)}\` on the machine`,
    };
  }
  let current: string[];
  let merged: string[];
  try {
    current = mergeIncomingPorts(reported, []);
    merged = mergeIncomingPorts(reported, [policy.sshPort]);
  } catch {
    // A port we cannot read would be lost from a rewritten list, so the list stays its owner's.
    return {
      stop: [
        "needs-local-action",
        "UnreadablePorts",
        `The agent reports incoming ports arc-autopilot cannot read (${shorten(reported.join(","))}), so it will not rewrite the list`,
        {
          localAction: {
            osType,
            commands: [addIncomingPortCommand(osType, policy.sshPort)],
            explanation: `Add port ${policy.sshPort} to the agent's incoming connections, keeping the ports already there.`,
          },
        },
      ],
    };
  }
  return merged.length > current.length ? { ports: merged } : {};
}

function sameId(a: string, b: string): boolean {
  try {
    return normalizeResourceId(a) === normalizeResourceId(b);
  } catch {
    return false;
  }
}
