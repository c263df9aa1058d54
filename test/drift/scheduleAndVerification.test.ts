// The sweep's period (its instance id) from ARC_DRIFT_SCHEDULE, and incremental verification:
// which machines a sweep reads in full.
import { periodStart, sweepInstanceId } from "../../shared/drift/schedule";
import type { MachineMemory } from "../../shared/drift/verification";
import { planVerification } from "../../shared/drift/verification";
import { parseNcrontab } from "../../shared/schedule/ncrontab";

const at = (iso: string) => Date.parse(iso);

describe("the sweep's period", () => {
  test("every 6 hours: firings late in a period, or past due, name the period's start", () => {
    const schedule = parseNcrontab("0 0 */6 * * *");
    expect(periodStart(schedule, at("2026-12-06T06:00:00Z"))).toBe(at("2026-12-06T06:00:00Z"));
    expect(periodStart(schedule, at("2026-12-06T06:00:00.900Z"))).toBe(at("2026-12-06T06:00:00Z"));
    expect(periodStart(schedule, at("2026-12-06T11:59:59Z"))).toBe(at("2026-12-06T06:00:00Z"));
    expect(periodStart(schedule, at("2026-12-06T00:00:00Z"))).toBe(at("2026-12-06T00:00:00Z"));
    expect(sweepInstanceId(at("2026-12-06T06:00:00Z"))).toBe("drift-20261206t060000z");
  });

  test("ranges, lists, steps and names; a wrong field is named", () => {
    const schedule = parseNcrontab("30 15 9-17/4 * Jan,Dec Mon-Fri");
    // Sunday 2026-12-06: the last occurrence is Friday 17:15:30 (hours 9, 13, 17).
    expect(periodStart(schedule, at("2026-12-06T12:00:00Z"))).toBe(at("2026-12-04T17:15:30Z"));
    expect(periodStart(schedule, at("2026-12-04T16:00:00Z"))).toBe(at("2026-12-04T13:15:30Z"));
    // A restricted day and weekday must both match (NCrontab): Friday the 13th only.
    expect(periodStart("0 0 0 13 * 5", at("2026-12-06T00:00:00Z"))).toBe(at("2026-11-13T00:00:00Z"));
    expect(() => parseNcrontab("0 0 */6 * *")).toThrow(/six/);
    expect(() => parseNcrontab("0 0 25 * * *")).toThrow(/0 0 25 \* \* \*/);
  });
});

const id = (n: number) =>
  `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m${n}`;
const gw =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/arc-gw-eastus";
const hour = 3_600_000;

function memory(n: number, extra: Partial<MachineMemory> = {}): MachineMemory {
  return {
    machineId: id(n),
    fingerprint: "f",
    readAt: 0,
    kind: "in-desired-state",
    gatewayLink: gw,
    ...extra,
  };
}

describe("incremental verification", () => {
  const gateways = new Map([[gw.toLowerCase(), "live" as const]]);

  test("without a previous sweep every machine is read in full", () => {
    const plan = planVerification({
      inventory: [{ machineId: id(1), fingerprint: "f" }],
      gateways,
      now: 0,
      fullReadMs: 24 * hour,
    });
    expect(plan).toEqual({ read: [{ machineId: id(1), reason: "new" }], carried: [] });
  });

  test("new, changed, gateway gone and drifted machines are read; a rotation share of the rest", () => {
    const previous = {
      startedAt: 18 * hour,
      machines: [
        memory(1),
        memory(2, { fingerprint: "old" }),
        memory(3, { gatewayLink: gw.replace("eastus", "westus") }),
        memory(4, { kind: "ssh-configuration" }),
        ...Array.from({ length: 8 }, (_, i) => memory(10 + i, { readAt: 18 * hour })),
      ],
    };
    const inventory = [1, 2, 3, 4, 5, ...Array.from({ length: 8 }, (_, i) => 10 + i)].map((n) => ({
      machineId: id(n),
      fingerprint: "f",
    }));
    const plan = planVerification({ inventory, previous, gateways, now: 24 * hour, fullReadMs: 24 * hour });
    const reasons = Object.fromEntries(plan.read.map((r) => [r.machineId.slice(-3), r.reason]));
    expect(reasons).toMatchObject({
      "/m1": "rotation",
      "/m2": "changed",
      "/m3": "gateway-gone",
      "/m4": "not-in-desired-state",
      "/m5": "new",
    });
    // 9 unchanged, 6 h of 24: a quarter (3), the oldest first (m1, read 24 h ago, is due anyway).
    expect(plan.read.filter((r) => r.reason === "rotation")).toHaveLength(3);
    expect(plan.carried).toHaveLength(6);
  });

  test("over successive sweeps every unchanged machine is read within the full-read period", () => {
    let machines = Array.from({ length: 40 }, (_, i) => memory(i, { readAt: 0 }));
    const inventory = machines.map((m) => ({ machineId: m.machineId, fingerprint: "f" }));
    const lastRead = new Map(machines.map((m) => [m.machineId, 0]));
    for (let sweep = 1; sweep <= 12; sweep++) {
      const now = sweep * 6 * hour;
      const plan = planVerification({
        inventory,
        previous: { startedAt: now - 6 * hour, machines },
        gateways,
        now,
        fullReadMs: 24 * hour,
      });
      expect(plan.read.length).toBeLessThanOrEqual(20);
      for (const r of plan.read) lastRead.set(r.machineId, now);
      machines = [
        ...plan.read.map((r) => memory(Number(r.machineId.split("/m").pop()), { readAt: now })),
        ...plan.carried,
      ];
      for (const at of lastRead.values()) expect(now - at).toBeLessThanOrEqual(24 * hour);
    }
  });
});
