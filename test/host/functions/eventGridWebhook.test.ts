import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { validateEndpoint } from "../../../local/emulator/eventGrid/handshake";
import { parseSubscriptionOptions } from "../../../local/emulator/eventGrid/subscriptionOptions";
import { callWebhook } from "../../../local/emulator/eventGrid/webhookClient";
import { SeededRandom } from "../../../local/emulator/random";
import { type FunctionsHost, startFunctionsHost } from "../../../local/host/functions/functionsHost";
import { CollectedHostLog } from "../../../local/host/functions/hostLog";
import { deliveredEvents } from "../fixtures/functionsEventGridApp";

const log = new CollectedHostLog();
let host: FunctionsHost;

beforeAll(async () => {
  host = await startFunctionsHost({
    app: { modules: [resolve(__dirname, "../fixtures/functionsEventGridApp.ts")] },
    clock: new VirtualClock(Date.UTC(2026, 0, 1)),
    port: 0,
    keys: { master: "master-key", system: { eventgrid_extension: "eventgrid-key" } },
    log: log.log,
  });
});

afterAll(async () => {
  await host.stop();
});

beforeEach(() => {
  deliveredEvents.length = 0;
});

const webhook = (functionName = "MachineEvents", code = "eventgrid-key") =>
  `${host.origin}/runtime/webhooks/EventGrid?functionName=${functionName}&code=${code}`;

function machineEvent(id: string, subject = `/machines/m${id}`) {
  return {
    id,
    topic: "/subscriptions/s/resourceGroups/rg",
    subject,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: "2026-01-01T00:00:00Z",
    data: { resourceUri: subject, Status: "Succeeded" },
    dataVersion: "2",
    metadataVersion: "1",
  };
}

function notify(body: unknown, headers: Record<string, string> = {}, url = webhook()) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "aeg-event-type": "Notification", ...headers },
    body: JSON.stringify(body),
  });
}

describe("the Event Grid webhook", () => {
  test("the host hands out the webhook URL with the system key, as the subscription would use it", () => {
    expect(host.eventGridWebhookUrl("MachineEvents")).toBe(webhook());
  });

  test("Event Grid schema: the SubscriptionValidation handshake echoes the validation code", async () => {
    const response = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "SubscriptionValidation" },
      body: JSON.stringify([
        {
          id: "v",
          eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
          data: {
            validationCode: "512D38B6-C7B8-40C8-89FE-F46F9E9622B6",
            validationUrl: "https://x.invalid",
          },
        },
      ]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ validationResponse: "512D38B6-C7B8-40C8-89FE-F46F9E9622B6" });
    expect(deliveredEvents).toEqual([]);
  });

  test("CloudEvents: the OPTIONS handshake allows Event Grid's origin", async () => {
    const response = await fetch(webhook(), {
      method: "OPTIONS",
      headers: { "webhook-request-origin": "eventgrid.azure.net", "webhook-request-rate": "120" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("webhook-allowed-origin")).toBe("eventgrid.azure.net");
  });

  test.each(["EventGridSchema", "CloudEventSchemaV1_0"])(
    "the emulator's Event Grid validates the webhook with the %s handshake",
    async (schema) => {
      const clock = new VirtualClock(Date.UTC(2026, 0, 1));
      const settings = parseSubscriptionOptions({ name: "machines-to-host", endpointUrl: webhook(), schema });
      await expect(
        validateEndpoint(settings, {
          clock,
          random: new SeededRandom(7),
          send: (request) => callWebhook(clock, request).result,
        }),
      ).resolves.toBeUndefined();
    },
  );

  test("an array of three events invokes the function three times and answers 202", async () => {
    const events = [machineEvent("1"), machineEvent("2"), machineEvent("3")];
    const response = await notify(events);
    expect(response.status).toBe(202);
    expect(deliveredEvents.map((event) => event.id).sort()).toEqual(["1", "2", "3"]);
    expect(deliveredEvents.find((event) => event.id === "2")).toEqual(events[1]);
    expect(log.messages({ category: "user", functionName: "MachineEvents" })).toContain(
      "got Microsoft.Resources.ResourceWriteSuccess for /machines/m1",
    );
  });

  test("CloudEvents deliveries, single and batched, reach the function as sent", async () => {
    const cloudEvent = (id: string) => ({
      specversion: "1.0",
      id,
      source: "/subscriptions/s/resourceGroups/rg",
      subject: `/machines/c${id}`,
      type: "Microsoft.Resources.ResourceWriteSuccess",
      time: "2026-01-01T00:00:00Z",
      data: { status: "Succeeded" },
    });
    const single = await notify(cloudEvent("a"), {
      "content-type": "application/cloudevents+json; charset=utf-8",
    });
    const batch = await notify([cloudEvent("b"), cloudEvent("c")], {
      "content-type": "application/cloudevents-batch+json; charset=utf-8",
    });
    expect([single.status, batch.status]).toEqual([202, 202]);
    expect(deliveredEvents.map((event) => event.id).sort()).toEqual(["a", "b", "c"]);
    expect(deliveredEvents[0]).toMatchObject({
      specversion: "1.0",
      type: "Microsoft.Resources.ResourceWriteSuccess",
    });
  });

  test("a failing handler makes the delivery 500, so Event Grid retries it", async () => {
    const response = await notify([machineEvent("1"), machineEvent("boom", "explode"), machineEvent("3")]);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("cannot handle boom");
  });

  test("the system key (or the master key) is required", async () => {
    expect((await notify([machineEvent("1")], {}, webhook("MachineEvents", "wrong"))).status).toBe(401);
    expect(
      (
        await notify(
          [machineEvent("1")],
          {},
          `${host.origin}/runtime/webhooks/EventGrid?functionName=MachineEvents`,
        )
      ).status,
    ).toBe(401);
    expect((await notify([machineEvent("1")], {}, webhook("MachineEvents", "master-key"))).status).toBe(202);
  });

  test("unknown and non-Event-Grid functions are 404", async () => {
    const unknown = await notify([machineEvent("1")], {}, webhook("Nope"));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("cannot find function: 'Nope'");
    expect((await notify([machineEvent("1")], {}, webhook("NotEventGrid"))).status).toBe(404);
  });

  test("a missing aeg-event-type or a body that is not JSON is 400; Unsubscribe is acknowledged", async () => {
    const withoutHeader = await fetch(webhook(), {
      method: "POST",
      body: JSON.stringify([machineEvent("1")]),
    });
    expect(withoutHeader.status).toBe(400);
    expect(
      (await fetch(webhook(), { method: "POST", headers: { "aeg-event-type": "Notification" }, body: "{" }))
        .status,
    ).toBe(400);
    expect(
      (
        await fetch(webhook(), {
          method: "POST",
          headers: { "aeg-event-type": "SubscriptionValidation" },
          body: "[]",
        })
      ).status,
    ).toBe(400);
    expect(
      (await fetch(webhook(), { method: "POST", headers: { "aeg-event-type": "Unsubscribe" } })).status,
    ).toBe(202);
    expect(deliveredEvents).toEqual([]);
  });
});
