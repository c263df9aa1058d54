// Issue 4's stories, end to end: emulator event → Functions host → durable orchestration →
// emulator state, counted from the emulator's own traffic.
import { type Harness, startHarness } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0401";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ subscriptionId });
});

afterAll(async () => {
  await h.stop();
});

test("a new machine in a region with a gateway: attached, endpoint and SSH present, in at most 5 requests", async () => {
  h.registerHybridConnectivity();
  const gatewayId = await h.readyGateway("arc-gw-eastus", "eastus");
  const from = h.host.traffic().length;

  const machineId = h.connect({ name: "web-01", location: "eastus" });
  const result = await h.outcome(machineId);

  expect(result).toMatchObject({ runtimeStatus: "Completed", outcome: "onboarded" });
  const state = h.host.emulator!.state;
  expect(
    JSON.stringify(
      state.getResource(`${machineId}/providers/Microsoft.HybridCompute/settings/default`)?.body,
    ),
  ).toContain("arc-gw-eastus");
  const requests = h.machineRequests(machineId, from);
  expect(requests.map((r) => `${r.method} ${r.status}`)).toHaveLength(5);
  expect(gatewayId).toBeDefined();
});
