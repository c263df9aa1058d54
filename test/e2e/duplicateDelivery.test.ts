// Issue 4, story 6: Event Grid delivers at least once and in any order. Two identical fleets
// join at the same moment in two subscriptions: one's events are delivered once, the other's
// three times, shuffled. Both must end in the same Azure state after the same requests.

import { setMachineConnectivity } from "../../local/emulator/providers/hybridCompute/machines";
import { type Harness, harnessPerFile, runFor } from "./onboardingHarness";

const once = "00000000-0000-4000-8000-0000000a0406";
const thrice = "00000000-0000-4000-8000-0000000a0407";
let h: Harness;

harnessPerFile(
  {
    subscriptionId: once,
    appSettings: { ARC_SCOPES: `/subscriptions/${once},/subscriptions/${thrice}` },
  },
  (started) => {
    h = started;
  },
);

/** A new region's gateway to create, an old agent with a port list, a monitor-mode machine, a late one. */
function connectFleet(subscriptionId: string): string[] {
  const ids = [
    h.connect({ subscriptionId, name: "a-01", location: "uksouth" }),
    h.connect({ subscriptionId, name: "a-02", location: "uksouth" }),
    h.connect({
      subscriptionId,
      name: "legacy-01",
      location: "uksouth",
      agentVersion: "1.45.02779.1667",
      incomingConnectionsPorts: ["3389"],
    }),
    h.connect({ subscriptionId, name: "monitor-01", location: "uksouth", configMode: "monitor" }),
    h.connect({ subscriptionId, name: "flaky-01", location: "francecentral" }),
  ];
  setMachineConnectivity(h.host.emulator!.context(), ids[4]!, "Disconnected");
  return ids;
}

/** Deterministic Fisher–Yates: the same "random" order on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Per subscription: requests by method and path (subscription id blanked), and the resources' key fields. */
function summarize(subscriptionId: string) {
  const strip = (text: string) => text.toLowerCase().split(subscriptionId).join("{sub}");
  const requests: Record<string, number> = {};
  for (const exchange of h.host.traffic()) {
    const path = new URL(exchange.url).pathname.toLowerCase();
    if (!path.includes(subscriptionId)) continue;
    const key = `${exchange.method} ${strip(path).replace(/operationstatus\/[^/]+/, "operationstatus/{op}")}`;
    requests[key] = (requests[key] ?? 0) + 1;
  }
  const state: Record<string, unknown> = {};
  for (const resource of h.host.emulator!.state.allResources()) {
    if (!resource.id.toLowerCase().includes(subscriptionId)) continue;
    const { provisioningState, gatewayProperties, port, agentConfiguration } =
      (resource.body as { properties?: Record<string, unknown> }).properties ?? {};
    state[strip(resource.id)] = JSON.parse(
      strip(JSON.stringify({ provisioningState, gatewayProperties, port, agentConfiguration }) ?? "{}"),
    ) as unknown;
  }
  return { requests, state };
}

test("every event three times, shuffled: the same outcomes, Azure state and requests as once", async () => {
  const onceIds = connectFleet(once);
  const thriceIds = connectFleet(thrice);
  const originals = h.host
    .emulator!.eventLog()
    .published.map((record) => record.event)
    .filter((event) => event.subject.includes(thrice));
  expect(originals).toHaveLength(thriceIds.length);
  // Two more deliveries of each, in a shuffled order, through the same webhook Event Grid uses.
  for (const event of shuffled([...originals, ...originals], 7)) {
    await h.host.sendEvent(event);
  }
  // The late machine's agent reconnects three minutes in, while its onboarding waits. (The host
  // runs there: a bare clock jump would fire timers while activities are still on the wire.)
  await runFor(h, 3 * 60_000);
  setMachineConnectivity(h.host.emulator!.context(), onceIds[4]!, "Connected");
  setMachineConnectivity(h.host.emulator!.context(), thriceIds[4]!, "Connected");
  await h.host.runUntilIdle();

  const outcomes = async (ids: string[]): Promise<Record<string, string>> => {
    const entries: [string, string][] = [];
    for (const id of ids) entries.push([id.split("/").pop()!, (await h.outcome(id)).outcome]);
    return Object.fromEntries(entries);
  };
  expect(await outcomes(onceIds)).toEqual({
    "a-01": "onboarded",
    "a-02": "onboarded",
    "legacy-01": "onboarded",
    "monitor-01": "needs-local-action",
    "flaky-01": "onboarded",
  });
  expect(await outcomes(thriceIds)).toEqual(await outcomes(onceIds));
  const [a, b] = [summarize(once), summarize(thrice)];
  expect(b.state).toEqual(a.state);
  expect(b.requests).toEqual(a.requests);
  expect(Object.keys(a.requests).length).toBeGreaterThan(20);
  // The duplicates really reached the app, and were dropped there.
  expect(h.log.messages().join("\n")).toMatch(/onboarding already (running|covered)/);
});
