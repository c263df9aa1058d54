// POST /api/gateways/{subscriptionId}/{resourceGroup}/{name}/retire through the local host: 202
// with Location, the operation's progress and result at its status URL, 409 while the gateway's
// key is busy, 404 for an unknown gateway or moveTo, 400 naming body.moveTo when it cannot take
// machines, 403 when it lies outside the scope; dryRun writes nothing.
import { setMachineStatus } from "../../local/emulator/providers/hybridCompute/machineRecords";
import { gatewayInstanceKey } from "../../shared/onboarding/instanceIds";
import { type RunbookHost, runbookHostPerFile } from "./runbookHost";

const subscriptionId = "00000000-0000-4000-8000-0000000b1103";
let h: RunbookHost;

runbookHostPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

const retirePath = (name: string, group = "arc-gateways", subscription = subscriptionId) =>
  `gateways/${subscription}/${group}/${name}/retire`;
const statusPath = (url: string) => new URL(url).pathname.replace(/^\/api\//, "");

async function onboarded(region: string, name: string): Promise<string> {
  const id = h.connect({ name, location: region });
  expect((await h.outcome(id)).outcome).toBe("onboarded");
  await h.host.runUntilIdle();
  return id;
}

test("202 with Location; the status URL shows the retirement's progress, then its result", async () => {
  const gatewayId = await h.readyGateway("arc-gw-eastus2", "eastus2");
  const machineId = await onboarded("eastus2", "api-01");

  const started = await h.call(retirePath("arc-gw-eastus2"), { body: {} });

  expect(started.status).toBe(202);
  const instanceId = gatewayInstanceKey(gatewayId);
  expect(started.body).toMatchObject({ gatewayId, dryRun: false, operation: { id: instanceId } });
  const location = started.headers.get("location")!;
  expect(location).toBe(h.host.apiUrl(`operations/${instanceId}`));

  // While it runs, the same request collides with it.
  const again = await h.call(retirePath("arc-gw-eastus2"), { body: {} });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({
    error: {
      code: "Conflict",
      message: expect.stringMatching(/^retireGateway_v1 is running/) as string,
      operation: { id: instanceId },
    },
  });

  expect(
    await h.host.runUntil(() =>
      h.host.traffic().some((e) => e.method === "PUT" && e.url.includes("/runCommands/")),
    ),
  ).toBe(true);
  const running = await h.call(statusPath(location));
  expect(running.body).toMatchObject({
    runtimeStatus: "Running",
    progress: {
      runbook: "retire-gateway",
      stepsTotal: 6,
      currentStep: expect.stringMatching(/^Moving machines off arc-gw-eastus2/) as string,
    },
  });

  await h.host.waitForInstance(instanceId);
  const done = await h.call(statusPath(location));
  expect(done.body).toMatchObject({
    runtimeStatus: "Completed",
    progress: { stepsDone: 6, stepsTotal: 6, currentStep: "Ended" },
    result: { outcome: "retired", deleted: true, machines: [{ machineId, outcome: "detached" }] },
  });
});

test("a gateway being created holds the key: retiring it answers 409 with the creation's status", async () => {
  // Onboarding a machine of a new region starts the region gateway's creation under its key.
  h.connect({ name: "api-new", location: "westeurope" });
  const gatewayId = h.gatewayId("arc-gw-westeurope");
  const key = gatewayInstanceKey(gatewayId);
  expect(
    await h.host.runUntil(() =>
      h.host.statuses({ instanceIdPrefix: key }).some((s) => s.runtimeStatus === "Running"),
    ),
  ).toBe(true);

  const answer = await h.call(retirePath("arc-gw-westeurope"), { body: { dryRun: true } });

  expect(answer.status).toBe(409);
  expect(answer.body).toMatchObject({
    error: {
      code: "Conflict",
      message: expect.stringMatching(/^gatewayCreation_v1 is running/) as string,
      operation: { id: key },
    },
  });
});

test("404 for an unknown gateway or moveTo; 400 naming body.moveTo when it cannot take machines; 403 out of scope", async () => {
  await h.readyGateway("arc-gw-centralindia", "centralindia");
  const retiring = await h.readyGateway("arc-gw-retiring", "centralindia");
  await h.host.emulator!.request("PATCH", `${retiring}?api-version=2025-01-13`, {
    tags: { "arc-autopilot-retiring": "2026-11-23T08:00:00.000Z" },
  });
  const from = h.host.traffic().length;

  const unknown = await h.call(retirePath("arc-gw-nowhere"), { body: {} });
  expect(unknown.status).toBe(404);
  expect(unknown.body).toMatchObject({ error: { code: "NotFound", field: "params.name" } });

  const missingTarget = await h.call(retirePath("arc-gw-centralindia"), {
    body: { moveTo: h.gatewayId("arc-gw-gone") },
  });
  expect(missingTarget.status).toBe(404);
  expect(missingTarget.body).toMatchObject({ error: { code: "NotFound", field: "body.moveTo" } });

  const retiringTarget = await h.call(retirePath("arc-gw-centralindia"), { body: { moveTo: retiring } });
  expect(retiringTarget.status).toBe(400);
  expect(retiringTarget.body).toMatchObject({
    error: { field: "body.moveTo", message: "body.moveTo: gateway arc-gw-retiring is itself being retired" },
  });

  const itself = await h.call(retirePath("arc-gw-centralindia"), {
    body: { moveTo: h.gatewayId("ARC-GW-CENTRALINDIA") },
  });
  expect(itself.status).toBe(400);
  expect(itself.body).toMatchObject({ error: { field: "body.moveTo" } });

  const elsewhere = `/subscriptions/00000000-0000-4000-8000-00000000ffff/resourceGroups/arc-gateways/providers/Microsoft.HybridCompute/gateways/x`;
  const outside = await h.call(retirePath("arc-gw-centralindia"), { body: { moveTo: elsewhere } });
  expect(outside.status).toBe(403);
  expect(outside.body).toMatchObject({ error: { code: "OutOfScope", field: "body.moveTo" } });

  const outsideGateway = await h.call(
    retirePath("x", "arc-gateways", "00000000-0000-4000-8000-00000000ffff"),
    { body: {} },
  );
  expect(outsideGateway.status).toBe(403);

  const badBody = await h.call(retirePath("arc-gw-centralindia"), { body: { dryRun: "yes" } });
  expect(badBody.status).toBe(400);
  expect(badBody.body).toMatchObject({ error: { field: "body.dryRun" } });

  // None of these wrote anything.
  expect(h.writesSince(from)).toEqual([]);
});

test("dryRun: the plan per machine in the result, and no write", async () => {
  const gatewayId = await h.readyGateway("arc-gw-koreacentral", "koreacentral");
  const ok = await onboarded("koreacentral", "dry-ok");
  const off = await onboarded("koreacentral", "dry-off");
  setMachineStatus(h.host.emulator!.context(), off, "Disconnected");
  const from = h.host.traffic().length;

  const started = await h.call(retirePath("arc-gw-koreacentral"), { body: { dryRun: true } });
  expect(started.status).toBe(202);
  await h.host.waitForInstance(gatewayInstanceKey(gatewayId));
  const done = await h.call(statusPath(started.headers.get("location")!));

  expect(done.body).toMatchObject({
    result: {
      outcome: "dry-run",
      deleted: false,
      machines: [
        // In id order, as Resource Graph lists them.
        { machineId: off, outcome: "needs-local-action", code: "NotConnected" },
        { machineId: ok, outcome: "would-detach" },
      ],
    },
  });
  const writes = h.writesSince(from, { exceptResourceGraph: true });
  expect(writes).toEqual([]);
});
