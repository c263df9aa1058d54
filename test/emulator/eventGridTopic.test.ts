// The emulator's Event Grid custom topic endpoint, driven by @azure/eventgrid's own
// EventGridPublisherClient as the app publishes its outcome events: what arrives, both ways to
// authenticate, Event Grid's answers to bad requests, and that none of it is an ARM exchange.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";
import {
  AzureKeyCredential,
  EventGridPublisherClient,
  type InputSchema,
  type SendEventGridEventInput,
} from "@azure/eventgrid";

import { VirtualClock } from "../../local/clock";
import { type Emulator, startEmulator } from "../../local/emulator";
import { localPrincipal } from "../../local/emulator/principal";

const machineId =
  "/subscriptions/00000000-0000-4000-8000-00000000e001/resourceGroups/rg-arc/providers/Microsoft.HybridCompute/machines/web-01";
const eventsPath = (topic: string, query = "?api-version=2018-01-01") =>
  `/eventgrid/topics/${topic}/api/events${query}`;

function outcome(id: string, eventTime: Date): SendEventGridEventInput<Record<string, unknown>> {
  return {
    id,
    eventType: "ArcAutopilot.MachineOnboarded",
    subject: machineId,
    dataVersion: "1.0",
    eventTime,
    data: { machineId, outcome: "onboarded", steps: ["gateway", "ssh"] },
  };
}

function publisher<T extends InputSchema>(
  emulator: Emulator,
  topic: string,
  schema: T,
  credential: TokenCredential | AzureKeyCredential,
): EventGridPublisherClient<T> {
  return new EventGridPublisherClient(emulator.topicEndpoint(topic), schema, credential, {
    tlsOptions: { ca: emulator.caPem },
    retryOptions: { maxRetries: 0 },
  });
}

/** The emulator's credential, remembering which scopes it was asked for. */
function recordingCredential(inner: TokenCredential): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken(requested: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      scopes.push(...(Array.isArray(requested) ? requested : [requested]));
      return inner.getToken(requested, options);
    },
  };
}

describe("an Event Grid custom topic on the emulator", () => {
  let clock: VirtualClock;
  let emulator: Emulator;

  afterEach(() => emulator.close());

  describe("publishing", () => {
    beforeEach(async () => {
      clock = new VirtualClock();
      emulator = await startEmulator({ clock, seed: 1, throttling: false });
    });

    test("events sent with a bearer token arrive in topicEvents with their fields, received on the emulator's clock", async () => {
      const credential = recordingCredential(emulator.credential);
      const client = publisher(emulator, "outcomes", "EventGrid", credential);
      const eventTime = new Date(clock.now() - 5_000);
      await clock.advance(1_500);

      await client.send([outcome("e1", eventTime), { ...outcome("e2", eventTime), data: {} }]);

      expect(credential.scopes).toEqual(["https://eventgrid.azure.net/.default"]);
      expect(emulator.topicEndpoint("outcomes")).toBe(`${emulator.url}/eventgrid/topics/outcomes/api/events`);
      const received = emulator.topicEvents("outcomes");
      expect(received).toEqual([
        {
          topic: "outcomes",
          schema: "EventGridSchema",
          receivedAt: new Date(clock.now()).toISOString(),
          authenticatedBy: "bearer",
          principalId: localPrincipal.objectId,
          event: {
            id: "e1",
            eventType: "ArcAutopilot.MachineOnboarded",
            subject: machineId,
            dataVersion: "1.0",
            eventTime: eventTime.toISOString(),
            data: { machineId, outcome: "onboarded", steps: ["gateway", "ssh"] },
          },
        },
        expect.objectContaining({ event: expect.objectContaining({ id: "e2", data: {} }) as unknown }),
      ]);
      // Topic names are case-insensitive, as the host names of real topics are.
      expect(emulator.topicEvents("OUTCOMES")).toEqual(received);
      expect(emulator.topicEvents("other-topic")).toEqual([]);

      const admin = await emulator.request("GET", "/_emulator/topics/outcomes/events");
      expect(admin.status).toBe(200);
      expect(admin.body).toEqual({ endpoint: emulator.topicEndpoint("outcomes"), value: received });
      const badName = await emulator.request("GET", "/_emulator/topics/x/events");
      expect(badName.status).toBe(400);
    });

    test("the topic's key authenticates through aeg-sas-key; keys differ per topic and repeat with the seed", async () => {
      const key = emulator.topicKey("outcomes");
      expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(emulator.topicKey("Outcomes")).toBe(key);
      expect(emulator.topicKey("other-topic")).not.toBe(key);

      await publisher(emulator, "outcomes", "EventGrid", new AzureKeyCredential(key)).send([
        outcome("k1", new Date(clock.now())),
      ]);

      expect(emulator.topicEvents("outcomes")).toEqual([
        expect.objectContaining({
          authenticatedBy: "aeg-sas-key",
          event: expect.objectContaining({ id: "k1" }) as unknown,
        }),
      ]);
      expect(emulator.topicEvents("outcomes")[0]).not.toHaveProperty("principalId");

      const sameSeed = await startEmulator({ clock: new VirtualClock(), seed: 1, trafficLog: null });
      const otherSeed = await startEmulator({ clock: new VirtualClock(), seed: 2, trafficLog: null });
      try {
        expect(sameSeed.topicKey("outcomes")).toBe(key);
        expect(otherSeed.topicKey("outcomes")).not.toBe(key);
      } finally {
        await Promise.all([sameSeed.close(), otherSeed.close()]);
      }
    });

    test("CloudEvents 1.0 batches are accepted too, and a topic keeps the input schema of its first publish", async () => {
      await publisher(emulator, "cloud-outcomes", "CloudEvent", emulator.credential).send([
        {
          id: "c1",
          type: "ArcAutopilot.MachineOnboarded",
          source: "/arc-autopilot",
          subject: machineId,
          time: new Date(clock.now()),
          data: { outcome: "onboarded" },
        },
      ]);
      expect(emulator.topicEvents("cloud-outcomes")).toEqual([
        expect.objectContaining({
          schema: "CloudEventSchemaV1_0",
          event: expect.objectContaining({
            specversion: "1.0",
            id: "c1",
            type: "ArcAutopilot.MachineOnboarded",
            source: "/arc-autopilot",
            data: { outcome: "onboarded" },
          }) as unknown,
        }),
      ]);

      const mixed = publisher(emulator, "cloud-outcomes", "EventGrid", emulator.credential);
      await expect(mixed.send([outcome("e1", new Date(clock.now()))])).rejects.toMatchObject({
        statusCode: 400,
        code: "BadRequest",
        message: expect.stringContaining("CloudEventSchemaV1_0") as string,
      });
      expect(emulator.topicEvents("cloud-outcomes")).toHaveLength(1);
    });
  });

  describe("refusing what Event Grid refuses", () => {
    beforeEach(async () => {
      clock = new VirtualClock();
      emulator = await startEmulator({ clock, seed: 1, throttling: false, trafficLog: null });
    });

    test("a wrong key is a 401 the SDK surfaces as a RestError, and nothing is stored", async () => {
      const client = publisher(emulator, "outcomes", "EventGrid", new AzureKeyCredential("d3Jvbmcta2V5"));
      const failure = await client.send([outcome("e1", new Date(clock.now()))]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(RestError);
      expect(failure).toMatchObject({
        statusCode: 401,
        code: "Unauthorized",
        message: expect.stringContaining("outcomes") as string,
      });
      // Another topic's key is just as wrong.
      const otherKey = new AzureKeyCredential(emulator.topicKey("other-topic"));
      await expect(
        publisher(emulator, "outcomes", "EventGrid", otherKey).send([outcome("e2", new Date(clock.now()))]),
      ).rejects.toMatchObject({ statusCode: 401 });
      expect(emulator.topicEvents("outcomes")).toEqual([]);
    });

    test("a request without a key or token is a 401 in Event Grid's envelope", async () => {
      const response = await emulator.request("POST", eventsPath("outcomes"), [], { token: null });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        error: { code: "Unauthorized", message: expect.stringContaining("aeg-sas-key") as string },
      });
    });

    const valid = {
      id: "e1",
      subject: "s",
      eventType: "T",
      eventTime: "2026-01-01T00:00:00Z",
      dataVersion: "1",
    };
    const withoutField = (field: string) => [
      Object.fromEntries(Object.entries({ ...valid, data: {} }).filter(([name]) => name !== field)),
    ];

    test.each([
      ["a body that is not JSON", { rawBody: "[{not json" }, /not valid JSON/],
      ["an empty body", { rawBody: "" }, /not valid JSON: the body is empty/],
      ["a single event instead of an array", { body: { ...valid, data: {} } }, /must be a JSON array/],
      ["an empty array", { body: [] }, /at least one event/],
      ["an event without data", { body: [valid] }, /events\[0\]\.data: data is required/],
      [
        "an event without subject",
        { body: withoutField("subject") },
        /events\[0\]\.subject: subject is required/,
      ],
      ["an event without id", { body: withoutField("id") }, /events\[0\]\.id: id is required/],
      ["an event without eventType", { body: withoutField("eventType") }, /events\[0\]\.eventType/],
      ["an event without dataVersion", { body: withoutField("dataVersion") }, /events\[0\]\.dataVersion/],
      [
        "an eventTime that is not ISO 8601",
        { body: [{ ...valid, data: {}, eventTime: "yesterday" }] },
        /events\[0\]\.eventTime/,
      ],
      [
        "a second event with a numeric id",
        {
          body: [
            { ...valid, data: {} },
            { ...valid, id: 7, data: {} },
          ],
        },
        /events\[1\]\.id/,
      ],
      [
        "a content type that is not JSON",
        { body: [{ ...valid, data: {} }], headers: { "content-type": "text/plain" } },
        /content type 'text\/plain' is not supported/,
      ],
      [
        "an unknown api-version",
        { body: [{ ...valid, data: {} }], query: "?api-version=2024-06-01" },
        /2018-01-01/,
      ],
      [
        "no api-version",
        { body: [{ ...valid, data: {} }], query: "" },
        /api-version query parameter is required/,
      ],
    ])("%s is a 400 with the reason", async (_case, request, reason) => {
      const { body, rawBody, headers, query } = request as {
        body?: unknown;
        rawBody?: string;
        headers?: Record<string, string>;
        query?: string;
      };
      const response = await emulator.request("POST", eventsPath("outcomes", query), body, {
        ...(rawBody === undefined ? {} : { rawBody }),
        ...(headers ? { headers } : {}),
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: { code: "BadRequest", message: expect.any(String) as string } });
      expect((response.body as { error: { message: string } }).error.message).toMatch(reason);
      expect(emulator.topicEvents("outcomes")).toEqual([]);
    });

    test("a batch over 1 MB is 413; a bad topic name or path is 404; other methods are 405", async () => {
      const big = [{ ...valid, data: { blob: "x".repeat(1024 * 1024) } }];
      expect((await emulator.request("POST", eventsPath("outcomes"), big)).status).toBe(413);
      expect((await emulator.request("POST", eventsPath("ab"), [])).status).toBe(404);
      expect((await emulator.request("POST", eventsPath("bad_name"), [])).status).toBe(404);
      expect(
        (await emulator.request("POST", "/eventgrid/topics/outcomes/events?api-version=2018-01-01")).status,
      ).toBe(404);
      const get = await emulator.request("GET", eventsPath("outcomes"));
      expect(get.status).toBe(405);
      expect(get.body).toMatchObject({ error: { code: "MethodNotAllowed" } });
    });
  });

  test("no topic exchange reaches exchanges() or the traffic log; ARM exchanges still do", async () => {
    clock = new VirtualClock();
    const logFile = join(tmpdir(), `arc-topic-traffic-${process.pid}-${Date.now()}.jsonl`);
    emulator = await startEmulator({ clock, seed: 1, throttling: false, trafficLog: logFile });

    await publisher(emulator, "outcomes", "EventGrid", emulator.credential).send([
      outcome("e1", new Date(clock.now())),
    ]);
    await emulator.request("POST", eventsPath("outcomes"), { not: "an array" });
    await emulator.request("POST", eventsPath("outcomes"), [], { token: null });
    const arm = await emulator.request(
      "GET",
      "/subscriptions/00000000-0000-4000-8000-00000000e001/providers/Microsoft.HybridCompute?api-version=2025-04-01",
    );
    expect(arm.status).toBe(200);

    expect(emulator.topicEvents("outcomes")).toHaveLength(1);
    expect(emulator.exchanges().map((exchange) => new URL(exchange.url).pathname)).toEqual([
      "/subscriptions/00000000-0000-4000-8000-00000000e001/providers/Microsoft.HybridCompute",
    ]);
    const logged = readFileSync(logFile, "utf8").trim().split("\n");
    expect(logged).toHaveLength(1);
    expect(logged.join("\n")).not.toContain("/eventgrid/");
  });
});
