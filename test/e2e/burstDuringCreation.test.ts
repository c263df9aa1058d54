// Issue 8, stories: machines keep joining while their gateway is being created. Each one must be
// released by the singleton within one look (30 s on the gateway's schedule) of the creation's
// end — the slowest machine, not the average — and when the creation fails twice, every waiter
// ends GatewayCreationFailed at the failure, none by its own backstop two hours later.
import { failNextGatewayCreations } from "../../local/emulator/providers/hybridCompute/gateways";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import { HistoryEventType } from "../../local/host/durable/history/historyEventType";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile, runFor } from "./onboardingHarness";

const lucky = "00000000-0000-4000-8000-0000000a0811";
const unlucky = "00000000-0000-4000-8000-0000000a0812";
const minute = 60_000;
/** Longer than the 10 minutes of joining, so every machine joins a creation in progress. */
const gatewayCreateMs = 12 * minute;
/** The gateway singleton looks every 30 s from +4 min to +15 min. */
const lookIntervalMs = 30_000;
let h: Harness;

harnessPerFile(
  {
    subscriptionId: lucky,
    appSettings: { ARC_SCOPES: `/subscriptions/${lucky},/subscriptions/${unlucky}` },
    // Not throttled: what is measured here is the release, which happens before the machines'
    // writes; a throttled burst and its retries on virtual time are thousandMachineBurst's subject.
    emulator: { timings: { gatewayCreateMs }, throttling: false },
  },
  (started) => {
    h = started;
    started.registerHybridConnectivity();
    presetProviderRegistration(
      started.host.emulator!.state,
      unlucky,
      "Microsoft.HybridConnectivity",
      "Registered",
    );
  },
);

/** 100 machines, one every 6 s over 10 minutes of virtual time, the host running in between. */
async function joinOverTenMinutes(subscriptionId: string, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 100; i++) {
    ids.push(
      h.connect({
        name: `${prefix}-${String(i).padStart(3, "0")}`,
        location: "francecentral",
        subscriptionId,
      }),
    );
    await runFor(h, 6_000);
  }
  return ids;
}

/** When the machine's run received the gateway singleton's release (virtual time). */
function releasedAt(machineId: string): number {
  const raised = h.host.engine
    .history(machineInstanceId(machineId))
    .filter(
      (e) =>
        e.EventType === HistoryEventType.EventRaised && (e as { Name?: string }).Name === "GatewayCreation",
    );
  expect(raised).toHaveLength(1);
  return Date.parse(raised[0]!.Timestamp);
}

function gatewayPutTimes(subscriptionId: string): number[] {
  const path = `/subscriptions/${subscriptionId}/resourcegroups/arc-gateways/providers/microsoft.hybridcompute/gateways/arc-gw-francecentral`;
  return h.host
    .traffic()
    .filter((e) => e.method === "PUT" && new URL(e.url).pathname.toLowerCase() === path)
    .map((e) => Date.parse(e.time));
}

test("100 machines joining over 10 minutes during the creation are all released within one look of its success", async () => {
  const ids = await joinOverTenMinutes(lucky, "burst");

  const results = [];
  for (const id of ids) results.push(await h.outcome(id));

  expect(
    results.filter((r) => r.outcome !== "onboarded").map((r) => `${r.machineId}: ${r.code} ${r.reason}`),
  ).toEqual([]);
  const puts = gatewayPutTimes(lucky);
  expect(puts).toHaveLength(1);
  const succeededAt = puts[0]! + gatewayCreateMs;
  const waits = ids.map((id) => releasedAt(id) - succeededAt);
  expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...waits)).toBeLessThanOrEqual(lookIntervalMs);
});

test("a creation failing twice under the same burst fails every waiter with GatewayCreationFailed at the failure", async () => {
  failNextGatewayCreations(h.host.emulator!.state, 2);
  const ids = await joinOverTenMinutes(unlucky, "doomed");

  const results = [];
  for (const id of ids) results.push(await h.outcome(id));

  const codes = new Map<string, number>();
  for (const r of results)
    codes.set(`${r.outcome}/${r.code}`, (codes.get(`${r.outcome}/${r.code}`) ?? 0) + 1);
  expect(Object.fromEntries(codes)).toEqual({ "failed/GatewayCreationFailed": 100 });
  const puts = gatewayPutTimes(unlucky);
  expect(puts).toHaveLength(2);
  const secondFailureAt = puts[1]! + gatewayCreateMs;
  const waits = ids.map((id) => releasedAt(id) - secondFailureAt);
  expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...waits)).toBeLessThanOrEqual(lookIntervalMs);
});
