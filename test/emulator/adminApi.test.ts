// The admin API: what happens outside ARM's front door, driven over HTTPS as a developer would.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { ScaledClock, VirtualClock } from "../../local/clock";
import { type Emulator, startEmulator } from "../../local/emulator";

const subscriptionId = "5a0e2c8b-1d2f-4e6a-9b3c-7d8e9f0a1b2c";
const machineId = `/subscriptions/${subscriptionId}/resourceGroups/rg-arc/providers/Microsoft.HybridCompute/machines/web-01`;
const machineUrl = `${machineId}?api-version=2025-01-13`;
const webOne = {
  subscriptionId,
  resourceGroup: "rg-arc",
  name: "web-01",
  location: "eastus",
  agentVersion: "1.55.02941.1840",
  osType: "linux",
  osName: "Ubuntu",
  osVersion: "22.04",
};

/** A webhook that answers Event Grid's validation handshake and records notifications. */
async function startWebhook(): Promise<{ url: string; received: unknown[]; close: () => Promise<void> }> {
  const received: unknown[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const events = JSON.parse(Buffer.concat(chunks).toString("utf8") || "[]") as {
        data?: { validationCode?: string };
      }[];
      if (request.headers["aeg-event-type"] === "SubscriptionValidation") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ validationResponse: events[0]?.data?.validationCode }));
        return;
      }
      received.push(...events);
      response.writeHead(200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/events`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("the emulator's admin API", () => {
  let clock: VirtualClock;
  let emulator: Emulator;

  beforeEach(async () => {
    clock = new VirtualClock();
    emulator = await startEmulator({ clock, throttling: false });
  });

  afterEach(() => emulator.close());

  test("a machine connected through the admin API is readable over ARM and its write event reaches a webhook", async () => {
    const webhook = await startWebhook();
    try {
      const subscribed = await emulator.request("POST", "/_emulator/eventgrid/subscriptions", {
        name: "arc-autopilot",
        endpointUrl: webhook.url,
        operationNameFilters: [
          { operatorType: "StringIn", values: ["Microsoft.HybridCompute/machines/write"] },
        ],
      });
      expect(subscribed.status).toBe(201);

      const connected = await emulator.request("POST", "/_emulator/machines", webOne);
      expect(connected.status).toBe(201);
      const machine = await emulator.request("GET", machineUrl);
      expect(machine.status).toBe(200);
      expect(machine.body).toMatchObject({
        name: "web-01",
        properties: { status: "Connected", agentVersion: "1.55.02941.1840" },
      });

      await emulator.eventGrid.whenIdle();
      expect(webhook.received).toEqual([
        expect.objectContaining({
          eventType: "Microsoft.Resources.ResourceWriteSuccess",
          subject: machineId,
          data: expect.objectContaining({
            operationName: "Microsoft.HybridCompute/machines/write",
            resourceUri: machineId,
          }) as unknown,
        }),
      ]);
      const log = (await emulator.request("GET", "/_emulator/events")).body as {
        published: unknown[];
        attempts: unknown[];
      };
      expect(log.published).toHaveLength(1);
      expect(log.attempts).toHaveLength(1);
    } finally {
      await webhook.close();
    }
  });

  test("a subscriber that fails the handshake is refused with 400 and not listed", async () => {
    const response = await emulator.request("POST", "/_emulator/eventgrid/subscriptions", {
      name: "nobody-home",
      endpointUrl: "http://127.0.0.1:9/api/events",
    });
    expect(response.status).toBe(400);
    expect((await emulator.request("GET", "/_emulator/eventgrid/subscriptions")).body).toEqual({ value: [] });
  });

  test("an agent going offline shows in the machine's status", async () => {
    await emulator.request("POST", "/_emulator/machines", webOne);
    const changed = await emulator.request("PUT", "/_emulator/machines/connectivity", {
      machineId,
      status: "Disconnected",
    });
    expect(changed.status).toBe(200);
    expect((await emulator.request("GET", machineUrl)).body).toMatchObject({
      properties: { status: "Disconnected" },
    });
  });

  test("a resource deleted behind the app's back is gone and its delete event is published, unless silent", async () => {
    await emulator.request("POST", "/_emulator/machines", webOne);
    const deleted = await emulator.request("POST", "/_emulator/resources/delete", { resourceId: machineId });
    expect(deleted.status).toBe(201);
    expect((await emulator.request("GET", machineUrl)).status).toBe(404);
    expect(emulator.publishedEvents().map((e) => e.kind)).toEqual(["write", "delete"]);

    await emulator.request("POST", "/_emulator/machines", webOne);
    await emulator.request("POST", "/_emulator/resources/delete", { resourceId: machineId, silent: true });
    expect(emulator.publishedEvents().map((e) => e.kind)).toEqual(["write", "delete", "write"]);
    const missing = await emulator.request("POST", "/_emulator/resources/delete", { resourceId: machineId });
    expect(missing.status).toBe(404);
  });

  test("a deny rule makes ARM answer 403 AuthorizationFailed naming the action and scope", async () => {
    await emulator.request("POST", "/_emulator/machines", webOne);
    await emulator.request("PUT", "/_emulator/permissions", {
      deny: [{ action: "Microsoft.HybridCompute/machines/read", scope: `/subscriptions/${subscriptionId}` }],
    });
    const refused = await emulator.request("GET", machineUrl);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: {
        code: "AuthorizationFailed",
        message: expect.stringContaining("'Microsoft.HybridCompute/machines/read'") as string,
      },
    });
  });

  test("the clock advances on request, and the state snapshot lists what exists", async () => {
    await emulator.request("POST", "/_emulator/machines", webOne);
    const advanced = await emulator.request("POST", "/_emulator/clock/advance", { ms: 90_000 });
    expect(advanced.body).toEqual({ now: "2026-01-01T00:01:30.000Z" });
    const snapshot = (await emulator.request("GET", "/_emulator/state")).body as {
      resources: { id: string }[];
    };
    expect(snapshot.resources.map((r) => r.id)).toEqual([machineId]);
  });

  test("timings and faults are set through the API, and bad values are refused with what was wrong", async () => {
    expect((await emulator.request("PUT", "/_emulator/timings", { gatewayCreateMs: 60_000 })).status).toBe(
      200,
    );
    expect(emulator.timings.gatewayCreateMs).toBe(60_000);
    const badTiming = await emulator.request("PUT", "/_emulator/timings", { gatewayCreateMs: "soon" });
    expect(badTiming.status).toBe(400);
    expect(badTiming.body).toMatchObject({
      error: { code: "InvalidAdminRequest", message: expect.stringContaining("gatewayCreateMs") as string },
    });
    const badFault = await emulator.request("PUT", "/_emulator/faults", { rules: [{ status500Rate: 2 }] });
    expect(badFault.status).toBe(400);
    const unknownKnob = await emulator.request("PUT", "/_emulator/throttling", {
      enabled: true,
      turbo: true,
    });
    expect(unknownKnob.status).toBe(400);
  });

  test("bad admin input never crashes the emulator", async () => {
    const malformed = await emulator.request("POST", "/_emulator/machines", undefined, { rawBody: "{" });
    expect(malformed.status).toBe(400);
    const invalidMachine = await emulator.request("POST", "/_emulator/machines", {
      ...webOne,
      osType: "plan9",
    });
    expect(invalidMachine.status).toBe(400);
    const unknown = await emulator.request("GET", "/_emulator/nothing-here");
    expect(unknown.status).toBe(404);
    expect((unknown.body as { routes: string[] }).routes).toContain(
      "GET /_emulator/state — A snapshot of every resource, async operation, provider registration and deny rule.",
    );
    expect((await emulator.request("GET", "/_emulator/health")).status).toBe(200);
  });
});

describe("the admin API on a real-time emulator", () => {
  test("refuses to advance a clock that is not virtual", async () => {
    const emulator = await startEmulator({ clock: new ScaledClock(1), trafficLog: null });
    try {
      const response = await emulator.request("POST", "/_emulator/clock/advance", { ms: 1000 });
      expect(response.status).toBe(409);
    } finally {
      await emulator.close();
    }
  });
});
