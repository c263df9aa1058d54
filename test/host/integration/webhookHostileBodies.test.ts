// Issue 8: no body posted to the Event Grid webhook makes the host answer 5xx, and the host keeps
// serving afterwards. Bodies are generated (fast-check, fixed seed): deep nesting, huge strings,
// wrong JSON types, bytes that are not UTF-8, wrong content types and event-type headers — all
// through the app's own machineEvents function on the local host.
import fc from "fast-check";

import { type Harness, harnessPerFile } from "../../e2e/onboardingHarness";

const subscriptionId = "00000000-0000-4000-8000-0000000a0821";
let h: Harness;

harnessPerFile({ subscriptionId }, (started) => {
  h = started;
});

const webhook = () => h.host.functionsHost.eventGridWebhookUrl("machineEvents");

async function post(body: string | Uint8Array, contentType?: string, eventType?: string): Promise<number> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers["content-type"] = contentType;
  if (eventType !== undefined) headers["aeg-event-type"] = eventType;
  const response = await fetch(webhook(), { method: "POST", headers, body });
  await response.arrayBuffer();
  return response.status;
}

const nested = (depth: number, open: string, inner: string, close: string) =>
  open.repeat(depth) + inner + close.repeat(depth);

/** An Event Grid resource event with any of its fields replaced by something hostile. */
const hostileEvent = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    topic: fc.oneof(fc.string(), fc.constant(`/subscriptions/${subscriptionId}`)),
    subject: fc.oneof(
      fc.string(),
      fc.constant(
        `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/`,
      ),
      fc.string({ unit: "binary", maxLength: 64 }),
    ),
    eventType: fc.constantFrom(
      "Microsoft.Resources.ResourceWriteSuccess",
      "Microsoft.Resources.ResourceDeleteSuccess",
      "Microsoft.EventGrid.SubscriptionValidationEvent",
      "",
    ),
    eventTime: fc.oneof(fc.string(), fc.constant("9999-99-99T99:99:99Z")),
    data: fc.anything({ maxDepth: 6 }),
    dataVersion: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  // Deep nesting: arrays, objects, and inside an event's data, past Json.NET's 64 and past the stack.
  fc
    .tuple(fc.integer({ min: 60, max: 30_000 }), fc.constantFrom("array", "object", "data"))
    .map(([depth, kind]) =>
      kind === "array"
        ? nested(depth, "[", "", "]")
        : kind === "object"
          ? nested(depth, '{"a":', "1", "}")
          : `[{"id":"x","eventType":"Microsoft.Resources.ResourceWriteSuccess","data":${nested(depth, "[", "0", "]")}}]`,
    ),
  // Huge strings, in a field the app reads.
  fc
    .integer({ min: 100_000, max: 3_000_000 })
    .map((size) =>
      JSON.stringify([
        { id: "big", eventType: "Microsoft.Resources.ResourceWriteSuccess", subject: "x".repeat(size) },
      ]),
    ),
  // Wrong types anywhere, one event or a batch.
  fc.array(hostileEvent, { maxLength: 5 }).map((events) => JSON.stringify(events)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  // Not UTF-8, not JSON.
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: "binary", maxLength: 256 }),
);

const contentType = fc.option(
  fc.constantFrom(
    "application/json",
    "application/cloudevents-batch+json; charset=utf-8",
    "text/plain",
    "application/xml",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "",
  ),
  { nil: undefined },
);

const eventType = fc.option(
  fc.constantFrom("Notification", "SubscriptionValidation", "Unsubscribe", "notification", "Garbage", ""),
  { nil: undefined },
);

test("generated hostile bodies never get a 5xx, and the host keeps serving", async () => {
  const seen: number[] = [];
  await fc.assert(
    fc.asyncProperty(body, contentType, eventType, async (payload, type, aegEventType) => {
      const status = await post(payload, type, aegEventType);
      seen.push(status);
      expect(status).toBeLessThan(500);
    }),
    { numRuns: 150, seed: 0x0a08, endOnFailure: true },
  );
  // Refusals and acknowledgements both happened, so the generators reached both sides.
  expect(seen.some((s) => s >= 400)).toBe(true);
  expect(seen.some((s) => s === 202)).toBe(true);

  // Still serving: a handshake and a real machine event go through afterwards.
  expect(
    await post(
      JSON.stringify([
        {
          id: "v",
          eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
          data: { validationCode: "ok-1" },
        },
      ]),
      "application/json",
      "SubscriptionValidation",
    ),
  ).toBe(200);
  const machineId = h.connect({ name: "after-the-storm" });
  const result = await h.outcome(machineId);
  expect(result.runtimeStatus).toBe("Completed");
}, 60_000);

test("a body nested deeper than Json.NET's 64 levels is a 400 that says so, even 10,000 levels deep", async () => {
  for (const depth of [65, 4_000, 10_000]) {
    const response = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
      body: nested(depth, "[", "", "]"),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/nested deeper than 64 levels/);
  }
  // 64 levels are read (and, not being an event, acknowledged).
  expect(await post(nested(63, "[", "{}", "]"), "application/json", "Notification")).toBe(202);
});
