// Issue 11, the machine and gateway runbooks through the local host and the emulator:
// - machine status: the plan now and the last onboarding outcome; 404 for a machine that does not exist;
// - detach: dryRun answers the plan and writes nothing; the real one starts detachMachine_v1
//   (agent to direct, then the link) and a second start while it runs is a 409;
// - create gateway: 202 with the status URL, 409 while its creation runs, the gateway exists after;
// - list gateways: attachments counted from the machines' settings, room left, the retiring tag,
//   and the allow-list with the gateway URL and the machines' regions.
import { retiringTagName } from "../../shared/gateways/retiringTag";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type RunbookHost, runbookHostPerFile } from "./runbookHost";

const subscriptionId = "00000000-0000-4000-8000-0000000a1102";
let h: RunbookHost;

runbookHostPerFile({ subscriptionId }, (started) => {
  h = started;
  started.registerHybridConnectivity();
});

const path = (url: string) => new URL(url).pathname.toLowerCase();
const machinePath = (name: string) => `machines/${subscriptionId}/rg-fleet/${name}`;

interface Operation {
  readonly id: string;
  readonly statusUrl: string;
}

function operationOf(body: unknown): Operation {
  return (body as { operation: Operation }).operation;
}

test("machine status: the plan now and the last onboarding run; 404 for an unknown machine", async () => {
  const gatewayId = await h.readyGateway("arc-gw-eastus", "eastus");
  const machineId = h.connect({ name: "status-01" });
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");

  const answer = await h.call(machinePath("status-01"));

  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    machineId,
    exists: true,
    machine: { name: "status-01", status: "Connected" },
    plan: { outcome: "done", steps: [] },
    lastRun: { runtimeStatus: "Completed", result: { outcome: "onboarded" } },
  });
  expect(JSON.stringify(answer.body)).toContain("status-01");

  const missing = await h.call(machinePath("nobody-here"));
  expect(missing.status).toBe(404);
  expect(missing.body).toMatchObject({ error: { code: "NotFound", field: "params.name" } });
  expect(gatewayId).toContain("arc-gw-eastus");
});

test("detach: dryRun answers the plan and writes nothing; the real one detaches, and a second start while it runs is a 409", async () => {
  await h.readyGateway("arc-gw-westus", "westus");
  const machineId = h.connect({ name: "detach-01", location: "westus", agentVersion: "1.45.02779.1667" });
  expect((await h.outcome(machineId)).outcome).toBe("onboarded");
  const from = h.host.traffic().length;

  const dry = await h.call(`${machinePath("detach-01")}/detach?dryRun=true`, { method: "POST" });

  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({
    kind: "steps",
    steps: [
      { kind: "recordDirectChoice", tagName: "arc-autopilot-connection" },
      { kind: "switchAgentToDirect" },
      { kind: "clearGatewayLink" },
    ],
  });
  expect(h.writesSince(from)).toEqual([]);

  const started = await h.call(`${machinePath("detach-01")}/detach`, { method: "POST" });
  expect(started.status).toBe(202);
  const operation = operationOf(started.body);
  expect(started.headers.get("location")).toBe(operation.statusUrl);
  const again = await h.call(`${machinePath("detach-01")}/detach`, { method: "POST" });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ error: { code: "Conflict", operation: { id: operation.id } } });

  await h.host.waitForInstance(operation.id);
  const status = await h.call(`operations/${operation.id}`);
  expect(status.body).toMatchObject({ runtimeStatus: "Completed", result: { outcome: "detached" } });
  const writes = h.host
    .traffic()
    .slice(from)
    .filter((e) => e.method === "PUT" && path(e.url).startsWith(machineId.toLowerCase()));
  expect(writes.map((e) => path(e.url).slice(machineId.length))).toEqual([
    "/runcommands/arc-autopilot-connection-type",
    "/providers/microsoft.hybridcompute/settings/default",
  ]);

  const unknown = await h.call(`${machinePath("nobody-here")}/detach`, { method: "POST" });
  expect(unknown.status).toBe(404);
});

test("create a gateway: 202 with its status URL, 409 while it is created, the gateway exists once done", async () => {
  const body = {
    subscriptionId,
    resourceGroup: "arc-gateways",
    name: "arc-gw-northeurope",
    location: "North Europe",
  };

  const started = await h.call("gateways", { body });

  expect(started.status).toBe(202);
  const operation = operationOf(started.body);
  expect(started.headers.get("location")).toBe(operation.statusUrl);
  const again = await h.call("gateways", { body });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ error: { code: "Conflict", operation: { id: operation.id } } });

  await h.host.waitForInstance(operation.id);
  const status = await h.call(`operations/${operation.id}`);
  expect(status.body).toMatchObject({ runtimeStatus: "Completed", result: { succeeded: true } });
  const gateway = h.host.emulator!.state.getResource(h.gatewayId("arc-gw-northeurope"));
  expect(gateway?.body).toMatchObject({
    location: "northeurope",
    properties: { provisioningState: "Succeeded" },
  });
});

interface GatewayRow {
  readonly name: string;
  readonly state: string;
  readonly endpoint?: string;
  readonly attachedMachines: number;
  readonly capacityLeft: number;
  readonly retiring: boolean;
  readonly regions: readonly string[];
  readonly allowList: readonly { readonly host: string; readonly os?: string }[];
}

test("list gateways: machines counted from their settings, room left, retiring, and the allow-list", async () => {
  await h.readyGateway("arc-gw-centralus", "centralus");
  const ids = [
    h.connect({ name: "list-01", location: "centralus" }),
    h.connect({ name: "list-02", location: "centralus" }),
  ];
  for (const id of ids) expect((await h.outcome(id)).outcome).toBe("onboarded");
  // Mark one gateway retiring, as the retirement does (a PATCH of its tags).
  const patched = await h.host.emulator!.request(
    "PATCH",
    `${h.gatewayId("arc-gw-northeurope")}?api-version=2025-01-13`,
    { tags: { [retiringTagName]: "2026-11-23T08:00:00.000Z" } },
  );
  expect(patched.status).toBe(200);
  const from = h.host.traffic().length;

  const answer = await h.call("gateways");

  expect(answer.status).toBe(200);
  const { gateways } = answer.body as { gateways: GatewayRow[] };
  const byName = new Map(gateways.map((g) => [g.name, g]));
  const central = byName.get("arc-gw-centralus")!;
  expect(central).toMatchObject({
    state: "Succeeded",
    attachedMachines: 2,
    capacityLeft: 1998,
    retiring: false,
    regions: ["centralus"],
  });
  expect(central.endpoint).toMatch(/\.gw\.arc\.azure\.com$/);
  expect(central.allowList.map((e) => e.host)).toEqual([
    central.endpoint,
    "management.azure.com",
    "login.microsoftonline.com",
    "centralus.login.microsoft.com",
    "gbl.his.arc.azure.com",
    "centralus.his.arc.azure.com",
    "packages.microsoft.com",
    "download.microsoft.com",
  ]);
  // status-01 stayed on eastus; detach-01 left westus.
  expect(byName.get("arc-gw-eastus")).toMatchObject({ attachedMachines: 1 });
  expect(byName.get("arc-gw-westus")).toMatchObject({ attachedMachines: 0, regions: ["westus"] });
  expect(byName.get("arc-gw-northeurope")).toMatchObject({ retiring: true, attachedMachines: 0 });
  // Counted, not estimated: one settings GET per machine in scope, and nothing written.
  const sent = h.host.traffic().slice(from);
  expect(h.writesSince(from, { exceptResourceGraph: true })).toEqual([]);
  expect(sent.filter((e) => path(e.url).endsWith("/settings/default")).length).toBe(4);

  const outside = await h.call("gateways?subscriptionId=99999999-9999-4999-8999-999999999999");
  expect(outside.status).toBe(403);
  expect(outside.body).toMatchObject({ error: { code: "OutOfScope", field: "query.subscriptionId" } });
});

test("onboarding and detach of one machine never run at once: each refuses with a 409 naming the other", async () => {
  // The write event starts the machine's onboarding, which then waits for its region's new gateway.
  const machineId = h.connect({ name: "busy-01", location: "southcentralus" });
  await h.host.waitForInstance(machineInstanceId(machineId), ["Running"]);

  const detach = await h.call(`${machinePath("busy-01")}/detach`, { method: "POST" });
  expect(detach.status).toBe(409);
  expect(operationOf((detach.body as { error: unknown }).error).id).toMatch(/^onboard-busy-01-/);

  // The onboard runbook waits for the run already going instead of refusing the request.
  const onboard = await h.call("machines/onboard", { body: { machineIds: [machineId] } });
  expect(onboard.status).toBe(202);
  const runbook = operationOf(onboard.body);
  await h.host.waitForInstance(runbook.id);
  const result = await h.call(`operations/${runbook.id}`);
  expect(result.body).toMatchObject({
    result: {
      dryRun: false,
      machines: [{ machineId, start: "alreadyRunning", result: { outcome: "onboarded" } }],
    },
  });

  const started = await h.call(`${machinePath("busy-01")}/detach`, { method: "POST" });
  expect(started.status).toBe(202);
  const refused = await h.call("machines/onboard", { body: { machineIds: [machineId] } });
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({
    error: { code: "Conflict", operation: { id: operationOf(started.body).id } },
  });
  await h.host.waitForInstance(operationOf(started.body).id);
});
