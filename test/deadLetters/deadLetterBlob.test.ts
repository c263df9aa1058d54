// Reading one dead-letter blob (shared/deadLetters/deadLetterBlob.ts) and the container setting
// (ARC_DEAD_LETTER_CONTAINER_URL): what is refused, and why, without Azurite.
import { readSettings } from "../../shared/config";
import { maxDeadLetterBlobBytes, readDeadLetterBlob } from "../../shared/deadLetters/deadLetterBlob";

const bytes = (text: string) => new TextEncoder().encode(text);

test("an Event Grid dead letter: the event as first delivered, with why Event Grid gave up", () => {
  const content = readDeadLetterBlob(
    bytes(
      JSON.stringify([
        {
          id: "e-1",
          eventType: "Microsoft.Resources.ResourceWriteSuccess",
          subject: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m",
          data: {},
          deadLetterReason: "MaxDeliveryAttemptsExceeded",
          deliveryAttempts: 30,
          lastDeliveryOutcome: "TimedOut",
          lastHttpStatusCode: 408,
          publishTime: "2026-12-06T05:00:00.0000000Z",
          lastDeliveryAttemptTime: "2026-12-06T06:00:00.0000000Z",
        },
        {
          id: "c-1",
          specversion: "1.0",
          type: "t",
          source: "s",
          deadletterreason: "Ttl",
          deliveryattempts: 2,
        },
      ]),
    ),
  );
  expect(content).toEqual({
    readable: true,
    events: [
      {
        event: {
          id: "e-1",
          eventType: "Microsoft.Resources.ResourceWriteSuccess",
          subject: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m",
          data: {},
        },
        id: "e-1",
        type: "Microsoft.Resources.ResourceWriteSuccess",
        subject: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m",
        deadLetterReason: "MaxDeliveryAttemptsExceeded",
        deliveryAttempts: 30,
      },
      {
        event: { id: "c-1", specversion: "1.0", type: "t", source: "s" },
        id: "c-1",
        type: "t",
        deadLetterReason: "Ttl",
        deliveryAttempts: 2,
      },
    ],
  });
});

test("unreadable blobs say why; nothing throws", () => {
  const reasonOf = (data: Uint8Array) => {
    const content = readDeadLetterBlob(data);
    return content.readable ? "readable" : content.reason;
  };
  expect(reasonOf(bytes("{ not json"))).toContain("not JSON");
  expect(reasonOf(new Uint8Array([0xff, 0xfe, 0x00]))).toContain("not UTF-8");
  expect(reasonOf(bytes("[]"))).toContain("empty array");
  expect(reasonOf(new Uint8Array(maxDeadLetterBlobBytes + 1))).toContain("more than");
  expect(reasonOf(bytes(JSON.stringify(new Array(5001).fill({}))))).toContain("5000");
  // A lone object or a non-object item is still read: the handler reports it as it would a delivery.
  expect(reasonOf(bytes('\uFEFF{"id":"x"}'))).toBe("readable");
  expect(readDeadLetterBlob(bytes("[42]"))).toEqual({ readable: true, events: [{ event: 42 }] });
});

test("ARC_DEAD_LETTER_CONTAINER_URL: a container's https URL, path-style only on loopback; a SAS is never echoed", () => {
  const read = (value: string) =>
    readSettings({ ARC_DEAD_LETTER_CONTAINER_URL: value }).ARC_DEAD_LETTER_CONTAINER_URL;
  expect(read("")).toBeUndefined();
  expect(read("https://mystorage.blob.core.windows.net/eventgrid-deadletters/")).toBe(
    "https://mystorage.blob.core.windows.net/eventgrid-deadletters",
  );
  expect(read("https://127.0.0.1:10000/devstoreaccount1/dead-letters")).toBe(
    "https://127.0.0.1:10000/devstoreaccount1/dead-letters",
  );
  for (const refused of [
    "http://mystorage.blob.core.windows.net/eventgrid-deadletters",
    "http://127.0.0.1:10000/devstoreaccount1/dead-letters",
    "https://mystorage.blob.core.windows.net/account/eventgrid-deadletters",
    "https://mystorage.blob.core.windows.net/",
    "https://mystorage.blob.core.windows.net/Bad_Name",
    "https://user:pw@mystorage.blob.core.windows.net/eventgrid-deadletters",
    "not a url",
  ]) {
    expect(() => read(refused)).toThrow(
      /ARC_DEAD_LETTER_CONTAINER_URL .*must be a blob container's https URL/,
    );
  }
  const sas = "https://s.blob.core.windows.net/c?sv=2024-01-01&sig=c2VjcmV0";
  expect(() => read(sas)).toThrow(/value hidden/);
  expect(() => read(sas)).not.toThrow(/sig=/);
  // Refused, and its credential not echoed either: a password in the URL, a connection string.
  for (const [credential, secret] of [
    ["https://user:pw-secret@mystorage.blob.core.windows.net/eventgrid-deadletters", "pw-secret"],
    ["DefaultEndpointsProtocol=https;AccountName=mystorage;AccountKey=a2V5LXNlY3JldA==", "a2V5"],
  ] as const) {
    expect(() => read(credential)).toThrow(/value hidden/);
    expect(() => read(credential)).not.toThrow(secret);
  }
});
