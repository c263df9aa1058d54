// The onboarding rules as plain data, built once from the validated settings, so activities read
// configuration and orchestrators only receive this object (never read config in an orchestrator,
// where a changed setting would make replay non-deterministic).
import type { Settings } from "../config";
import type { OptOutTag, Scope } from "../validation/scope";
import type { GatewayPlacementPolicy } from "./gatewayPlacement";

/** The provider SSH over Arc needs, registered once per subscription (docs/azure-facts.md §12). */
export const hybridConnectivityNamespace = "Microsoft.HybridConnectivity";

export interface AgentVersionPolicy {
  /** Below this an agent cannot use a gateway. */
  readonly gatewayMinimum: string;
  /** Below this an agent cannot serve SSH over Arc. */
  readonly sshMinimum: string;
  /** From this version the agent follows the cloud-side gateway link itself; older ones need a Run Command. */
  readonly autoSwitch: string;
  /** From this version the SSH port comes from the service configuration; older ones need `incomingconnections.ports`. */
  readonly serviceConfigurationPorts: string;
}

export interface OnboardingPolicy {
  /** Canonical `/subscriptions/{s}[/resourceGroups/{rg}]`; empty means nothing is in scope. */
  readonly scopes: readonly Scope[];
  readonly optOutTag: OptOutTag;
  /** ARC_CONNECTION_TAG: `<name>: direct` keeps a machine off gateways by an operator's choice. */
  readonly connectionTag: string;
  readonly gateway: GatewayPlacementPolicy & {
    /** How long machines wait for a gateway being created before they fail. */
    readonly deadlineMinutes: number;
  };
  readonly agentVersions: AgentVersionPolicy;
  /** What an OS off the SSH-over-Arc list gets: a warning, or a skip. */
  readonly osPolicy: "warn" | "skip";
  readonly sshPort: number;
  /** How long to wait for a machine to become Connected before stopping as `pending`. */
  readonly connectWaitMinutes: number;
  readonly outcomeTopicEndpoint?: string;
}

export type OnboardingSettings = Pick<
  Settings,
  | "ARC_SCOPES"
  | "ARC_OPT_OUT_TAG"
  | "ARC_CONNECTION_TAG"
  | "ARC_GATEWAY_RESOURCE_GROUP"
  | "ARC_GATEWAY_SUBSCRIPTION"
  | "ARC_GATEWAY_NAME_TEMPLATE"
  | "ARC_GATEWAY_CAPACITY"
  | "ARC_GATEWAY_DEADLINE_MINUTES"
  | "ARC_MIN_AGENT_VERSION_GATEWAY"
  | "ARC_MIN_AGENT_VERSION_SSH"
  | "ARC_AGENT_AUTO_SWITCH_VERSION"
  | "ARC_SERVICE_CONFIG_PORTS_VERSION"
  | "ARC_OS_POLICY"
  | "ARC_SSH_PORT"
  | "ARC_CONNECT_WAIT_MINUTES"
  | "ARC_OUTCOME_TOPIC_ENDPOINT"
>;

export function onboardingPolicyFrom(settings: OnboardingSettings): OnboardingPolicy {
  return {
    scopes: [...settings.ARC_SCOPES],
    optOutTag: { ...settings.ARC_OPT_OUT_TAG },
    connectionTag: settings.ARC_CONNECTION_TAG,
    gateway: {
      resourceGroup: settings.ARC_GATEWAY_RESOURCE_GROUP,
      nameTemplate: settings.ARC_GATEWAY_NAME_TEMPLATE,
      capacity: settings.ARC_GATEWAY_CAPACITY,
      deadlineMinutes: settings.ARC_GATEWAY_DEADLINE_MINUTES,
      ...(settings.ARC_GATEWAY_SUBSCRIPTION === undefined
        ? {}
        : { hubSubscriptionId: settings.ARC_GATEWAY_SUBSCRIPTION }),
    },
    agentVersions: {
      gatewayMinimum: settings.ARC_MIN_AGENT_VERSION_GATEWAY,
      sshMinimum: settings.ARC_MIN_AGENT_VERSION_SSH,
      autoSwitch: settings.ARC_AGENT_AUTO_SWITCH_VERSION,
      serviceConfigurationPorts: settings.ARC_SERVICE_CONFIG_PORTS_VERSION,
    },
    osPolicy: settings.ARC_OS_POLICY,
    sshPort: settings.ARC_SSH_PORT,
    connectWaitMinutes: settings.ARC_CONNECT_WAIT_MINUTES,
    ...(settings.ARC_OUTCOME_TOPIC_ENDPOINT === undefined
      ? {}
      : { outcomeTopicEndpoint: settings.ARC_OUTCOME_TOPIC_ENDPOINT }),
  };
}
