// Finding a gateway's machines in a fleet larger than one page: Resource Graph lists the machines
// in scope 100 at a time, each page's links are read, and the retirement pauses on a durable
// timer between pages, so a whole scan stays inside ARM's read budget (the emulator throttles as
// ARM does: not one 429). Machines are connected without onboarding (no Event Grid delivery).
import type { GatewayRetirementResult } from "../../shared/gateways/retirement";
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000b1104";
let h: Harness;

harnessPerFile(
  { subscriptionId, eventSubscription: { subjectBeginsWith: "/subscriptions/no-delivery-in-this-test" } },
  (started) => {
    h = started;
  },
);

const path = (url: string) => new URL(url).pathname.toLowerCase();

test("205 machines, 3 attached: three pages per read with a pause between them, no 429, all three moved", async () => {
  const gatewayId = await h.readyGateway("arc-gw-eastasia", "eastasia");
  const attached: string[] = [];
  for (let i = 0; i < 205; i++) {
    const name = `fleet-${String(i).padStart(3, "0")}`;
    const onGateway = i === 0 || i === 150 || i === 204;
    const id = h.connect({
      name,
      location: "eastasia",
      ...(onGateway ? { gatewayResourceId: gatewayId } : {}),
    });
    if (onGateway) attached.push(id);
  }
  const from = h.host.traffic().length;

  const instanceId = h.host.engine.start("retireGateway_v1", { gatewayId }, gatewayInstanceKey(gatewayId));
  const status = await h.host.waitForInstance(instanceId);
  const result = status.output as GatewayRetirementResult;

  expect(result).toMatchObject({ outcome: "retired", deleted: true, scans: 2 });
  expect(result.machines.map((m) => [m.machineId, m.outcome])).toEqual(
    attached.map((id) => [id, "detached"]),
  );
  const traffic = h.host.traffic().slice(from);
  expect(traffic.filter((e) => e.status === 429)).toEqual([]);
  const pages = traffic.filter(
    (e) => e.method === "POST" && path(e.url) === "/providers/microsoft.resourcegraph/resources",
  );
  expect(pages).toHaveLength(6);
  // Within a read, the next page waits 10 s after the previous one.
  for (const [first, second] of [
    [0, 1],
    [1, 2],
    [3, 4],
    [4, 5],
  ] as const) {
    expect(Date.parse(pages[second]!.time) - Date.parse(pages[first]!.time)).toBeGreaterThanOrEqual(10_000);
  }
  const settingsReads = traffic.filter(
    (e) => e.method === "GET" && path(e.url).endsWith("/settings/default"),
  );
  // Two full reads of 205 links, plus each detach's own look at its machine's link.
  expect(settingsReads).toHaveLength(2 * 205 + 3);
  expect(h.host.emulator!.state.getResource(gatewayId)).toBeUndefined();
});
