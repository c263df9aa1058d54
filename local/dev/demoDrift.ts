// The demo's drift act: after the gateway retirement, `npm run dev` makes a little drift behind the
// app's back (local/emulator/behindTheBack.ts: no event, no ARM request) — a settings link removed
// by hand, an endpoint deleted, an SSH service configuration left on another port, a machine that
// joined while the app missed its event — then runs a drift sweep through the app's runbook route
// and prints its report: what it found, what it repaired, compliance per scope, what it cost.
import { deleteEndpoint, removeGatewayLink, seedUnseenMachine, setSshPort } from "../emulator/behindTheBack";
import { demoSubscriptionIds } from "../emulator/demoFleet";
import type { LocalHost } from "../host";
import type { ActivityView } from "./activityView";
import { attachedGateways } from "./demoRetirement";

/** The sweep's runbook route (POST starts one, answering 202 with the operation). */
export const driftSweepRoute = "drift/sweeps";

const settingsType = "Microsoft.HybridCompute/settings";
const sshConfigurationType = "Microsoft.HybridConnectivity/endpoints/serviceConfigurations";

export interface SeededDemoDrift {
  readonly machineId: string;
  readonly drift: string;
}

const nameOf = (id: string) => id.split("/").pop() ?? id;

/** Machines linked to a live gateway with their SSH configuration in place, by id. */
function onboardedMachines(host: LocalHost): string[] {
  const emulator = host.emulator;
  if (!emulator) return [];
  const live = new Set([...attachedGateways(host).keys()].filter((id) => emulator.state.getResource(id)));
  const machines: string[] = [];
  for (const settings of emulator.state.listResources({ type: settingsType })) {
    const link = (settings.body.properties as { gatewayProperties?: { gatewayResourceId?: unknown } })
      ?.gatewayProperties?.gatewayResourceId;
    if (typeof link !== "string" || !live.has(link)) continue;
    const machineId = settings.id.replace(/\/providers\/Microsoft\.HybridCompute\/settings\/default$/i, "");
    const ssh = emulator.state.listResources({ type: sshConfigurationType, parentId: machineId });
    if (ssh.length > 0) machines.push(machineId);
  }
  return machines.sort();
}

/** Up to three onboarded machines drift, and one machine joins unseen. */
export function seedDemoDrift(host: LocalHost): SeededDemoDrift[] {
  const emulator = host.emulator;
  if (!emulator) return [];
  const [unlinked, noEndpoint, wrongPort] = onboardedMachines(host);
  const seeded: SeededDemoDrift[] = [];
  if (unlinked) {
    removeGatewayLink(emulator, unlinked);
    seeded.push({ machineId: unlinked, drift: "its gateway link removed by hand" });
  }
  if (noEndpoint) {
    deleteEndpoint(emulator, noEndpoint);
    seeded.push({ machineId: noEndpoint, drift: "its SSH endpoint deleted" });
  }
  if (wrongPort) {
    setSshPort(emulator, wrongPort, 2222);
    seeded.push({ machineId: wrongPort, drift: "its SSH service configuration moved to port 2222" });
  }
  const joined = seedUnseenMachine(emulator, {
    subscriptionId: demoSubscriptionIds[0],
    resourceGroup: "rg-arc-eastus",
    name: "web-eus-03",
    location: "eastus",
  });
  seeded.push({ machineId: joined, drift: "joined Arc while its event was lost" });
  return seeded;
}

interface ReportView {
  dryRun?: boolean;
  machines?: number;
  durationSeconds?: number;
  kinds?: Record<string, number>;
  outcomes?: Record<string, number>;
  /** How the repairs the sweep started ended, by onboarding outcome. */
  repairs?: Record<string, number>;
  compliance?: { scope?: string; machines?: number; inDesiredState?: number; percent?: number }[];
  findings?: {
    machineId?: string;
    kind?: string;
    outcome?: string;
    repairResult?: string;
    reason?: string;
    localAction?: { commands?: string[] };
  }[];
  requests?: { armReads?: number; armWrites?: number; resourceGraphQueries?: number };
}

const counts = (record: Record<string, number> | undefined) =>
  Object.entries(record ?? {})
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none";

/** The sweep's report in a few lines: counts, compliance per scope, each finding, the cost. */
export function driftReportSummary(runtimeStatus: string, output: unknown): string {
  const report = (output as { report?: ReportView } | null | undefined)?.report;
  if (runtimeStatus !== "Completed" || !report) return `demo: the drift sweep ended ${runtimeStatus}`;
  const lines = [
    `demo: drift sweep report (${report.dryRun ? "dry run" : "repairs started"}): ${report.machines ?? 0} machine(s) in ${report.durationSeconds ?? 0} s`,
    `  kinds: ${counts(report.kinds)}`,
    `  outcomes: ${counts(report.outcomes)}`,
  ];
  if (report.repairs && Object.keys(report.repairs).length > 0)
    lines.push(`  repairs: ${counts(report.repairs)}`);
  for (const scope of report.compliance ?? []) {
    lines.push(
      `  compliance ${scope.scope}: ${scope.inDesiredState}/${scope.machines} in their desired state (${scope.percent}%)`,
    );
  }
  for (const finding of report.findings ?? []) {
    const command = finding.localAction?.commands?.[0];
    lines.push(
      `  ${nameOf(finding.machineId ?? "")}: ${finding.kind} → ${finding.outcome}` +
        (finding.repairResult ? ` (${finding.repairResult})` : "") +
        ` — ${finding.reason}` +
        (command ? ` (run on the machine: ${command})` : ""),
    );
  }
  const requests = report.requests;
  if (requests) {
    lines.push(
      `  cost: ${requests.resourceGraphQueries} Resource Graph queries, ${requests.armReads} ARM reads, ${requests.armWrites} ARM writes`,
    );
  }
  return lines.join("\n");
}

/** Seeds the drift, starts a sweep through the route, and tells its report once it has ended. */
export async function runDemoDriftSweep(
  host: LocalHost,
  view: ActivityView,
): Promise<{ seeded: SeededDemoDrift[]; status: number; operationId?: string }> {
  const seeded = seedDemoDrift(host);
  view.log(
    `demo: drift behind the app's back (no event): ${seeded.map((s) => `${nameOf(s.machineId)} ${s.drift}`).join("; ")}`,
  );
  view.log(`demo: sweeping for drift: POST /api/${driftSweepRoute}`);
  // The sweep's id is known once the route answers; it may end before or after that.
  const sweep: { id?: string; told?: boolean } = {};
  const ended = new Set(["Completed", "Failed", "Terminated"]);
  const tell = (runtimeStatus: string, output: unknown) => {
    if (sweep.told) return;
    sweep.told = true;
    unsubscribe();
    view.log(driftReportSummary(runtimeStatus, output));
  };
  const unsubscribe = host.engine.onInstanceChanged((status) => {
    if (sweep.id !== undefined && status.instanceId === sweep.id && ended.has(status.runtimeStatus))
      tell(status.runtimeStatus, status.output);
  });
  const response = await host.startViaHttp(driftSweepRoute, {});
  const operationId = (response.body as { operation?: { id?: string } } | undefined)?.operation?.id;
  if (response.status !== 202 || !operationId) {
    unsubscribe();
    view.log(`demo: the drift sweep route answered ${response.status}`);
    return { seeded, status: response.status };
  }
  sweep.id = operationId;
  view.log(`demo: drift sweep accepted; its status: GET /api/operations/${operationId}`);
  const status = host.engine.getStatus(operationId);
  if (status && ended.has(status.runtimeStatus)) tell(status.runtimeStatus, status.output);
  return { seeded, status: response.status, operationId };
}
