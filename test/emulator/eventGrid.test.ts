// The emulator's Event Grid system topic against a real local webhook, on virtual time: the
// handshakes, the documented event shapes, filtering, Azure's retry schedule and the injected
// faults (duplicates, reordering) that the event handler has to survive.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

import { VirtualClock } from "../../local/clock";
import {
  type CloudEvent,
  type EventGridEvent,
  EventGridSystemTopic,
  type EventSubscriptionOptions,
  InvalidEventSubscriptionError,
  WebhookValidationError,
} from "../../local/emulator/eventGrid";
import { SeededRandom } from "../../local/emulator/random";
import { createLoopbackCertificate } from "../../local/emulator/tls";
import type { Principal, ResourceEventInput } from "../../local/emulator/types";

const subscriptionId = "00000000-1111-2222-3333-444444444444";
const machineId = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/rg-arc/providers/Microsoft.HybridCompute/machines/${name}`;

const principal: Principal = {
  objectId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
  appId: "0e5f0a4c-1d2b-4c3d-9e8f-000000000001",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  claims: {
    aud: "https://management.azure.com/",
    appid: "0e5f0a4c-1d2b-4c3d-9e8f-000000000001",
    iat: 1767225600,
    ipaddr: "10.1.2.3",
    "http://schemas.microsoft.com/identity/claims/objectidentifier": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    ver: "1.0",
  },
};

function machineWrite(name: string, extra: Partial<ResourceEventInput> = {}): ResourceEventInput {
  return {
    kind: "write",
    resourceUri: machineId(name),
    operationName: "Microsoft.HybridCompute/machines/write",
    principal,
    correlationId: `corr-${name}`,
    ...extra,
  };
}

// ---- a webhook subscriber on 127.0.0.1 ----

interface Received {
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

type Responder = (request: Received) => Reply | "hang";

/** Answers both handshakes correctly and acknowledges every notification. */
const cooperative: Responder = (request) => {
  if (request.method === "OPTIONS") {
    return {
      status: 200,
      headers: { "webhook-allowed-origin": String(request.headers["webhook-request-origin"]) },
    };
  }
  if (request.headers["aeg-event-type"] === "SubscriptionValidation") {
    const [event] = JSON.parse(request.body) as [EventGridEvent<{ validationCode: string }>];
    return { status: 200, body: JSON.stringify({ validationResponse: event.data.validationCode }) };
  }
  return { status: 200 };
};

/** Cooperative handshake, then the given statuses for notifications in turn (the last one repeats). */
function notificationStatuses(...statuses: number[]): Responder {
  let served = 0;
  return (request) => {
    if (!isNotification(request)) return cooperative(request);
    const status = statuses[Math.min(served++, statuses.length - 1)] ?? 200;
    return { status };
  };
}

const isNotification = (request: Received) =>
  request.method === "POST" && request.headers["aeg-event-type"] === "Notification";

class Subscriber {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly received: Received[],
  ) {}

  static async start(
    respond: Responder = cooperative,
    tls?: { key: string; cert: string },
  ): Promise<Subscriber> {
    const received: Received[] = [];
    const handler: http.RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const request = {
          method: req.method ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        received.push(request);
        const reply = respond(request);
        if (reply === "hang") return;
        res.writeHead(reply.status, reply.headers).end(reply.body);
      });
    };
    const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const url = `${tls ? "https" : "http"}://127.0.0.1:${port}/runtime/webhooks/EventGrid?functionName=onResourceEvent`;
    const subscriber = new Subscriber(server, url, received);
    servers.push(subscriber);
    return subscriber;
  }

  notifications(): Received[] {
    return this.received.filter(isNotification);
  }

  /** The Event Grid schema events of every notification, in arrival order. */
  events(): EventGridEvent[] {
    return this.notifications().flatMap((request) => JSON.parse(request.body) as EventGridEvent[]);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const servers: Subscriber[] = [];
const topics: EventGridSystemTopic[] = [];

function createTopic(seed = 42): { topic: EventGridSystemTopic; clock: VirtualClock } {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1, 8, 0, 0));
  const topic = new EventGridSystemTopic({ clock, random: new SeededRandom(seed) });
  topics.push(topic);
  return { topic, clock };
}

function subscription(
  subscriber: Subscriber,
  options: Partial<EventSubscriptionOptions> = {},
): EventSubscriptionOptions {
  return { name: "arc-events", endpointUrl: subscriber.url, schema: "EventGridSchema", ...options };
}

afterEach(async () => {
  for (const topic of topics.splice(0)) topic.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

// ---- stories ----

describe("Event Grid schema subscription", () => {
  it("activates after a correct validation answer and delivers the documented ResourceWriteSuccess event", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();

    const created = await topic.addSubscription(subscription(subscriber));

    expect(created).toMatchObject({
      name: "arc-events",
      provisioningState: "Succeeded",
      schema: "EventGridSchema",
    });
    expect(topic.listSubscriptions().map((s) => s.name)).toEqual(["arc-events"]);
    const [validation] = subscriber.received;
    expect(validation?.headers["aeg-event-type"]).toBe("SubscriptionValidation");
    const validationEvents = JSON.parse(validation?.body ?? "[]") as Array<
      EventGridEvent<Record<string, string>>
    >;
    expect(validationEvents).toHaveLength(1);
    expect(validationEvents[0]?.eventType).toBe("Microsoft.EventGrid.SubscriptionValidationEvent");
    expect(validationEvents[0]?.data).toEqual({
      validationCode: expect.any(String) as unknown,
      validationUrl: expect.stringMatching(/^https:\/\//) as unknown,
    });

    const published = topic.publish(
      machineWrite("srv-01", {
        httpRequest: {
          method: "PUT",
          url: `https://management.azure.com${machineId("srv-01")}?api-version=2024-07-10`,
          clientRequestId: "req-1",
        },
      }),
    );
    await topic.whenIdle();

    const [delivery] = subscriber.notifications();
    expect(subscriber.notifications()).toHaveLength(1);
    expect(delivery?.headers).toMatchObject({
      "aeg-event-type": "Notification",
      "aeg-subscription-name": "arc-events",
      "aeg-delivery-count": "0",
      "aeg-data-version": "2",
      "aeg-metadata-version": "1",
      "content-type": "application/json",
    });
    const body = JSON.parse(delivery?.body ?? "null") as EventGridEvent[];
    expect(Array.isArray(body)).toBe(true);
    expect(body).toEqual([published]);
    expect(body[0]).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ) as unknown,
      topic: `/subscriptions/${subscriptionId}`,
      subject: machineId("srv-01"),
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
      eventTime: "2026-01-01T08:00:00.0000000Z",
      dataVersion: "2",
      metadataVersion: "1",
      data: {
        authorization: {
          scope: machineId("srv-01"),
          action: "Microsoft.HybridCompute/machines/write",
          evidence: {
            role: "Contributor",
            roleAssignmentScope: `/subscriptions/${subscriptionId}`,
            roleAssignmentId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
            roleDefinitionId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
            principalId: "aaaaaaaabbbbccccddddeeeeeeeeeeee",
            principalType: "ServicePrincipal",
          },
        },
        claims: {
          aud: "https://management.azure.com/",
          appid: "0e5f0a4c-1d2b-4c3d-9e8f-000000000001",
          iat: "1767225600",
          ipaddr: "10.1.2.3",
          "http://schemas.microsoft.com/identity/claims/objectidentifier":
            "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
          ver: "1.0",
        },
        correlationId: "corr-srv-01",
        httpRequest: {
          clientRequestId: "req-1",
          clientIpAddress: "10.1.2.3",
          method: "PUT",
          url: `https://management.azure.com${machineId("srv-01")}?api-version=2024-07-10`,
        },
        resourceProvider: "Microsoft.HybridCompute",
        resourceUri: machineId("srv-01"),
        operationName: "Microsoft.HybridCompute/machines/write",
        status: "Succeeded",
        subscriptionId,
        tenantId: principal.tenantId,
      },
    });

    const log = topic.eventLog();
    expect(log.published.map((record) => record.event.id)).toEqual([published.id]);
    expect(log.attempts).toEqual([
      expect.objectContaining({
        subscriptionName: "arc-events",
        eventIds: [published.id],
        attempt: 1,
        status: 200,
        outcome: "Success",
      }),
    ]);
    expect(topic.pendingDeliveries()).toBe(0);
  });

  it("leaves httpRequest out when the operation did not report one, and names delete and action events", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();
    await topic.addSubscription(subscription(subscriber));

    topic.publish(machineWrite("srv-02"));
    topic.publish({
      ...machineWrite("srv-02"),
      kind: "delete",
      operationName: "Microsoft.HybridCompute/machines/delete",
    });
    topic.publish({
      ...machineWrite("srv-02"),
      kind: "action",
      resourceUri: `${machineId("srv-02")}/providers/Microsoft.HybridConnectivity/endpoints/default`,
      operationName: "Microsoft.HybridConnectivity/endpoints/listCredentials/action",
    });
    await topic.whenIdle();

    const events = subscriber.events();
    expect(events.map((event) => event.eventType)).toEqual([
      "Microsoft.Resources.ResourceWriteSuccess",
      "Microsoft.Resources.ResourceDeleteSuccess",
      "Microsoft.Resources.ResourceActionSuccess",
    ]);
    expect(events[0]?.data).not.toHaveProperty("httpRequest");
    expect(events[2]?.data.resourceProvider).toBe("Microsoft.HybridConnectivity");
  });

  it("rejects the subscription when the endpoint echoes the wrong validation code, and delivers nothing", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start((request) =>
      request.headers["aeg-event-type"] === "SubscriptionValidation"
        ? { status: 200, body: JSON.stringify({ validationResponse: "not-the-code" }) }
        : { status: 200 },
    );

    const attempt = topic.addSubscription(subscription(subscriber));

    await expect(attempt).rejects.toThrow(WebhookValidationError);
    await expect(attempt).rejects.toThrow(/does not match the validation code/);
    expect(topic.listSubscriptions()).toEqual([]);
    topic.publish(machineWrite("srv-03"));
    await topic.whenIdle();
    expect(subscriber.notifications()).toEqual([]);
    expect(topic.eventLog().handshakes).toEqual([
      expect.objectContaining({ subscriptionName: "arc-events", outcome: "Failed" }),
    ]);
  });

  it("does not accept 202 as a validation answer", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start(() => ({ status: 202 }));

    await expect(topic.addSubscription(subscription(subscriber))).rejects.toThrow(
      /HTTP 202.*must answer 200/,
    );
  });

  it("rejects bad options with a message naming the field", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();

    await expect(
      topic.addSubscription(subscription(subscriber, { endpointUrl: "https://example.com/hook" })),
    ).rejects.toThrow(/endpointUrl: must point at this machine/);
    await expect(
      topic.addSubscription(subscription(subscriber, { maxDeliveryAttempts: 31 })),
    ).rejects.toThrow(InvalidEventSubscriptionError);
    await expect(topic.addSubscription(subscription(subscriber, { name: "x" }))).rejects.toThrow(
      /name: must be 3–64/,
    );
    expect(subscriber.received).toEqual([]);
  });
});

describe("CloudEvents 1.0 subscription", () => {
  it("validates with the OPTIONS handshake and delivers single events in CloudEvents shape", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();

    await topic.addSubscription(subscription(subscriber, { schema: "CloudEventSchemaV1_0" }));
    const published = topic.publish(machineWrite("srv-04"));
    await topic.whenIdle();

    const [handshake, delivery] = subscriber.received;
    expect(handshake?.method).toBe("OPTIONS");
    expect(handshake?.headers["webhook-request-origin"]).toBe("eventgrid.azure.net");
    expect(handshake?.headers["webhook-request-rate"]).toBeDefined();
    expect(delivery?.method).toBe("POST");
    expect(delivery?.headers["content-type"]).toBe("application/cloudevents+json; charset=utf-8");
    expect(delivery?.headers["aeg-event-type"]).toBe("Notification");
    const cloudEvent = JSON.parse(delivery?.body ?? "null") as CloudEvent;
    expect(cloudEvent).toEqual({
      specversion: "1.0",
      id: published.id,
      source: `/subscriptions/${subscriptionId}`,
      subject: machineId("srv-04"),
      type: "Microsoft.Resources.ResourceWriteSuccess",
      time: "2026-01-01T08:00:00.0000000Z",
      data: published.data,
    });
  });

  it("sends a batch as application/cloudevents-batch+json", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();
    await topic.addSubscription(
      subscription(subscriber, { schema: "CloudEventSchemaV1_0", maxEventsPerBatch: 10 }),
    );

    topic.publish(machineWrite("srv-05"));
    topic.publish(machineWrite("srv-06"));
    await topic.whenIdle();

    const [delivery] = subscriber.notifications();
    expect(subscriber.notifications()).toHaveLength(1);
    expect(delivery?.headers["content-type"]).toBe("application/cloudevents-batch+json; charset=utf-8");
    expect((JSON.parse(delivery?.body ?? "[]") as CloudEvent[]).map((event) => event.subject)).toEqual([
      machineId("srv-05"),
      machineId("srv-06"),
    ]);
  });

  it("rejects an endpoint that does not allow Event Grid's origin", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start((request) =>
      request.method === "OPTIONS"
        ? { status: 200, headers: { "webhook-allowed-origin": "someone-else.example" } }
        : { status: 200 },
    );

    await expect(
      topic.addSubscription(subscription(subscriber, { schema: "CloudEventSchemaV1_0" })),
    ).rejects.toThrow(/WebHook-Allowed-Origin is 'someone-else.example'/);
  });
});

describe("filters", () => {
  const otherWrites = (): ResourceEventInput[] => [
    machineWrite("srv-07"),
    {
      ...machineWrite("srv-07"),
      resourceUri: `${machineId("srv-07")}/extensions/AzureMonitorLinuxAgent`,
      operationName: "Microsoft.HybridCompute/machines/extensions/write",
    },
    {
      ...machineWrite("gw-1"),
      resourceUri: `/subscriptions/${subscriptionId}/resourceGroups/rg-arc/providers/Microsoft.HybridCompute/gateways/gw-1`,
      operationName: "Microsoft.HybridCompute/gateways/write",
    },
    { ...machineWrite("srv-08"), kind: "delete", operationName: "Microsoft.HybridCompute/machines/delete" },
  ];

  it("delivers only machine writes through a StringIn filter on data.operationName", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();
    await topic.addSubscription(
      subscription(subscriber, {
        operationNameFilters: [
          { operatorType: "StringIn", values: ["microsoft.hybridcompute/machines/write"] },
        ],
      }),
    );

    for (const input of otherWrites()) topic.publish(input);
    await topic.whenIdle();

    expect(subscriber.events().map((event) => [event.subject, event.data.operationName])).toEqual([
      [machineId("srv-07"), "Microsoft.HybridCompute/machines/write"],
    ]);
    expect(topic.eventLog().published.map((record) => record.matchedSubscriptions)).toEqual([
      ["arc-events"],
      [],
      [],
      [],
    ]);
  });

  it("combines StringBeginsWith with event types and subject filters", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();
    await topic.addSubscription(
      subscription(subscriber, {
        includedEventTypes: ["Microsoft.Resources.ResourceWriteSuccess"],
        operationNameFilters: [
          { operatorType: "StringBeginsWith", values: ["Microsoft.HybridCompute/machines/"] },
        ],
        subjectBeginsWith: `/subscriptions/${subscriptionId}/resourceGroups/rg-arc/`,
      }),
    );

    for (const input of otherWrites()) topic.publish(input);
    await topic.whenIdle();

    expect(subscriber.events().map((event) => event.data.operationName)).toEqual([
      "Microsoft.HybridCompute/machines/write",
      "Microsoft.HybridCompute/machines/extensions/write",
    ]);
  });
});

describe("retries", () => {
  it("retries a 500 after 10 s and then 30 s of virtual time, and not a moment earlier", async () => {
    const { topic, clock } = createTopic();
    const subscriber = await Subscriber.start(notificationStatuses(500, 500, 200));
    await topic.addSubscription(subscription(subscriber));

    const event = topic.publish(machineWrite("srv-09"));
    await topic.whenIdle();
    expect(subscriber.notifications()).toHaveLength(1);
    expect(topic.pendingDeliveries()).toBe(1);

    await clock.advance(9_999);
    await topic.whenIdle();
    expect(subscriber.notifications()).toHaveLength(1);
    await clock.advance(1);
    await topic.whenIdle();
    expect(subscriber.notifications()).toHaveLength(2);

    await clock.advance(29_999);
    await topic.whenIdle();
    expect(subscriber.notifications()).toHaveLength(2);
    await clock.advance(1);
    await topic.whenIdle();

    const deliveries = subscriber.notifications();
    expect(deliveries).toHaveLength(3);
    expect(deliveries.map((request) => request.headers["aeg-delivery-count"])).toEqual(["0", "1", "2"]);
    expect(deliveries.map((request) => (JSON.parse(request.body) as EventGridEvent[])[0]?.id)).toEqual([
      event.id,
      event.id,
      event.id,
    ]);
    expect(
      topic
        .eventLog()
        .attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.outcome, attempt.time]),
    ).toEqual([
      [1, 500, "GenericError", "2026-01-01T08:00:00.0000000Z"],
      [2, 500, "GenericError", "2026-01-01T08:00:10.0000000Z"],
      [3, 200, "Success", "2026-01-01T08:00:40.0000000Z"],
    ]);
    expect(topic.pendingDeliveries()).toBe(0);
  });

  it("does not retry a 400: the event is dead-lettered at once", async () => {
    const { topic, clock } = createTopic();
    const subscriber = await Subscriber.start(notificationStatuses(400));
    await topic.addSubscription(subscription(subscriber));

    const event = topic.publish(machineWrite("srv-10"));
    await topic.whenIdle();
    await clock.advance(24 * 60 * 60_000);
    await topic.whenIdle();

    expect(subscriber.notifications()).toHaveLength(1);
    expect(topic.pendingDeliveries()).toBe(0);
    expect(topic.eventLog().deadLetters).toEqual([
      expect.objectContaining({
        eventIds: [event.id],
        deadLetterReason: "NonRetryableStatus",
        deliveryAttempts: 1,
        lastDeliveryOutcome: "BadRequest",
        lastHttpStatusCode: 400,
      }),
    ]);
  });

  it("gives up after maxDeliveryAttempts", async () => {
    const { topic, clock } = createTopic();
    const subscriber = await Subscriber.start(notificationStatuses(503));
    await topic.addSubscription(subscription(subscriber, { maxDeliveryAttempts: 3 }));

    topic.publish(machineWrite("srv-11"));
    await runRetriesToTheEnd(topic, clock);

    expect(subscriber.notifications()).toHaveLength(3);
    expect(topic.eventLog().deadLetters).toEqual([
      expect.objectContaining({
        deadLetterReason: "MaxDeliveryAttemptsExceeded",
        deliveryAttempts: 3,
        lastHttpStatusCode: 503,
      }),
    ]);
  });

  it("stops at the event's time to live", async () => {
    const { topic, clock } = createTopic();
    const subscriber = await Subscriber.start(notificationStatuses(500));
    await topic.addSubscription(subscription(subscriber, { eventTimeToLiveInMinutes: 2 }));

    topic.publish(machineWrite("srv-12"));
    await runRetriesToTheEnd(topic, clock);

    // 0 s, 10 s, 40 s, 100 s; the next (at 400 s) would be past the 120 s TTL.
    expect(topic.eventLog().attempts.map((attempt) => attempt.time)).toEqual([
      "2026-01-01T08:00:00.0000000Z",
      "2026-01-01T08:00:10.0000000Z",
      "2026-01-01T08:00:40.0000000Z",
      "2026-01-01T08:01:40.0000000Z",
    ]);
    expect(topic.eventLog().deadLetters).toEqual([
      expect.objectContaining({ deadLetterReason: "TimeToLiveExceeded" }),
    ]);
  });

  it("times out a subscriber that does not answer within 30 s and retries it", async () => {
    const { topic, clock } = createTopic();
    let hung = false;
    const subscriber = await Subscriber.start((request) => {
      if (!isNotification(request)) return cooperative(request);
      if (hung) return { status: 200 };
      hung = true;
      return "hang";
    });
    await topic.addSubscription(subscription(subscriber));

    topic.publish(machineWrite("srv-13"));
    await waitFor(() => subscriber.notifications().length === 1);
    await clock.advance(30_000);
    await topic.whenIdle();
    expect(topic.eventLog().attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: "TimedOut" })]);

    await clock.advance(10_000);
    await topic.whenIdle();
    expect(topic.eventLog().attempts.map((attempt) => attempt.outcome)).toEqual(["TimedOut", "Success"]);
  });

  it("drops queued retries when the subscription is removed", async () => {
    const { topic, clock } = createTopic();
    const subscriber = await Subscriber.start(notificationStatuses(500));
    await topic.addSubscription(subscription(subscriber));

    topic.publish(machineWrite("srv-14"));
    await topic.whenIdle();
    expect(topic.removeSubscription("ARC-EVENTS")).toBe(true);
    await clock.runAllTimers();
    await topic.whenIdle();

    expect(subscriber.notifications()).toHaveLength(1);
    expect(topic.pendingDeliveries()).toBe(0);
    expect(topic.listSubscriptions()).toEqual([]);
  });
});

describe("injected faults", () => {
  it("delivers every event twice, with the same id, when duplicateRate is 1", async () => {
    const { topic } = createTopic();
    const subscriber = await Subscriber.start();
    await topic.addSubscription(subscription(subscriber, { duplicateRate: 1 }));

    const event = topic.publish(machineWrite("srv-15"));
    await topic.whenIdle();

    expect(subscriber.notifications()).toHaveLength(2);
    expect(subscriber.events().map((delivered) => delivered.id)).toEqual([event.id, event.id]);
  });

  it("shuffles a batch into a different order, the same one for the same seed", async () => {
    const names = ["srv-a", "srv-b", "srv-c", "srv-d", "srv-e", "srv-f"];
    const deliveredOrder = async (seed: number) => {
      const { topic } = createTopic(seed);
      const subscriber = await Subscriber.start();
      await topic.addSubscription(
        subscription(subscriber, { shuffle: true, maxEventsPerBatch: names.length }),
      );
      for (const name of names) topic.publish(machineWrite(name));
      await topic.whenIdle();
      expect(subscriber.notifications()).toHaveLength(1);
      return subscriber.events().map((event) => event.subject.split("/").pop());
    };

    const first = await deliveredOrder(7);
    const again = await deliveredOrder(7);

    expect([...first].sort()).toEqual(names);
    expect(first).not.toEqual(names);
    expect(again).toEqual(first);
  });

  it("holds events on the clock when shuffleHoldMs is set, mixing separate publishes", async () => {
    const { topic, clock } = createTopic(11);
    const subscriber = await Subscriber.start();
    await topic.addSubscription(subscription(subscriber, { shuffle: true, shuffleHoldMs: 2_000 }));

    const names = ["srv-g", "srv-h", "srv-i", "srv-j", "srv-k"];
    for (const name of names) {
      topic.publish(machineWrite(name));
      await clock.advance(100);
    }
    await topic.whenIdle();
    expect(subscriber.notifications()).toHaveLength(0);

    await clock.advance(2_000);
    await topic.whenIdle();
    const order = subscriber.events().map((event) => event.subject.split("/").pop());
    expect([...order].sort()).toEqual(names);
    expect(order).not.toEqual(names);
  });
});

describe("https endpoints", () => {
  it("trusts a self-signed endpoint only through the subscription's ca option", async () => {
    const tls = await createLoopbackCertificate();
    const { topic } = createTopic();
    const subscriber = await Subscriber.start(cooperative, tls);

    await expect(topic.addSubscription(subscription(subscriber, { name: "untrusted" }))).rejects.toThrow(
      /certificate/,
    );
    await topic.addSubscription(subscription(subscriber, { name: "trusted", ca: tls.cert }));
    topic.publish(machineWrite("srv-16"));
    await topic.whenIdle();

    expect(subscriber.events().map((event) => event.subject)).toEqual([machineId("srv-16")]);
  });
});

/**
 * Fires pending timers one at a time, letting each delivery finish first: advancing past an
 * exchange still in flight would fire its 30 s response timeout.
 */
async function runRetriesToTheEnd(topic: EventGridSystemTopic, clock: VirtualClock): Promise<void> {
  await topic.whenIdle();
  for (let next = clock.nextTimerAt(); next !== undefined; next = clock.nextTimerAt()) {
    await clock.advanceTo(next);
    await topic.whenIdle();
  }
}

/** For the one exchange that is meant to hang: wait (in real time) until the request has arrived. */
async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
