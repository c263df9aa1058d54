// What `npm run dev` prints when stdout is not a terminal (CI, a pipe): one plain line per change
// someone would notice, progress from the custom status `{step, done, total, message}`, and the
// final table of instances.
import { VirtualClock } from "../../../local/clock";
import {
  createActivityView,
  instanceTable,
  onboardingTable,
  progressOf,
} from "../../../local/dev/activityView";
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

test("the final table lists each machine's onboarding outcome with its region, agent and reason", () => {
  const status = (instanceId: string, output: unknown, runtimeStatus = "Completed") =>
    ({
      name: "onboardMachine_v1",
      instanceId,
      runtimeStatus,
      input: null,
      customStatus: null,
      output,
      createdTime: "2026-01-01T00:00:00Z",
      lastUpdatedTime: "2026-01-01T00:05:00Z",
    }) as Parameters<typeof onboardingTable>[0][number];
  const machine = (name: string) =>
    `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/${name}`;
  const table = onboardingTable([
    status("onboard-web-01-0123456789abcdef", {
      machineId: machine("web-01"),
      outcome: "onboarded",
      reason: "Attached to its gateway and reachable over SSH",
      done: [],
      warnings: [],
      machine: { name: "web-01", location: "eastus", status: "Connected", agentVersion: "1.55.02941.1840" },
    }),
    status("onboard-old-01-0123456789abcdef", {
      machineId: machine("old-01"),
      outcome: "needs-local-action",
      code: "AgentTooOld",
      reason: `Agent 1.38 is too old: ${"x".repeat(200)}`,
      done: [],
      warnings: [],
    }),
    status("gateway-arc-gw-eastus-0123456789abcdef", { succeeded: true, message: "ready" }),
    status("onboard-gone-01-0123456789abcdef", "The machine was deleted", "Terminated"),
  ])!;
  const lines = table.split("\n");
  expect(lines[0]).toMatch(/^machine\s+region\s+agent\s+outcome\s+reason$/);
  expect(lines[2]).toMatch(/^web-01\s+eastus\s+1\.55\.02941\.1840\s+onboarded\s+Attached to its gateway/);
  expect(lines[3]).toMatch(/^old-01\s+needs-local-action \(AgentTooOld\)\s+Agent 1\.38 is too old: x+…$/);
  expect(lines[4]).toMatch(/^gone-01\s+terminated\s+The machine was deleted/);
  expect(lines).toHaveLength(5); // the gateway singleton is not a machine
  expect(onboardingTable([status("gateway-x", { succeeded: true, message: "ready" })])).toBeUndefined();
});
