// The demo's last act: once the demo fleet's onboarding has gone quiet, `npm run dev` retires one
// gateway through the app's own runbook route (POST /api/gateways/{s}/{rg}/{name}/retire), so the
// progress view shows a retirement step by step — tag, find the machines, move each off (their
// detaches appear as bars too), read again, delete — and the final table its result. The gateway
// chosen is the one with the fewest attached machines (at least one), by id for a tie.
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import type { LocalHost } from "../host";
import type { ActivityView } from "./activityView";

export interface DemoRetirement {
  readonly gatewayId: string;
  readonly attachedMachines: number;
  /** The operation's id (the gateway's key), or undefined when the route refused. */
  readonly operationId?: string;
  readonly status: number;
}

const settingsType = "Microsoft.HybridCompute/settings";

/** The gateways machines link to in the emulator, with how many link each. */
export function attachedGateways(host: LocalHost): Map<string, number> {
  const counts = new Map<string, number>();
  for (const settings of host.emulator?.state.listResources({ type: settingsType }) ?? []) {
    const properties = settings.body.properties as
      { gatewayProperties?: { gatewayResourceId?: unknown } } | undefined;
    const link = properties?.gatewayProperties?.gatewayResourceId;
    if (typeof link === "string" && link !== "") counts.set(link, (counts.get(link) ?? 0) + 1);
  }
  return counts;
}

/** Retires the demo's least-used gateway through the runbook route; undefined when no gateway has machines. */
export async function retireDemoGateway(
  host: LocalHost,
  view: ActivityView,
): Promise<DemoRetirement | undefined> {
  const [chosen] = [...attachedGateways(host).entries()].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1));
  if (!chosen) {
    view.log("demo: no gateway has machines attached, so none is retired");
    return undefined;
  }
  const [gatewayId, attachedMachines] = chosen;
  const [, subscriptionId, resourceGroup, name] =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.HybridCompute\/gateways\/([^/]+)$/i.exec(
      gatewayId,
    ) ?? [];
  if (!subscriptionId || !resourceGroup || !name) return undefined;
  const route = `gateways/${subscriptionId}/${resourceGroup}/${name}/retire`;
  // Its result, in a few lines, once it has ended (watched from before the request: it may be quick).
  const key = gatewayInstanceKey(gatewayId);
  const unsubscribe = host.engine.onInstanceChanged((status) => {
    if (status.instanceId !== key || !["Completed", "Failed", "Terminated"].includes(status.runtimeStatus))
      return;
    unsubscribe();
    view.log(retirementSummary(name, status.runtimeStatus, status.output));
  });
  view.log(`demo: retiring gateway ${name} (${attachedMachines} machine(s) attached): POST /api/${route}`);
  const response = await host.startViaHttp(route, {});
  const operationId = (response.body as { operation?: { id?: string } } | undefined)?.operation?.id;
  if (response.status !== 202) unsubscribe();
  view.log(
    response.status === 202 && operationId
      ? `demo: retirement of ${name} accepted; its status: GET /api/operations/${operationId}`
      : `demo: the retire route answered ${response.status}`,
  );
  return { gatewayId, attachedMachines, status: response.status, ...(operationId ? { operationId } : {}) };
}

/** `demo: arc-gw-x retired: …` and one line per machine, from the retirement's result. */
export function retirementSummary(name: string, runtimeStatus: string, output: unknown): string {
  const result = output as
    | { message?: string; machines?: { machineId?: string; outcome?: string; reason?: string }[] }
    | null
    | undefined;
  if (runtimeStatus !== "Completed" || !result?.message)
    return `demo: the retirement of ${name} ended ${runtimeStatus}`;
  const lines = [`demo: ${result.message}`];
  for (const machine of result.machines ?? []) {
    lines.push(`  ${String(machine.machineId).split("/").pop()}: ${machine.outcome} — ${machine.reason}`);
  }
  return lines.join("\n");
}
