// The local host's test API over HTTP and time: an HTTP starter's check-status URLs work against
// the host, a two-hour durable timer passes in well under a second of real time on the shared
// VirtualClock, and a host killed mid-work (during a wait, or with an activity's result in
// flight) comes back from its stored history to the same end.
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";

import { VirtualClock } from "../../../local/clock";
import { connectMachine } from "../../../local/emulator/providers/hybridCompute/machines";
import { type KillPoint, type LocalHost, silentHostLog, startLocalHost } from "../../../local/host";
import { describeInstanceId, heartbeats } from "./fixtures/machineEventsApp";

const start = Date.UTC(2026, 5, 1, 8, 0, 0);
const twoHours = 2 * 3_600_000;

let host: LocalHost;
let clock: VirtualClock;
/** The activity whose finished result the next crash loses; none when undefined. */
let crashWhenFinished: string | undefined;

function crashAtKillPoint(point: KillPoint): void {
  if (point.kind !== "activityFinished" || point.name !== crashWhenFinished) return;
  crashWhenFinished = undefined;
  // crash() takes the engine down synchronously, right here; the port closes just after.
  void host.crash();
}

beforeAll(async () => {
  clock = new VirtualClock(start);
  host = await startLocalHost({
    app: { modules: [resolve(__dirname, "fixtures/machineEventsApp.ts")] },
    clock,
    log: silentHostLog,
    onKillPoint: crashAtKillPoint,
  });
});

afterAll(async () => {
  await host.stop();
});

test("startViaHttp returns createCheckStatusResponse's links, and they work against the host", async () => {
  const started = await host.startViaHttp("orchestrators/WaitTwoHours");

  expect(started.status).toBe(202);
  const links = started.checkStatus!;
  expect(links.statusQueryGetUri).toBe(
    `${host.origin}/runtime/webhooks/durabletask/instances/${links.id}?taskHub=TestHubName&connection=Storage&code=${host.keys.system.durabletask_extension}`,
  );
  expect(started.headers.get("location")).toBe(links.statusQueryGetUri);

  const running = await fetch(links.statusQueryGetUri);
  expect(running.status).toBe(202);
  expect(await running.json()).toMatchObject({
    name: "WaitTwoHours",
    runtimeStatus: expect.stringMatching(/Pending|Running/) as unknown,
  });

  await host.runUntilIdle();
  const completed = await fetch(links.statusQueryGetUri);
  expect(completed.status).toBe(200);
  expect(await completed.json()).toMatchObject({ runtimeStatus: "Completed" });

  const purged = await fetch(links.purgeHistoryDeleteUri, { method: "DELETE" });
  expect(purged.status).toBe(200);
  expect(host.engine.getStatus(links.id)).toBeUndefined();
});

test("function keys are enforced on the starter", async () => {
  const anonymous = await host.startViaHttp("orchestrators/WaitTwoHours", undefined, { key: null });
  expect(anonymous.status).toBe(401);
  const wrongKey = await host.startViaHttp("orchestrators/WaitTwoHours", undefined, { key: "not-a-key" });
  expect(wrongKey.status).toBe(401);
  expect(host.statuses()).toEqual([]);
});

test("runUntilIdle jumps a two-hour durable timer in well under a second of real time", async () => {
  const { checkStatus } = await host.startViaHttp("orchestrators/WaitTwoHours");
  const virtualStart = clock.now();
  const realStart = performance.now();
  const heartbeatsBefore = heartbeats.length;

  await host.runUntilIdle();

  const realMs = performance.now() - realStart;
  expect(realMs).toBeLessThan(1000);
  const status = host.engine.getStatus(checkStatus!.id)!;
  expect(status.runtimeStatus).toBe("Completed");
  const output = status.output as { startedAt: string; firedAt: string };
  expect(Date.parse(output.firedAt) - Date.parse(output.startedAt)).toBe(twoHours);
  // Exactly at the timer: only the Heartbeat schedule was left, and a schedule is not work.
  expect(clock.now() - virtualStart).toBe(twoHours);
  // It fired on the way, every half hour of virtual time.
  expect(heartbeats.length - heartbeatsBefore).toBe(4);
});

test("a host crashed during the wait restarts from its history and ends as an uninterrupted run", async () => {
  const { checkStatus } = await host.startViaHttp("orchestrators/WaitTwoHours");
  const id = checkStatus!.id;
  await host.waitForInstance(id, ["Running"]);
  const waitingSince = clock.now();

  await host.crash();
  await expect(host.startViaHttp("orchestrators/WaitTwoHours")).rejects.toThrow(
    /crashed; restart\(\) it first/,
  );
  // Nothing fires while the host is down: its timers went with it.
  await clock.advance(3 * twoHours);
  expect(host.engine.getStatus(id)?.runtimeStatus).toBe("Running");

  await host.restart();
  const status = await host.waitForInstance(id);

  expect(status.runtimeStatus).toBe("Completed");
  const output = status.output as { startedAt: string; firedAt: string };
  // The timer was due during the outage; the restarted host fires it at once, as the extension does.
  expect(Date.parse(output.startedAt)).toBeLessThanOrEqual(waitingSince);
  expect(Date.parse(output.firedAt)).toBe(waitingSince + 3 * twoHours);
  const again = await fetch(`${checkStatus!.statusQueryGetUri}`);
  expect(again.status).toBe(200);
});

test("waitForInstance says what it waited for when nothing is left to run", async () => {
  await expect(host.waitForInstance("never-started")).rejects.toThrow(
    "Instance 'never-started' is not there and nothing is left to run (waited for Completed/Failed/Canceled/Terminated)",
  );
});

test("an activity result lost in a crash is redone after the restart, and the instance completes", async () => {
  const machineId =
    "/subscriptions/00000000-0000-4000-8000-00000000e004/resourceGroups/rg-crash/providers/Microsoft.HybridCompute/machines/crash-01";
  const reads = () =>
    host
      .traffic()
      .filter((exchange) => exchange.method === "GET" && exchange.url.includes("/machines/crash-01"));
  crashWhenFinished = "ReadMachine";
  connectMachine(host.emulator!.context(), {
    subscriptionId: "00000000-0000-4000-8000-00000000e004",
    resourceGroup: "rg-crash",
    name: "crash-01",
    location: "eastus",
    agentVersion: "1.55.02941.1840",
    osType: "linux",
    osName: "Ubuntu",
    osVersion: "22.04",
  });

  await host.runUntilIdle();

  const id = describeInstanceId(machineId);
  expect(crashWhenFinished).toBeUndefined();
  expect(reads()).toHaveLength(1);
  await expect(host.waitForInstance(id)).rejects.toThrow(
    `Instance '${id}' is Running and nothing is left to run`,
  );

  await host.restart();
  const status = await host.waitForInstance(id);

  expect(status.runtimeStatus).toBe("Completed");
  expect(status.output).toMatchObject({ name: "crash-01", status: "Connected" });
  // At least once: the read ran again, because its first result died with the host.
  expect(reads()).toHaveLength(2);
});
