// Issue 8, the lost wake-up: a singleton whose look timer won its `Task.any` left that event wait
// open, and the next `Waiter` — raised while the singleton awaited an activity — was handed to the
// abandoned wait and never read, so the machine waited out its backstop. Here the `Waiter` is
// raised at exactly that moment (the singleton's first read of Azure after a timer, from the
// engine's hook as the activity starts), for both singletons, and the release must name it.
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import type { KillPoint } from "../../local/host";
import type { HistoryEvent } from "../../local/host/durable/history/historyEvent";
import { HistoryEventType } from "../../local/host/durable/history/historyEventType";
import {
  gatewayInstanceKey,
  machineInstanceId,
  providerInstanceId,
} from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile, runFor } from "./onboardingHarness";

const gatewaySubscription = "00000000-0000-4000-8000-0000000a0801";
const providerSubscription = "00000000-0000-4000-8000-0000000a0802";
let h: Harness;

/** The moment to step in: the first time `instanceId` starts the activity `activityName`. */
interface Trap {
  readonly instanceId: string;
  readonly activityName: string;
  readonly lateJoiner: string;
  sprung: boolean;
}
const traps: Trap[] = [];

function onKillPoint(point: KillPoint): void {
  if (point.kind !== "activityStarted") return;
  const trap = traps.find(
    (t) => !t.sprung && t.instanceId === point.instanceId && t.activityName === point.name,
  );
  if (!trap) return;
  trap.sprung = true;
  // Synchronously, before the activity can answer: the event is queued ahead of its completion.
  h.host.engine.raiseEvent(trap.instanceId, "Waiter", { instanceId: trap.lateJoiner });
}

harnessPerFile(
  {
    subscriptionId: gatewaySubscription,
    appSettings: {
      ARC_SCOPES: `/subscriptions/${gatewaySubscription},/subscriptions/${providerSubscription}`,
    },
    onKillPoint,
  },
  (started) => {
    h = started;
    started.registerHybridConnectivity();
  },
);

/** The waiters named by each `releaseWaiters` the singleton scheduled, in order. */
function releases(instanceId: string): string[][] {
  return h.host.engine
    .history(instanceId)
    .filter(
      (e): e is HistoryEvent & { Name: string; Input: string } =>
        e.EventType === HistoryEventType.TaskScheduled &&
        (e as { Name?: string }).Name === "releaseWaiters_v1",
    )
    .map((e) => (JSON.parse(e.Input) as { waiters: string[] }).waiters);
}

/** The history's event types between the trap's activity being scheduled and its completion. */
function eventsAroundTrap(instanceId: string, activityName: string): string[] {
  const history = h.host.engine.history(instanceId);
  const scheduled = history.findIndex(
    (e) => e.EventType === HistoryEventType.TaskScheduled && (e as { Name?: string }).Name === activityName,
  );
  const id = (history[scheduled] as { EventId: number }).EventId;
  const completed = history.findIndex(
    (e) =>
      e.EventType === HistoryEventType.TaskCompleted &&
      (e as { TaskScheduledId?: number }).TaskScheduledId === id,
  );
  return history
    .slice(scheduled, completed + 1)
    .map((e) => HistoryEventType[e.EventType] ?? String(e.EventType))
    .filter((type) => type !== "OrchestratorStarted" && type !== "OrchestratorCompleted");
}

/**
 * Sets the trap on the singleton's first `activityName` after a timer, runs the machine's
 * onboarding to its end, and checks the late joiner's Waiter was both raised mid-activity and
 * released beside the machine that started the singleton.
 */
async function expectLateJoinerReleased(
  machineId: string,
  singleton: string,
  activityName: string,
  lateJoiner: string,
): Promise<void> {
  const trap: Trap = { instanceId: singleton, activityName, lateJoiner, sprung: false };
  traps.push(trap);

  const result = await h.outcome(machineId);
  await h.host.runUntilIdle();

  expect(result.outcome).toBe("onboarded");
  expect(trap.sprung).toBe(true);
  // The Waiter landed while the read was in flight (a timer had won the wait before it)...
  expect(eventsAroundTrap(singleton, activityName)).toEqual([
    "TaskScheduled",
    "EventRaised",
    "TaskCompleted",
  ]);
  // ...and the release names it beside the machine that started the singleton.
  expect(releases(singleton).flat().sort()).toEqual([lateJoiner, machineInstanceId(machineId)].sort());
}

test("gateway singleton: a Waiter raised while it reads the operation after a timer is released with the others", async () => {
  const machineId = h.connect({ name: "first-in-line", location: "uksouth" });
  const singleton = gatewayInstanceKey(h.gatewayId("arc-gw-uksouth"));
  await expectLateJoinerReleased(
    machineId,
    singleton,
    "readGatewayOperation_v1",
    "onboard-late-joiner-gateway",
  );
});

test("provider singleton: a Waiter raised while it reads the provider after a timer is released with the others", async () => {
  // The gateway exists and the subscription's HybridConnectivity is not registered: only the
  // provider's singleton runs.
  presetProviderRegistration(
    h.host.emulator!.state,
    providerSubscription,
    "Microsoft.HybridConnectivity",
    "NotRegistered",
  );
  const gatewayPut = await h.host.emulator!.request(
    "PUT",
    `/subscriptions/${providerSubscription}/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/arc-gw-uksouth?api-version=2025-01-13`,
    { location: "uksouth", properties: { gatewayType: "Public", allowedFeatures: ["*"] } },
  );
  expect(gatewayPut.status).toBe(201);
  await runFor(h, h.host.emulator!.timings.gatewayCreateMs + 60_000);
  const machineId = h.connect({
    name: "first-in-line",
    location: "uksouth",
    subscriptionId: providerSubscription,
  });
  const singleton = providerInstanceId(providerSubscription, "Microsoft.HybridConnectivity");
  await expectLateJoinerReleased(
    machineId,
    singleton,
    "readProviderState_v1",
    "onboard-late-joiner-provider",
  );
});
