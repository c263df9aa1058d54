// Self-hosted gateway deployments as they actually run on clusters: the settings a cluster
// extension was last installed or updated with (applied when its provisioning succeeds, not when
// it is requested). The heartbeat and the token events read this; the extension resource in ARM
// never shows protected settings, so this side table is the only place that holds them.
import { normalizeResourceId } from "../../../../shared/resourceId";
import { type EmulatorState, perState } from "../../state";

export interface GatewayDeployment {
  readonly extensionId: string;
  readonly extensionType: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly protectedSettings: Readonly<Record<string, string>>;
  /** When this configuration started running (its provisioning succeeded). */
  readonly appliedAt: number;
}

const table = perState(() => new Map<string, GatewayDeployment>());

export function applyDeployment(state: EmulatorState, deployment: GatewayDeployment): void {
  table(state).set(normalizeResourceId(deployment.extensionId), deployment);
}

export function removeDeployment(state: EmulatorState, extensionId: string): void {
  table(state).delete(normalizeResourceId(extensionId));
}

export function deploymentOf(state: EmulatorState, extensionId: string): GatewayDeployment | undefined {
  return table(state).get(normalizeResourceId(extensionId));
}

export function allDeployments(state: EmulatorState): GatewayDeployment[] {
  return [...table(state).values()];
}
