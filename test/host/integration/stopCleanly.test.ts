// stop() leaves nothing behind: no listening server, no socket, no timer keeping the process
// alive (run this file with `jest --detectOpenHandles` to have jest check the same), and the
// process's environment as it was before the host started. Work goes through every part first:
// the emulator, Event Grid, the webhook, the managed identity endpoint and the Durable API.
import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { connectMachine } from "../../../local/emulator/providers/hybridCompute/machines";
import { silentHostLog, startLocalHost } from "../../../local/host";
import { describeInstanceId } from "./fixtures/machineEventsApp";

const appModule = resolve(__dirname, "fixtures/machineEventsApp.ts");

/**
 * Servers and sockets, which keep a Node process alive. (Timers are jest's own business too, so
 * they are left to `--detectOpenHandles`; the local host arms none on a VirtualClock.)
 */
function networkHandles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => /^(TCP|TLS)/.test(kind))
    .sort();
}

async function settledHandles(expected: string[]): Promise<string[]> {
  // Sockets the peer closed disappear on the next turns of the event loop.
  for (let turn = 0; turn < 50; turn++) {
    const now = networkHandles();
    if (now.join() === expected.join()) return now;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return networkHandles();
}

test("stop() closes every server and socket and restores the environment", async () => {
  const environmentBefore = { ...process.env };
  const handlesBefore = networkHandles();

  const host = await startLocalHost({
    app: { modules: [appModule] },
    clock: new VirtualClock(),
    log: silentHostLog,
  });
  try {
    connectMachine(host.emulator!.context(), {
      subscriptionId: "00000000-0000-4000-8000-00000000e002",
      resourceGroup: "rg-stop",
      name: "edge-01",
      location: "eastus",
      agentVersion: "1.55.02941.1840",
      osType: "linux",
      osName: "Ubuntu",
      osVersion: "22.04",
    });
    const described = await host.waitForInstance(
      describeInstanceId(
        "/subscriptions/x/resourceGroups/rg-stop/providers/Microsoft.HybridCompute/machines/edge-01",
      ),
    );
    expect(described.runtimeStatus).toBe("Completed");
    const status = await fetch(host.durableManagementUrl);
    expect(status.status).toBe(200);
    expect(networkHandles().length).toBeGreaterThan(handlesBefore.length);
  } finally {
    await host.stop();
  }
  await host.stop(); // twice is fine

  expect(await settledHandles(handlesBefore)).toEqual(handlesBefore);
  // WEBSITE_HOSTNAME stays, as the Functions host deliberately leaves it (df.getClient reads it).
  const { WEBSITE_HOSTNAME: _hostname, ...after } = process.env;
  const { WEBSITE_HOSTNAME: _before, ...before } = environmentBefore;
  expect(after).toEqual(before);
});

test("a second host can start once the first has stopped, and not while it runs", async () => {
  const first = await startLocalHost({ app: { modules: [appModule] }, emulator: false, log: silentHostLog });
  await expect(startLocalHost({ app: { modules: [appModule] }, log: silentHostLog })).rejects.toThrow(
    /already running in this process/,
  );
  expect(first.emulator).toBeUndefined();
  expect(first.eventGrid).toEqual([]);
  await first.stop();

  const second = await startLocalHost({ app: { modules: [appModule] }, log: silentHostLog });
  expect(second.eventGrid).toHaveLength(1);
  await second.stop();
});
