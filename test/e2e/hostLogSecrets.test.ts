// Issue 8: the host's log of a whole story run — Event Grid deliveries with the system key in
// their URL, both singletons, duplicate deliveries, the Durable management API called with its
// key, outcome events to a topic — carries no key, no `code=` value and no bearer token.
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type Harness, harnessPerFile } from "./onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0831";
let h: Harness;

harnessPerFile(
  {
    subscriptionId,
    appSettings: { ARC_OUTCOME_TOPIC_ENDPOINT: "{emulator}/eventgrid/topics/arc-outcomes/api/events" },
  },
  (started) => {
    h = started;
  },
);

test("a whole story's host log holds no key, no code= value and no bearer token", async () => {
  // Two machines need a gateway and the provider's registration (both singletons run), one of
  // them is delivered twice, one is monitor-mode (needs local action), and a status query and a
  // purge-less history read go through the Durable HTTP API with its key.
  const first = h.connect({ name: "secret-scan-1", location: "swedencentral" });
  const second = h.connect({ name: "secret-scan-2", location: "swedencentral" });
  await h.host.sendEvent({
    id: "dup-1",
    topic: `/subscriptions/${subscriptionId}`,
    subject: first,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: new Date(h.clock.now()).toISOString(),
    data: {
      resourceUri: first,
      operationName: "Microsoft.HybridCompute/machines/write",
      status: "Succeeded",
    },
    dataVersion: "",
    metadataVersion: "1",
  });
  const monitor = h.connect({
    name: "secret-scan-3",
    location: "swedencentral",
    configMode: "monitor",
  });
  const outcomes = [];
  for (const id of [first, second, monitor]) outcomes.push((await h.outcome(id)).outcome);
  expect(outcomes).toEqual(["onboarded", "onboarded", "needs-local-action"]);
  await h.host.runUntilIdle();

  const singleton = gatewayInstanceKey(h.gatewayId("arc-gw-swedencentral"));
  const payload = h.host.engine.clientPayload() as { managementUrls: { statusQueryGetUri: string } };
  const statusQuery = payload.managementUrls.statusQueryGetUri;
  expect(statusQuery).toMatch(/code=/);
  const status = await fetch(statusQuery.replace("INSTANCEID", encodeURIComponent(singleton)));
  expect(status.status).toBe(200);

  const lines = h.log.entries.map((e) => e.message);
  expect(lines.length).toBeGreaterThan(10);
  const text = lines.join("\n");
  for (const key of h.hostKeys()) expect(text).not.toContain(key);
  expect(text).not.toMatch(/code=(?!\[redacted\])/i);
  expect(text).not.toMatch(/bearer\s+(?!\[redacted\])\S/i);
});
