// What `npm run dev` prints when stdout is not a terminal (CI, a pipe): one plain line per change
// someone would notice, progress from the custom status `{step, done, total, message}`, and the
// final table of instances.
import { VirtualClock } from "../../../local/clock";
import { createActivityView, instanceTable, progressOf } from "../../../local/dev/activityView";
import type { InstanceStatus } from "../../../local/host";

function captureStream(): { stream: NodeJS.WriteStream; lines: () => string[] } {
  let text = "";
  const stream = {
    isTTY: false,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, lines: () => text.split("\n").filter((line) => line !== "") };
}

function status(overrides: Partial<InstanceStatus>): InstanceStatus {
  return {
    name: "OnboardMachine",
    instanceId: "onboard-web-eus-01",
    runtimeStatus: "Running",
    input: null,
    customStatus: null,
    output: null,
    createdTime: "2026-01-01T00:00:00Z",
    lastUpdatedTime: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

test("without a terminal, each visible change is one plain line stamped with the host's time", () => {
  const { stream, lines } = captureStream();
  const view = createActivityView({ stream, clock: new VirtualClock(Date.UTC(2026, 0, 1, 9, 30, 0)) });

  view.instanceChanged(status({ runtimeStatus: "Pending" }));
  view.instanceChanged(
    status({ customStatus: { step: "create gateway", done: 1, total: 4, message: "arc-gw-eastus" } }),
  );
  // A new episode that changed nothing visible (history grew) prints nothing.
  view.instanceChanged(
    status({ customStatus: { step: "create gateway", done: 1, total: 4, message: "arc-gw-eastus" } }),
  );
  view.log("[MachineEvents] machine write web-eus-01");
  view.instanceChanged(status({ runtimeStatus: "Completed", output: { outcome: "onboarded" } }));
  view.stop();

  expect(lines()).toEqual([
    "09:30:00 OnboardMachine onboard-web-eus-01 0/1 Pending",
    "09:30:00 OnboardMachine onboard-web-eus-01 1/4 Running · create gateway: arc-gw-eastus",
    "09:30:00 [MachineEvents] machine write web-eus-01",
    '09:30:00 OnboardMachine onboard-web-eus-01 1/1 Completed {"outcome":"onboarded"}',
  ]);
});

test("only a custom status of the progress shape counts as progress", () => {
  expect(progressOf({ step: "verify", done: 3, total: 5 })).toEqual({ step: "verify", done: 3, total: 5 });
  expect(progressOf({ done: 1, total: 0 })).toEqual({ done: 1 });
  expect(progressOf("waiting")).toBeUndefined();
  expect(progressOf([1, 2])).toBeUndefined();
  expect(progressOf({ other: true })).toBeUndefined();
});

test("the final table lists every instance with its status and a one-line output", () => {
  const table = instanceTable([
    status({ runtimeStatus: "Completed", output: { outcome: "onboarded", gateway: "arc-gw-eastus" } }),
    status({ instanceId: "onboard-sql-eus-01", runtimeStatus: "Failed", output: "x".repeat(100) }),
  ]);

  expect(table.split("\n")).toEqual([
    "instance            name            status     output",
    "------------------  --------------  ---------  ------------------------------------------------------------",
    'onboard-web-eus-01  OnboardMachine  Completed  {"outcome":"onboarded","gateway":"arc-gw-eastus"}',
    `onboard-sql-eus-01  OnboardMachine  Failed     ${"x".repeat(59)}…`,
  ]);
});
