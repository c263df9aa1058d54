// Issue 10, item 5, the provider half: a machine that waits for Microsoft.HybridConnectivity's
// registration and gets no release. With the registration held in Registering (an emulator
// knob), the machine's one read of Azure decides: `ProviderNotRegistered` when its singleton is
// gone, and the singleton's own failure when it outlives its deadline. Each story has its own
// subscription (a registration is one per subscription); gateways come from a hub subscription
// so no story waits for one. (Its own file: the app reads its settings once per process.)
import {
  holdProviderRegistration,
  releaseProviderRegistration,
} from "../../local/emulator/providers/resourceProviders";
import { machineInstanceId, providerInstanceId } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const hub = "00000000-0000-4000-8000-0000000a1010";
const [orphaned, overdue] = [
  "00000000-0000-4000-8000-0000000a1011",
  "00000000-0000-4000-8000-0000000a1012",
] as const;
const namespace = "Microsoft.HybridConnectivity";
let h: Harness;

harnessPerFile(
  {
    subscriptionId: hub,
    appSettings: {
      ARC_SCOPES: [orphaned, overdue].map((s) => `/subscriptions/${s}`).join(","),
      ARC_GATEWAY_SUBSCRIPTION: hub,
    },
  },
  (started) => {
    h = started;
  },
);

beforeAll(async () => {
  await h.readyGateway("arc-gw-eastus", "eastus");
});

const running = () =>
  h.host.statuses().filter((s) => s.runtimeStatus === "Running" || s.runtimeStatus === "Pending");

/**
 * The machine's writes since `from`, as `METHOD /path-below-the-machine`, once everything left
 * has run: a write after the failure, however late, would be among them.
 */
async function writesUnder(machineId: string, from: number): Promise<string[]> {
  await h.host.runUntilIdle();
  return h
    .machineRequests(machineId, from)
    .filter((e) => e.method !== "GET")
    .map((e) => `${e.method} ${new URL(e.url).pathname.slice(machineId.length) || "/"}`);
}

const settingsPut = "PUT /providers/Microsoft.HybridCompute/settings/default";

test("ProviderNotRegistered: the registration singleton is gone and Azure still says Registering", async () => {
  holdProviderRegistration(h.host.emulator!.state, orphaned, namespace);
  const singleton = providerInstanceId(orphaned, namespace);
  const from = h.host.traffic().length;
  const machineId = h.connect({ name: "orphan-01", location: "eastus", subscriptionId: orphaned });

  // Lose the singleton once it has POSTed register: nobody will release the machine now.
  const registered = () =>
    h.host
      .traffic()
      .slice(from)
      .some(
        (e) =>
          e.method === "POST" && e.url.includes(`/subscriptions/${orphaned}/providers/${namespace}/register`),
      );
  expect(await h.host.runUntil(registered)).toBe(true);
  h.host.engine.terminate(singleton, "test: the registration singleton is lost");
  const terminatedAt = h.clock.now();

  const result = await h.outcome(machineId);

  expect(result).toMatchObject({
    runtimeStatus: "Completed",
    outcome: "failed",
    code: "ProviderNotRegistered",
    done: [`Register ${namespace} in subscription ${orphaned}`, "Attach orphan-01 to gateway arc-gw-eastus"],
  });
  expect(result.reason).toBe(
    `${namespace} was not registered in subscription ${orphaned} after its orchestration ended Terminated (Registering)`,
  );
  // It noticed at its next status check (every 5 minutes), not at its backstop an hour later.
  const ended = Date.parse(
    h.host.statuses({ instanceIdPrefix: machineInstanceId(machineId) })[0]!.lastUpdatedTime,
  );
  expect(ended - terminatedAt).toBeLessThanOrEqual(5 * 60_000);
  // Attached before the wait; no endpoint or SSH configuration after it.
  expect(await writesUnder(machineId, from)).toEqual([settingsPut]);
  // Its one read of Azure, after the singleton's own reads stopped.
  const providerReads = h.host
    .traffic()
    .filter(
      (e) =>
        e.method === "GET" && new URL(e.url).pathname === `/subscriptions/${orphaned}/providers/${namespace}`,
    );
  expect(providerReads.filter((e) => Date.parse(e.time) > terminatedAt)).toHaveLength(1);
  await h.host.runUntilIdle();
  expect(running()).toEqual([]);
  releaseProviderRegistration(h.host.emulator!.state, orphaned, namespace);
});

test("a registration that outlives the singleton's deadline fails the machine with ProviderRegistrationFailed", async () => {
  holdProviderRegistration(h.host.emulator!.state, overdue, namespace);
  const started = h.clock.now();
  const from = h.host.traffic().length;
  const machineId = h.connect({ name: "overdue-01", location: "eastus", subscriptionId: overdue });

  const result = await h.outcome(machineId);

  expect(result).toMatchObject({
    runtimeStatus: "Completed",
    outcome: "failed",
    code: "ProviderRegistrationFailed",
    done: [`Register ${namespace} in subscription ${overdue}`, "Attach overdue-01 to gateway arc-gw-eastus"],
  });
  expect(result.reason).toContain(
    `${namespace} was still Registering in subscription ${overdue} after 60 minutes`,
  );
  // Released by the singleton at its deadline, before the machine's own backstop (15 minutes later).
  expect(h.clock.now() - started).toBeLessThan(70 * 60_000);
  expect(await writesUnder(machineId, from)).toEqual([settingsPut]);
  await h.host.runUntilIdle();
  expect(running()).toEqual([]);
  releaseProviderRegistration(h.host.emulator!.state, overdue, namespace);
});
