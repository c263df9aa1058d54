// A machine deleted while its onboarding waits: the deletion event terminates the run. A late
// delivery of an OLDER deletion (Event Grid's retries last up to 24 hours; the dead-letter replay
// may come days later) reaches a run that began after it — the machine was created again since —
// and must leave that run alone.
import type { EventGridEvent } from "../../local/emulator/eventGrid/resourceEvents";
import { setMachineConnectivity } from "../../local/emulator/providers/hybridCompute/machines";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile, runFor } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0e14";
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
});

/** The machine's write event as the emulator published it, turned into its deletion at `eventTime`. */
function deletionOf(machineId: string, eventTime: Date, id: string): EventGridEvent {
  const written = h.host
    .emulator!.eventLog()
    .published.map((record) => record.event)
    .find((event) => event.subject.toLowerCase() === machineId.toLowerCase());
  if (written === undefined) throw new Error(`no write event for ${machineId}`);
  return {
    ...written,
    id,
    eventType: "Microsoft.Resources.ResourceDeleteSuccess",
    eventTime: eventTime.toISOString(),
    data: { ...written.data, operationName: "Microsoft.HybridCompute/machines/delete" },
  };
}

function runtimeStatus(machineId: string): string | undefined {
  return h.host.statuses().find((status) => status.instanceId === machineInstanceId(machineId))
    ?.runtimeStatus;
}

test("an older deletion leaves the newer run alone; the machine's own deletion terminates it", async () => {
  const before = new Date(h.clock.now() - 60 * 60_000);
  const machineId = h.connect({ name: "reborn-01", location: "eastus" });
  // Not connected: the onboarding waits for the agent (ARC_CONNECT_WAIT_MINUTES), so it is running.
  setMachineConnectivity(h.host.emulator!.context(), machineId, "Disconnected");
  await runFor(h, 60_000);
  expect(runtimeStatus(machineId)).toBe("Running");

  // The deletion of the machine's previous life, an hour before this run began, delivered late.
  await h.host.sendEvent(deletionOf(machineId, before, "late-delete-1"));
  await runFor(h, 60_000);
  expect(runtimeStatus(machineId)).toBe("Running");
  expect(h.log.messages().join("\n")).toMatch(
    /reborn-01 deleted: onboarding kept: its run began at .* after the deletion .*event late-delete-1/,
  );

  // Now the machine itself is deleted.
  await h.host.sendEvent(deletionOf(machineId, new Date(h.clock.now()), "delete-2"));
  const ended = await h.host.waitForInstance(machineInstanceId(machineId));
  expect(ended.runtimeStatus).toBe("Terminated");
  expect(h.log.messages().join("\n")).toMatch(/reborn-01 deleted: onboarding terminated .*event delete-2/);
});
