// What `npm run dev` prints when stdout is not a terminal (CI, a pipe): one plain line per change
// someone would notice, stamped with the host's time and saying which kind of time it is,
// progress from the custom status `{step, done, total, message}`, and the final table of
// instances with each machine's reason, commands and warnings given whole below it. On a terminal,
// one bar per instance id, never twice.
import { ScaledClock, VirtualClock } from "../../../local/clock";
import {
  clockStamp,
  createActivityView,
  hostTimeLegend,
  instanceTable,
  onboardingDetails,
  onboardingTable,
  progressOf,
  ProgressRows,
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

test("without a terminal, each visible change is one plain line stamped with the host's (virtual) time", () => {
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
    "[09:30:00 virtual] OnboardMachine onboard-web-eus-01 0/1 Pending",
    "[09:30:00 virtual] OnboardMachine onboard-web-eus-01 1/4 Running · create gateway: arc-gw-eastus",
    "[09:30:00 virtual] [MachineEvents] machine write web-eus-01",
    '[09:30:00 virtual] OnboardMachine onboard-web-eus-01 1/1 Completed {"outcome":"onboarded"}',
  ]);
});

test("a stamp says whether the time is virtual, scaled or the wall clock", () => {
  expect(clockStamp(new VirtualClock(Date.UTC(2026, 0, 1, 9, 30, 5)))).toBe("[09:30:05 virtual]");
  expect(clockStamp(new ScaledClock(60, Date.UTC(2026, 0, 1, 9, 30, 5)))).toMatch(/^\[09:30:0\d x60\]$/);
  expect(clockStamp(new ScaledClock(1))).toMatch(/^\[\d\d:\d\d:\d\d UTC\]$/);
  expect(hostTimeLegend(new ScaledClock(60))).toBe(
    "[hh:mm:ss x60] is host time (UTC), running 60 times faster than the wall clock",
  );
});

test("log lines and instance ids are never cut, however long", () => {
  const { stream, lines } = captureStream();
  const view = createActivityView({ stream, clock: new VirtualClock(Date.UTC(2026, 0, 1, 9, 30, 0)) });
  const id = `onboard-${"a-very-long-machine-name-".repeat(4)}0123456789abcdef`;
  view.instanceChanged(status({ name: "providerRegistration_v1", instanceId: id }));
  view.log(`[machineEvents] ${"x".repeat(300)}`);

  expect(lines()[0]).toBe(`[09:30:00 virtual] providerRegistration_v1 ${id} 0/1 Running`);
  expect(lines()[1]).toBe(`[09:30:00 virtual] [machineEvents] ${"x".repeat(300)}`);
});

test("bar rows: one per instance id; finished ones make way, and a late change never brings one back", () => {
  const rows = new ProgressRows(2);
  expect(rows.change("a", false)).toEqual({ kind: "add" });
  expect(rows.change("a", false)).toEqual({ kind: "update" });
  expect(rows.change("b", false)).toEqual({ kind: "add" });
  // Full, and nothing finished: "c" waits without a bar rather than pushing a row off screen.
  expect(rows.change("c", false)).toEqual({ kind: "hide" });
  expect(rows.change("a", true)).toEqual({ kind: "update" });
  expect(rows.change("c", false)).toEqual({ kind: "add", evict: "a" });
  expect(rows.shown).toEqual(["b", "c"]);
  // "a" finished and made way: another change of its finished state is no new (duplicate) row.
  expect(rows.change("a", true)).toEqual({ kind: "hide" });
  expect(rows.shown).toEqual(["b", "c"]);
  // ...but "a" running again (a rewind, a new run under the same id) is shown again.
  expect(rows.change("b", true)).toEqual({ kind: "update" });
  expect(rows.change("a", false)).toEqual({ kind: "add", evict: "b" });
  expect(rows.shown).toEqual(["c", "a"]);
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

test("below the tables, each machine's reason, commands and warnings are given whole", () => {
  const machineId =
    "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/old-01";
  const longReason = `Agent 1.38 is too old for the gateway: ${"because ".repeat(20)}end`;
  const warning = `The machine shares arc-gw-westeurope in westeurope: ${"room ".repeat(30)}end`;
  const statuses = [
    status({
      instanceId: "onboard-old-01-0123456789abcdef",
      runtimeStatus: "Completed",
      output: {
        machineId,
        outcome: "needs-local-action",
        code: "AgentTooOld",
        reason: longReason,
        done: [],
        warnings: [warning],
        localAction: {
          osType: "linux",
          commands: ["sudo azcmagent config set connection.type gateway", "sudo systemctl restart himdsd"],
          explanation: "Run these with sudo on the machine.",
        },
      },
    }),
    status({
      instanceId: "onboard-web-01-0123456789abcdef",
      runtimeStatus: "Completed",
      output: {
        machineId: machineId.replace("old-01", "web-01"),
        outcome: "onboarded",
        reason: "Attached",
        done: [],
        warnings: [],
      },
    }),
  ];

  expect(onboardingDetails(statuses)!.split("\n")).toEqual([
    "old-01 — needs-local-action (AgentTooOld)",
    `  machine: ${machineId}`,
    `  reason: ${longReason}`,
    "  run on the machine (linux):",
    "    sudo azcmagent config set connection.type gateway",
    "    sudo systemctl restart himdsd",
    "  why: Run these with sudo on the machine.",
    "  warnings:",
    `    - ${warning}`,
  ]);
  // A plain onboarding adds nothing; the whole report puts the details after both tables.
  expect(onboardingDetails(statuses.slice(1))).toBeUndefined();
  const report = instanceTable(statuses);
  expect(report.indexOf("details:\nold-01 — needs-local-action (AgentTooOld)")).toBeGreaterThan(
    report.indexOf("onboarding outcomes:"),
  );
  expect(report).toContain(longReason);
  expect(report).toContain(warning);
});
