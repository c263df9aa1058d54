// `npm run dev`'s gateway act: a cluster joins Arc tagged with an API Management gateway, the app
// deploys the self-hosted gateway on it, and the view says it is healthy with its live nodes and
// its token's expiry — never the token.
import { apimDeploySummary, joinDemoApimCluster } from "../../local/dev/demoApimGateway";
import { demoSubscriptionIds } from "../../local/emulator/demoFleet";
import { apimInstanceId } from "../../orchestrations/apim/apimNames";
import { type Harness, harnessPerFile } from "../e2e/onboardingHarness";
import { recordingView } from "./recordingView";

let h: Harness;

harnessPerFile({ subscriptionId: demoSubscriptionIds[0] }, (started) => {
  h = started;
});

test("the demo cluster receives its gateway and the view tells it", async () => {
  const { view, lines } = recordingView();
  const clusterId = joinDemoApimCluster(h.host, view)!;
  await h.host.runUntil(
    () => h.host.engine.getStatus(apimInstanceId("deploy", clusterId))?.runtimeStatus === "Completed",
  );
  await h.host.runUntilIdle();
  expect(lines[0]).toContain("joined Arc tagged with API Management gateway store-042");
  expect(lines.join("\n")).toMatch(
    /received its API Management gateway: .*heartbeating with 3 live nodes; primary-key token expires /,
  );
  expect(lines.join("\n")).not.toContain("GatewayKey");
});

test("the summary of a run that did not end healthy says how it ended", () => {
  expect(apimDeploySummary("aks", "Failed", undefined)).toBe(
    "demo: the gateway deployment on aks ended Failed",
  );
  expect(apimDeploySummary("aks", "Completed", { outcome: "failed", reason: "no heartbeat" })).toBe(
    "demo: the gateway deployment on aks: failed — no heartbeat",
  );
});
