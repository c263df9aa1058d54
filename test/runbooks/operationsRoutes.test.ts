// GET /api/operations/{id} and POST /api/operations/{id}/cancel through the local host: the status
// of a runbook run (steps done/total, current step, what it waits for, then its result), the
// status of other operations the app runs, cancel → 202 and Terminated, 409 once ended, 404 for
// an unknown one, 400 for an id that is not an operation's.
import { resolve } from "node:path";

import { runbookInstanceId } from "../../shared/onboarding/instanceIds";
import { fixtureRunbookName } from "./fixtures/progressApp";
import { type RunbookHost, startRunbookHost } from "./runbookHost";

const subscriptionId = "00000000-0000-4000-8000-0000000011a1";
let h: RunbookHost;

beforeAll(async () => {
  h = await startRunbookHost({
    subscriptionId,
    extraModules: [resolve(__dirname, "fixtures/progressApp.ts")],
  });
});
afterAll(() => h.stop());

async function startFixture(): Promise<string> {
  const id = runbookInstanceId("fixture", {
    resourceId: h.gatewayId(`gw-${Math.random().toString(36).slice(2, 8)}`),
  });
  h.host.engine.start(fixtureRunbookName, null, id);
  await h.host.waitForInstance(id, ["Running"]);
  return id;
}

test("a running runbook shows its progress; once ended, its result", async () => {
  const id = await startFixture();

  const running = await h.call(`operations/${id}`);
  expect(running.status).toBe(200);
  expect(running.body).toMatchObject({
    id,
    name: fixtureRunbookName,
    runtimeStatus: "Running",
    progress: {
      runbook: "fixture",
      stepsDone: 1,
      stepsTotal: 3,
      currentStep: "Waiting a day",
      waitingFor: "a durable timer",
    },
    operation: {
      id,
      statusUrl: h.host.apiUrl(`operations/${id}`),
      cancelUrl: h.host.apiUrl(`operations/${id}/cancel`),
    },
  });
  expect(running.body).not.toHaveProperty("result");

  await h.host.waitForInstance(id);
  const done = await h.call(`operations/${id}`);
  expect(done.body).toMatchObject({
    runtimeStatus: "Completed",
    progress: { stepsDone: 3 },
    result: { moved: 3, deleted: true },
  });
});

test("cancel terminates a running operation; a second cancel is 409 with its status URL", async () => {
  const id = await startFixture();

  const cancelled = await h.call(`operations/${id}/cancel`, {
    method: "POST",
    body: { reason: "operator said so" },
  });
  expect(cancelled.status).toBe(202);
  expect(cancelled.headers.get("location")).toBe(h.host.apiUrl(`operations/${id}`));
  await h.host.runUntilIdle();
  const status = await h.call(`operations/${id}`);
  expect(status.body).toMatchObject({ runtimeStatus: "Terminated" });

  const again = await h.call(`operations/${id}/cancel`, { method: "POST" });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({
    error: { code: "Conflict", operation: { statusUrl: h.host.apiUrl(`operations/${id}`) } },
  });
});

test("unknown operations are 404; ids of other durable instances are 400 naming the field", async () => {
  const unknown = await h.call("operations/runbook-fixture-nothing-0123456789abcdef");
  expect(unknown.status).toBe(404);
  expect(unknown.body).toMatchObject({ error: { code: "NotFound", field: "params.id" } });
  expect(
    (await h.call("operations/runbook-fixture-nothing-0123456789abcdef/cancel", { method: "POST" })).status,
  ).toBe(404);

  const foreign = await h.call("operations/some-other-instance");
  expect(foreign.status).toBe(400);
  expect(foreign.body).toMatchObject({ error: { code: "InvalidInput", field: "params.id" } });
});

test("the onboarding an event started is an operation too: its own status shows as detail", async () => {
  const machineId = h.connect({ name: "ops-01" });
  await h.host.runUntilIdle();
  const id = (await import("../../shared/onboarding/instanceIds")).machineInstanceId(machineId);
  const status = await h.call(`operations/${id}`);
  expect(status.status).toBe(200);
  expect(status.body).toMatchObject({ id, name: "onboardMachine_v1", progress: null });
  expect(status.body).toHaveProperty("result");
});

test("hostile ids in the path are 4xx, never a 5xx", async () => {
  for (const id of [
    "%E0%A4%A",
    "x".repeat(3000),
    "runbook-..%2F..%2Fx",
    "%00",
    "runbook-a%2Fb",
    "RUNBOOK-A-0123",
  ]) {
    const answer = await h.call(`operations/${id}`);
    expect({ id, status: answer.status < 500 && answer.status >= 400 }).toEqual({ id, status: true });
  }
});
