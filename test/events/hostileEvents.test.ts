import type { MachineEvent } from "../../shared/events/machineEvent";
import { maxEventsPerDelivery, toMachineEvent, toMachineEvents } from "../../shared/events/toMachineEvent";

const machineId = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/web-01";

function event(data: unknown, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "e1",
    topic: "/subscriptions/s1",
    subject: machineId,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: "2025-05-01T10:00:00Z",
    dataVersion: "2",
    metadataVersion: "1",
    data,
    ...envelope,
  };
}

const goodData = { resourceUri: machineId, operationName: "Microsoft.HybridCompute/machines/write" };
const megabyte = "x".repeat(1024 * 1024);

function expectMalformed(result: MachineEvent, reason: RegExp): void {
  expect(result.kind).toBe("malformed");
  expect(result).toMatchObject({ reason: expect.stringMatching(reason) as unknown });
  // A reason never carries a hostile payload back into logs.
  expect(JSON.stringify(result).length).toBeLessThan(2000);
}

describe("hostile and broken payloads are malformed, never thrown", () => {
  test.each<[string, unknown, RegExp]>([
    ["null", null, /must be a JSON object, not null/],
    ["a number", 42, /not a number/],
    ["a string", "hello", /not a string/],
    ["a nested array", [[event(goodData)]], /not an array/],
    ["an empty object", {}, /Neither an Event Grid event/],
    [
      "an Event Grid event without data",
      { ...event(goodData), data: undefined },
      /missing required property 'data'/,
    ],
    [
      "an Event Grid event of metadataVersion 2",
      event(goodData, { metadataVersion: "2" }),
      /not in the Event Grid schema/,
    ],
    ["an Event Grid event without a topic", event(goodData, { topic: undefined }), /topic/],
    [
      "a CloudEvent of specversion 0.3",
      { specversion: "0.3", id: "e", source: "/s", type: "t" },
      /Cloud Event 1\.0/,
    ],
    ["an event with an empty id", event(goodData, { id: "" }), /no id/],
    ["an event id of 1 MB", event(goodData, { id: megabyte }), /longer than 1024/],
    ["data as an array", event([goodData]), /data is invalid/],
    ["data as text that is not JSON", event("not json"), /data is invalid/],
    ["data that is null", event(null), /data is invalid/],
    ["data without operationName", event({ resourceUri: machineId }), /operationName/],
    ["a resourceUri that is a number", event({ ...goodData, resourceUri: 7 }), /resourceUri/],
    [
      "a resourceUri of 1 MB",
      event({ ...goodData, resourceUri: `/subscriptions/${megabyte}` }),
      /resourceUri/,
    ],
    [
      "a resourceUri that is not an id",
      event({ ...goodData, resourceUri: "https://evil.example/x" }),
      /not a resource id/,
    ],
    [
      "a resourceUri with a query",
      event({ ...goodData, resourceUri: `${machineId}?x=1` }),
      /not a resource id/,
    ],
    [
      "a machine write whose resourceUri is not a machine",
      event({
        ...goodData,
        resourceUri: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-01",
      }),
      /operationName is Microsoft.HybridCompute\/machines\/write but data.resourceUri is not an Arc machine/,
    ],
    [
      "a machine write on a machine's child",
      event({ ...goodData, resourceUri: `${machineId}/extensions/x` }),
      /not an Arc machine/,
    ],
    ["an operationName of 1 MB", event({ ...goodData, operationName: megabyte }), /operationName/],
    [
      "an ARN event without resourceInfo",
      event(
        { operationalInfo: {} },
        { eventType: "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated" },
      ),
      /resourceInfo/,
    ],
  ])("%s", async (_story, raw, reason) => {
    expectMalformed(await toMachineEvent(raw), reason);
  });

  test("a subject of 1 MB does not matter: the machine comes from resourceUri", async () => {
    await expect(toMachineEvent(event(goodData, { subject: megabyte }))).resolves.toMatchObject({
      kind: "machineWritten",
      machineId,
    });
  });

  test("claims of 1 MB of JSON text are dropped, the event still counts", async () => {
    const result = await toMachineEvent(event({ ...goodData, claims: JSON.stringify({ appid: megabyte }) }));
    expect(result).toMatchObject({ kind: "machineWritten" });
    expect(result).not.toHaveProperty("caller");
  });

  test("claims that are JSON text of an array, or a number, are absent", async () => {
    await expect(
      toMachineEvent(event({ ...goodData, claims: "[1,2]", authorization: 5 })),
    ).resolves.toMatchObject({
      kind: "machineWritten",
    });
  });

  test("an unparseable event time is dropped, not fatal", async () => {
    const result = await toMachineEvent(event(goodData, { eventTime: "yesterday" }));
    expect(result.kind).toBe("machineWritten");
    expect(result).not.toHaveProperty("eventTime");
  });

  test("data sent as JSON text is read like an object", async () => {
    await expect(toMachineEvent(event(JSON.stringify(goodData)))).resolves.toMatchObject({
      kind: "machineWritten",
    });
  });

  test("prototype keys in data do nothing", async () => {
    const raw = JSON.parse(
      `{"id":"e1","topic":"/subscriptions/s1","subject":"x","eventType":"Microsoft.Resources.ResourceWriteSuccess","eventTime":"2025-05-01T10:00:00Z","dataVersion":"2","metadataVersion":"1","data":{"__proto__":{"resourceUri":"${machineId}"},"operationName":"Microsoft.HybridCompute/machines/write"}}`,
    ) as unknown;
    expectMalformed(await toMachineEvent(raw), /resourceUri/);
    expect(({} as Record<string, unknown>).resourceUri).toBeUndefined();
  });

  test("an object whose getter throws is malformed, not a crash", async () => {
    const raw = event(goodData);
    Object.defineProperty(raw, "data", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expectMalformed(await toMachineEvent(raw), /: boom$/);
  });

  test("deeply nested data is survived", async () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { deep };
    await expect(toMachineEvent(event({ ...goodData, claims: deep }))).resolves.toMatchObject({
      kind: "machineWritten",
    });
  });
});

describe("hostile webhook bodies", () => {
  test("a body that is not JSON is one malformed result", async () => {
    const results = await toMachineEvents("{not json");
    expect(results).toHaveLength(1);
    expectMalformed(results[0]!, /not JSON/);
  });

  test("a body that is not an array is read as one event", async () => {
    await expect(toMachineEvents(JSON.stringify(event(goodData)))).resolves.toMatchObject([
      { kind: "machineWritten" },
    ]);
    expectMalformed((await toMachineEvents(7))[0]!, /not a number/);
  });

  test("an empty array is no events", async () => {
    await expect(toMachineEvents([])).resolves.toEqual([]);
  });

  test("more events than Event Grid ever batches is refused as a whole", async () => {
    const results = await toMachineEvents(new Array(maxEventsPerDelivery + 1).fill(0));
    expect(results).toHaveLength(1);
    expectMalformed(results[0]!, /5001 events, more than Event Grid's 5000/);
  });

  test("a 1 MB string body of garbage is one malformed result", async () => {
    const results = await toMachineEvents(megabyte);
    expect(results).toHaveLength(1);
    expect(results[0]?.kind).toBe("malformed");
  });

  test("every element of a mixed batch is judged on its own", async () => {
    const results = await toMachineEvents([event(goodData), null, event(goodData, { id: "e2" }), "x"]);
    expect(results.map((r) => r.kind)).toEqual([
      "machineWritten",
      "malformed",
      "machineWritten",
      "malformed",
    ]);
  });
});
