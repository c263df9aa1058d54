// `npm run dev`'s last demo act: the gateway with the fewest attached machines is retired through
// the app's runbook route, and the view says what happened to the gateway and each machine. The
// progress view reads a runbook's progress shape (stepsDone of stepsTotal, the current step).
import { progressOf } from "../../local/dev/activityView";
import { attachedGateways, retireDemoGateway } from "../../local/dev/demoRetirement";
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "../e2e/onboardingHarness";
import { recordingView } from "./recordingView";

const subscriptionId = "00000000-0000-4000-8000-0000000d0b11";
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

test("the least-used gateway is retired through POST /api/gateways/…/retire, and its result is told", async () => {
  const { view, lines } = recordingView();
  await h.readyGateway("arc-gw-eastus", "eastus");
  const small = await h.readyGateway("arc-gw-westus3", "westus3");
  const machines = [
    h.connect({ name: "demo-e1", location: "eastus" }),
    h.connect({ name: "demo-e2", location: "eastus" }),
    h.connect({ name: "demo-w1", location: "westus3" }),
  ];
  for (const id of machines) expect((await h.outcome(id)).outcome).toBe("onboarded");
  await h.host.runUntilIdle();
  expect(attachedGateways(h.host).get(small)).toBe(1);

  const retirement = await retireDemoGateway(h.host, view);

  expect(retirement).toEqual({
    gatewayId: small,
    attachedMachines: 1,
    status: 202,
    operationId: gatewayInstanceKey(small),
  });
  await h.host.waitForInstance(gatewayInstanceKey(small));
  expect(lines).toEqual([
    `demo: retiring gateway arc-gw-westus3 (1 machine(s) attached): POST /api/gateways/${subscriptionId}/arc-gateways/arc-gw-westus3/retire`,
    `demo: retirement of arc-gw-westus3 accepted; its status: GET /api/operations/${gatewayInstanceKey(small)}`,
    [
      "demo: Gateway arc-gw-westus3 retired: 1 machine(s) switched to direct, none left on it, deleted",
      "  demo-w1: detached — Detached from gateway arc-gw-westus3: the agent connects to Azure directly; kept direct by its tag arc-autopilot-connection: direct (remove the tag, then onboard it, to put it behind a gateway again)",
    ].join("\n"),
  ]);
  expect(h.host.emulator!.state.getResource(small)).toBeUndefined();
});

test("the progress view reads a runbook's progress as steps done of total", () => {
  expect(
    progressOf({
      runbook: "retire-gateway",
      stepsDone: 3,
      stepsTotal: 6,
      currentStep: "Moving machines off arc-gw-eastus",
      waitingFor: "2 machine(s) switching to direct",
    }),
  ).toEqual({
    step: "Moving machines off arc-gw-eastus",
    message: "2 machine(s) switching to direct",
    done: 3,
    total: 6,
  });
});
