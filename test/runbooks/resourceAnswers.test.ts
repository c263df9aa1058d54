// Every route that names a resource answers 404 (naming the field) when it does not exist, and
// 409 when the request conflicts with what exists or runs — and neither starts anything:
// - machine status, detach (with and without dryRun): an unknown machine;
// - retire: an unknown gateway, an unknown `moveTo`;
// - operation status and cancel: an unknown operation; cancel of an ended one → 409;
// - onboard: a list of which no machine exists (some missing: started, each reported);
// - create gateway: one that exists in another region, or is tagged retiring → 409 (the
//   creation would report the existing gateway ready); the same region → started, a no-op.
import { errorOf } from "./routeTable";
import { type RunbookHost, startRunbookHost } from "./runbookHost";

const subscriptionId = "00000000-0000-4000-8000-0000000011f4";
let h: RunbookHost;

beforeAll(async () => {
  h = await startRunbookHost({ subscriptionId });
  h.registerHybridConnectivity();
});
afterAll(() => h.stop());

const instances = () => h.host.engine.list().length;

async function expectAnswer(
  path: string,
  call: Parameters<RunbookHost["call"]>[1],
  status: number,
  field?: string,
): Promise<void> {
  const before = instances();
  const answer = await h.call(path, call);
  expect({ path, status: answer.status }).toEqual({ path, status });
  const error = errorOf(answer);
  expect(error.code).toBe(status === 404 ? "NotFound" : "Conflict");
  if (field !== undefined) expect(error.field).toBe(field);
  expect(instances()).toBe(before);
}

test("unknown machines, gateways and operations: 404 naming the field, nothing started", async () => {
  const gatewayId = await h.readyGateway("arc-gw-known", "eastus");
  const missingMachine = h.machineId("no-such-machine");
  const machinePath = `machines/${subscriptionId}/rg-fleet/no-such-machine`;
  await expectAnswer(machinePath, {}, 404, "params.name");
  await expectAnswer(`${machinePath}/detach`, { method: "POST" }, 404, "params.name");
  await expectAnswer(`${machinePath}/detach?dryRun=true`, { method: "POST" }, 404, "params.name");
  await expectAnswer(
    `gateways/${subscriptionId}/arc-gateways/no-such-gateway/retire`,
    { method: "POST", body: {} },
    404,
    "params.name",
  );
  await expectAnswer(
    `gateways/${subscriptionId}/arc-gateways/arc-gw-known/retire`,
    { method: "POST", body: { moveTo: h.gatewayId("no-such-gateway"), dryRun: true } },
    404,
    "body.moveTo",
  );
  await expectAnswer("operations/runbook-nothing-0123", {}, 404, "params.id");
  await expectAnswer("operations/runbook-nothing-0123/cancel", { method: "POST" }, 404, "params.id");
  // Onboarding a machine that does not exist: 404 on the id, before anything starts.
  await expectAnswer(
    "machines/onboard",
    { body: { machineIds: [missingMachine] } },
    404,
    "body.machineIds[0]",
  );
  await expectAnswer(
    "machines/onboard",
    { body: { machineIds: [missingMachine, h.machineId("no-such-2")], dryRun: true } },
    404,
    "body.machineIds",
  );
  expect(gatewayId).toBeDefined();
});

test("onboarding a list with one machine missing starts, and the result names the missing one", async () => {
  const present = h.connect({ name: "present-1" });
  await h.outcome(present);
  await h.host.runUntilIdle();
  const missing = h.machineId("missing-1");
  const answer = await h.call("machines/onboard", { body: { machineIds: [missing, present], dryRun: true } });
  expect(answer.status).toBe(202);
  await h.host.runUntilIdle();
  const status = await h.call(answer.headers.get("location")!.slice(h.host.apiUrl("").length));
  const body = status.body as {
    runtimeStatus: string;
    result: { machines: { machineId: string; code?: string }[] };
  };
  expect(body.runtimeStatus).toBe("Completed");
  expect(body.result.machines.find((m) => m.machineId === missing)?.code).toBe("MachineNotFound");
});

test("creating a gateway that exists in another region, or tagged retiring: 409 naming why; the same region: a no-op start", async () => {
  const gatewayId = await h.readyGateway("arc-gw-here", "eastus");
  const create = (location: string) => ({
    body: { subscriptionId, resourceGroup: "arc-gateways", name: "arc-gw-here", location },
  });
  await expectAnswer("gateways", create("westus"), 409, "body.location");
  const elsewhere = await h.call("gateways", create("West US"));
  expect(errorOf(elsewhere).message).toContain("eastus");

  const same = await h.call("gateways", create("East US"));
  expect(same.status).toBe(202);
  await h.host.runUntilIdle();

  // Tagged retiring (a retirement that stopped short of the DELETE): not put back by a create.
  const state = h.host.emulator!.state;
  const gateway = state.getResource(gatewayId)!;
  state.putResource(
    gatewayId,
    gateway.type,
    { ...gateway.body, tags: { "arc-autopilot-retiring": "2026-11-23T08:00:00.000Z" } },
    h.clock.now(),
  );
  await expectAnswer("gateways", create("eastus"), 409, "body.name");
});

test("cancelling an operation that has ended: 409 with its status URL", async () => {
  const started = await h.call("machines/onboard", {
    body: { scope: `/subscriptions/${subscriptionId}/resourceGroups/rg-fleet`, dryRun: true },
  });
  expect(started.status).toBe(202);
  await h.host.runUntilIdle();
  const statusUrl = started.headers.get("location")!;
  const cancel = await h.call(`${statusUrl.slice(h.host.apiUrl("").length)}/cancel`, { method: "POST" });
  expect(cancel.status).toBe(409);
  expect(errorOf(cancel)).toMatchObject({ code: "Conflict", operation: { statusUrl } });
});
