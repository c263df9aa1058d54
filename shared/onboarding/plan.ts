// The onboarding planner: what one machine still lacks, from what was observed, as a pure
// function, so onboarding, repairs and dry runs share one set of rules. It either stops — with an outcome, a reason and, where only the
// machine's owner can help, the exact local command — or lists the steps still missing, in the
// order to run them. A step that is already satisfied is never in the list, so re-planning a
// finished machine returns no steps and sends nothing to Azure.
//
// Prerequisites, in order: in scope; exists; not opted out; Connected (else `pending`, which the
// orchestrator may first wait out with a timer); not in monitor mode; agent new enough for the
// gateway and for SSH; OS on the SSH list (warn or skip by policy). Steps: the gateway (create,
// wait, attach, and for agents below the auto-switch version the connection.type Run Command),
// the provider, the endpoint, the SSH service configuration, and the agent's incoming port for
// agents that predate service-configuration ports. Run Command steps are checked last: only when
// one is actually needed can a locked-down agent stop the plan. A machine tagged direct by an
// operator's choice (ARC_CONNECTION_TAG, connectionChoice.ts) gets no gateway step at all — no
// placement, no creation, no attach, and whatever link it still has is left alone — and the plan
// says so in `directByChoice`; the other steps apply as for any machine.
import { agentOsTypeOf, connectionTypeScript, incomingPortsScript, osTypeOf } from "../azure/agentCommands";
import { isConnected } from "../azure/azureStates";
import type { ArcMachine } from "../azure/machines";
import { machineResourceId, parseMachineId } from "../resourceId";
import { resourceNameIn, shorten } from "../text";
import {
  type AgentVersion,
  compareAgentVersions,
  isAgentVersion,
  parseAgentVersion,
} from "../validation/agentVersion";
import { directChoiceReason, isDirectByChoice } from "./connectionChoice";
import { fullModeCommand, upgradeAgentAction } from "./localActions";
import { type GatewayPart, gatewaySteps, portDecision, providerSteps, sshSteps } from "./missingSteps";
import { onboardAgain } from "./onboardAgain";
import type {
  OnboardingFollowUp,
  OnboardingObservation,
  OnboardingOutcome,
  OnboardingPlan,
  OnboardingStop,
  OnboardingStopCode,
  Stop,
  StopDetails,
} from "./onboardingPlan";
import { checkOsSupport } from "./osSupport";
import type { OnboardingPolicy } from "./policy";
import { isMonitorMode, runCommandBlockers } from "./runCommandReadiness";
import { hasOptOutTag, isInScope } from "./scope";
import { type OnboardingStep, runCommandNames } from "./steps";

export function planOnboarding(observed: OnboardingObservation, policy: OnboardingPolicy): OnboardingPlan {
  const warnings: string[] = [];
  const stop = (
    outcome: OnboardingOutcome,
    code: OnboardingStopCode,
    reason: string,
    extra: StopDetails = {},
  ): OnboardingStop => ({
    kind: "stop",
    machineId: observed.machineId,
    outcome,
    code,
    reason,
    ...extra,
    warnings,
  });

  if (policy.scopes.length === 0) {
    return stop(
      "skipped",
      "NoScopes",
      "No scopes are configured (ARC_SCOPES is empty), so no machine is in scope: set it to the subscriptions or resource groups arc-autopilot may change",
    );
  }
  if (!isInScope(observed.machineId, policy.scopes)) {
    return stop(
      "skipped",
      "OutOfScope",
      `The machine is outside every configured scope (${policy.scopes.join(", ")})`,
    );
  }
  const machine = observed.machine;
  if (!machine) return stop("skipped", "MachineNotFound", "The machine no longer exists in Azure");
  if (hasOptOutTag(machine.tags, policy)) {
    const tag =
      policy.optOutTag.value === undefined
        ? policy.optOutTag.name
        : `${policy.optOutTag.name}:${policy.optOutTag.value}`;
    return stop("skipped", "OptedOut", `The machine is tagged ${tag}, which opts it out of arc-autopilot`);
  }
  if (!isConnected(machine.status)) {
    const since = machine.lastStatusChange ? ` since ${shorten(machine.lastStatusChange)}` : "";
    return stop(
      "pending",
      "NotConnected",
      `The machine is ${shorten(machine.status)}${since}, not Connected; ${
        policy.connectWaitMinutes > 0
          ? `onboarding looks again every 5 minutes for up to ${policy.connectWaitMinutes} minutes, and after that ${onboardAgain} starts it again`
          : `${onboardAgain} starts its onboarding again`
      }`,
      policy.connectWaitMinutes > 0
        ? { waitFor: { condition: "machineConnected", maxMinutes: policy.connectWaitMinutes } }
        : {},
    );
  }
  const osType = osTypeOf(machine.osType);
  // Monitor mode "disables remote connectivity" ([docs] azure-management-docs security-machine-configuration.md),
  // so SSH over Arc cannot work however the cloud side is set up: stop before any write.
  if (isMonitorMode(machine)) {
    return stop(
      "needs-local-action",
      "MonitorMode",
      "The agent is in monitor mode, which disables remote connectivity (SSH over Arc) and blocks Run Command; only a command on the machine can change that",
      {
        localAction: {
          osType,
          commands: [fullModeCommand(osType)],
          explanation: `Switch the agent back to full mode${osType === "windows" ? " in an elevated PowerShell" : ""}; ${onboardAgain} then starts its onboarding again, which continues from there.`,
        },
      },
    );
  }

  const version = agentVersionOf(machine);
  if ("stop" in version) return stop(...version.stop);
  // Direct by an operator's choice: no gateway, so the gateway's agent minimum does not apply.
  const direct = isDirectByChoice(machine.tags, policy.connectionTag);
  // Too old for SSH: nothing to do until the agent is upgraded. Too old only for the gateway: SSH
  // over Arc is still set up (it does not need the gateway), and the run ends asking for the
  // upgrade that lets the next run attach the gateway.
  const tooOld = [
    ...(direct ? [] : [{ minimum: policy.agentVersions.gatewayMinimum, purpose: "use an Arc gateway" }]),
    { minimum: policy.agentVersions.sshMinimum, purpose: "serve SSH over Arc" },
  ].filter((requirement) => compareAgentVersions(version.agent, requirement.minimum) < 0);
  const tooOldReason = `Agent ${version.agent.text} is too old: ${tooOld.map((r) => `${r.purpose} needs ${r.minimum} or later`).join("; ")}`;
  const tooOldForGatewayOnly =
    tooOld.length === 1 && tooOld[0]!.minimum === policy.agentVersions.gatewayMinimum;
  if (tooOld.length > 0 && !tooOldForGatewayOnly) {
    return stop("needs-local-action", "AgentTooOld", tooOldReason, {
      localAction: upgradeAgentAction(machine),
    });
  }

  const os = checkOsSupport(machine);
  if (!os.supported) {
    const reason = `SSH over Arc may not support this machine's OS: ${os.reason}`;
    if (policy.osPolicy === "skip")
      return stop("skipped", "UnsupportedOs", `${reason} (ARC_OS_POLICY is skip)`);
    warnings.push(reason);
  }

  // ---- the steps still missing ----
  const machineId = machineResourceId(parseMachineId(observed.machineId));
  const gateway = direct
    ? noGateway
    : tooOldForGatewayOnly
      ? gatewayLeftAlone(observed)
      : gatewaySteps(observed, policy, machineId, machine);
  if ("stop" in gateway) return stop(...gateway.stop);
  const provider = providerSteps(observed, parseMachineId(machineId).subscriptionId);
  const ssh = sshSteps(observed, policy, machineId);
  const ports = portDecision(machine, version.agent, policy);
  if ("stop" in ports) return stop(...ports.stop);
  if (ports.warning) warnings.push(ports.warning);

  // Run Command needs a script in the machine's shell; without a known OS there is none to build.
  const switchAgent =
    gateway.gatewayId !== undefined &&
    compareAgentVersions(version.agent, policy.agentVersions.autoSwitch) < 0 &&
    (gateway.attaching || observed.agentConnectionType === "direct");
  const runCommandKinds = [
    ...(switchAgent ? ["switchAgentToGateway" as const] : []),
    ...(ports.ports ? ["openSshPort" as const] : []),
  ];
  if (runCommandKinds.length > 0 && osType === "unknown") {
    return stop(
      "failed",
      "UnknownOsType",
      `The machine needs Run Command (${runCommandKinds.join(", ")}) but reports osType '${shorten(machine.osType ?? "")}', so no script can be built for it`,
    );
  }
  if (runCommandKinds.length > 0) {
    const blockers = runCommandBlockers(machine);
    if (blockers.length > 0) {
      return stop(
        "needs-local-action",
        "RunCommandBlocked",
        `The machine needs Run Command (${runCommandKinds.join(", ")}) but ${blockers.map((b) => b.reason).join("; ")}`,
        {
          localAction: {
            osType,
            commands: blockers.map((b) => b.command),
            explanation: `Allow Run Command on the machine${osType === "windows" ? " (elevated PowerShell)" : ""}; ${onboardAgain} then starts its onboarding again, which continues from there.`,
          },
          blockedSteps: runCommandKinds,
        },
      );
    }
  }
  const agentOs = osType === "unknown" ? undefined : agentOsTypeOf(osType);
  const switchStep: OnboardingStep[] =
    switchAgent && agentOs && gateway.gatewayId !== undefined
      ? [
          {
            kind: "switchAgentToGateway",
            machineId,
            gatewayId: gateway.gatewayId,
            location: machine.location,
            osType: agentOs,
            agentVersion: version.agent.text,
            runCommandName: runCommandNames.switchAgentToGateway,
            script: connectionTypeScript(agentOs, "gateway"),
          },
        ]
      : [];
  const portStep: OnboardingStep[] =
    ports.ports && agentOs
      ? [
          {
            kind: "openSshPort",
            machineId,
            location: machine.location,
            osType: agentOs,
            agentVersion: version.agent.text,
            currentPorts: [...machine.agentConfiguration.incomingConnectionsPorts],
            ports: ports.ports,
            runCommandName: runCommandNames.openSshPort,
            script: incomingPortsScript(agentOs, ports.ports),
          },
        ]
      : [];
  warnings.push(...gateway.warnings);

  // Both slow operations begin first so their waits overlap; then the gateway link, the agent's
  // switch, the provider wait (the endpoint PUTs need the provider), and the SSH pieces.
  const steps: OnboardingStep[] = [
    ...gateway.begin,
    ...provider.begin,
    ...gateway.then,
    ...switchStep,
    ...provider.then,
    ...ssh,
    ...portStep,
  ];
  const followUp: OnboardingFollowUp | undefined = tooOldForGatewayOnly
    ? {
        code: "AgentTooOldForGateway",
        reason: `${tooOldReason}; SSH over Arc is set up, and the next onboarding run attaches the gateway once the agent is upgraded`,
        localAction: upgradeAgentAction(machine),
      }
    : undefined;
  const directByChoice = direct
    ? observed.gatewayLink === undefined
      ? directChoiceReason(policy.connectionTag)
      : `${directChoiceReason(policy.connectionTag)}. It is still linked to gateway ${resourceNameIn(observed.gatewayLink)}, which onboarding leaves alone: the detach runbook (POST /api/machines/{sub}/{rg}/{name}/detach) takes it off`
    : undefined;
  return {
    kind: "steps",
    machineId,
    steps,
    warnings,
    ...(followUp && { followUp }),
    ...(directByChoice !== undefined && { directByChoice }),
  };
}

/** The gateway part of a machine that is direct by an operator's choice: none, and nothing written. */
const noGateway = { gatewayId: undefined, attaching: false, begin: [], then: [], warnings: [] } as const;

/** The gateway part of a machine whose agent cannot use a gateway: whatever link it has stays. */
function gatewayLeftAlone(observed: OnboardingObservation): Omit<GatewayPart, "gatewayId"> & {
  readonly gatewayId: string | undefined;
} {
  const link = observed.gatewayLink;
  return { gatewayId: link, attaching: false, begin: [], then: [], warnings: [] };
}

type VersionCheck = { readonly agent: AgentVersion } | { readonly stop: Stop };

function agentVersionOf(machine: ArcMachine): VersionCheck {
  if (machine.agentVersion === undefined || machine.agentVersion.trim() === "") {
    return { stop: ["pending", "AgentVersionUnknown", "The machine reports no agent version yet"] };
  }
  if (!isAgentVersion(machine.agentVersion)) {
    return {
      stop: [
        "failed",
        "InvalidAgentVersion",
        `The machine reports agent version '${shorten(machine.agentVersion)}', which is not a version`,
      ],
    };
  }
  return { agent: parseAgentVersion(machine.agentVersion) };
}
