// A replay request stops starting blobs after its time budget (a blob may hold thousands of
// events; the HTTP trigger must answer within 230 s), and its continuation resumes right after
// the last blob it handled — inside the page, not at the next page — so across requests every blob
// is replayed exactly once, with force too (when marks do not make later requests skip them).
// Blob storage here is a small in-memory container listing in the order given (name order, unless
// a test says otherwise) with numeric markers; the clock is the app's (runtimeClock), advanced as
// each blob is read.
import {
  replayDeadLetters,
  type ReplayReport,
  replayTimeBudgetMs,
} from "../../orchestrations/events/deadLetterReplay";
import type { DeadLetterContainer } from "../../shared/deadLetters/deadLetterContainer";
import { decodeReplayCursor } from "../../shared/deadLetters/replayCursor";
import { installRuntimeClock } from "../../shared/runtimeClock";

const names = ["a/1.json", "a/2.json", "a/3.json", "a/4.json", "a/5.json", "a/6.json", "a/7.json"];
const blobReadMs = replayTimeBudgetMs / 2.5;

let now = Date.UTC(2026, 11, 6);
let uninstall: () => void;
beforeAll(() => {
  uninstall = installRuntimeClock({ now: () => now, sleep: () => Promise.resolve() });
});
afterAll(() => uninstall());

function container(listed: readonly string[] = names): DeadLetterContainer & {
  replays: Map<string, number>;
} {
  const replays = new Map<string, number>();
  const marks = new Map<string, string>();
  return {
    url: "https://example.blob.core.windows.net/eventgrid-deadletters",
    replays,
    listPage: (_prefix, marker, maxBlobs) => {
      const start = marker === undefined ? 0 : Number(marker);
      const page = listed.slice(start, start + maxBlobs).map((name) => ({
        name,
        metadata: {},
        ...(marks.has(name) ? { replayedAt: marks.get(name)! } : {}),
      }));
      const next = start + maxBlobs < listed.length ? String(start + maxBlobs) : undefined;
      return Promise.resolve({ blobs: page, ...(next !== undefined ? { continuation: next } : {}) });
    },
    read: (name) => {
      now += blobReadMs;
      replays.set(name, (replays.get(name) ?? 0) + 1);
      const event = {
        id: `event-${name}`,
        eventType: "Microsoft.Storage.BlobCreated",
        subject: `/blobServices/default/containers/x/blobs/${name}`,
        topic:
          "/subscriptions/00000000-0000-4000-8000-0000000d1402/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s",
        data: { api: "PutBlob" },
        eventTime: "2026-12-01T00:00:00Z",
        dataVersion: "",
        metadataVersion: "1",
        deadLetterReason: "MaxDeliveryAttemptsExceeded",
      };
      return Promise.resolve(new TextEncoder().encode(JSON.stringify([event])));
    },
    markReplayed: (blob, at) => {
      marks.set(blob.name, at);
      return Promise.resolve();
    },
  };
}

const unusedClient = {
  getStatus: () => Promise.reject(new Error("no durable call expected for a BlobCreated event")),
  startNew: () => Promise.reject(new Error("no durable call expected")),
  terminate: () => Promise.reject(new Error("no durable call expected")),
};
const log = { log: () => undefined, warn: () => undefined, debug: () => undefined };

async function replayAll(
  force: boolean,
  store = container(),
  maxBlobsOf: (request: number) => number = () => 5,
): Promise<{ reports: ReplayReport[]; replays: Map<string, number> }> {
  const reports: ReplayReport[] = [];
  let continuation: string | undefined;
  do {
    const decoded = continuation === undefined ? undefined : decodeReplayCursor(continuation, undefined);
    if (decoded !== undefined && "problem" in decoded) throw new Error(decoded.problem);
    const report = await replayDeadLetters(
      store,
      unusedClient,
      {
        maxBlobs: maxBlobsOf(reports.length),
        dryRun: false,
        force,
        ...(decoded !== undefined ? { cursor: decoded.cursor } : {}),
      },
      log,
    );
    reports.push(report);
    continuation = report.continuation;
  } while (continuation !== undefined && reports.length < 10);
  return { reports, replays: store.replays };
}

test.each([false, true])(
  "force %s: each request stops after its budget and every blob is replayed once",
  async (force) => {
    const { reports, replays } = await replayAll(force);
    // Page 1 (5 blobs) takes two requests: 3 blobs fill the budget, the rest of the page follows;
    // page 2 (2 blobs) fits in one.
    expect(reports.map((report) => report.blobs.map((blob) => blob.name))).toEqual([
      ["a/1.json", "a/2.json", "a/3.json"],
      ["a/4.json", "a/5.json"],
      ["a/6.json", "a/7.json"],
    ]);
    expect(reports.map((report) => report.stoppedForTime)).toEqual([true, undefined, undefined]);
    expect([...replays.entries()]).toEqual(names.map((name) => [name, 1]));
    expect(
      reports.flatMap((report) => report.blobs.flatMap((blob) => blob.events.map((e) => e.outcome))),
    ).toEqual(names.map(() => "ignored"));
  },
);

test("a request always handles at least one blob, however slow", async () => {
  const store = container();
  const slowRead = store.read;
  store.read = (name) => {
    now += replayTimeBudgetMs * 3;
    return slowRead(name);
  };
  const report = await replayDeadLetters(
    store,
    unusedClient,
    { maxBlobs: 5, dryRun: false, force: false },
    log,
  );
  expect(report.blobs.map((blob) => blob.name)).toEqual(["a/1.json"]);
  expect(report.stoppedForTime).toBe(true);
  expect(decodeReplayCursor(report.continuation!, undefined)).toEqual({ cursor: { after: "a/1.json" } });
});

test("a smaller maxBlobs after a stop: the pages before the stopped blob replay nothing again", async () => {
  // The first request stops after a/3 in a page of 5; the next ones list 2 at a time from the
  // same marker, so the first of them holds only blobs already handled.
  const { reports, replays } = await replayAll(true, container(), (request) => (request === 0 ? 5 : 2));
  expect(reports.map((report) => report.blobs.map((blob) => blob.name))).toEqual([
    ["a/1.json", "a/2.json", "a/3.json"],
    [],
    ["a/4.json"],
    ["a/5.json", "a/6.json"],
    ["a/7.json"],
  ]);
  expect([...replays.entries()].sort()).toEqual(names.map((name) => [name, 1]));
});

test("a listing not in byte order: the continuation resumes after the last blob in the page's own order", async () => {
  // "-" sorts before "/" by bytes, yet this store lists "A/…" first (as a listing by path segment would).
  const listed = ["A/1.json", "A/2.json", "A/3.json", "A-B/1.json", "A-B/2.json"];
  const { reports, replays } = await replayAll(true, container(listed));
  expect(reports.map((report) => report.blobs.map((blob) => blob.name))).toEqual([
    ["A/1.json", "A/2.json", "A/3.json"],
    ["A-B/1.json", "A-B/2.json"],
  ]);
  expect([...replays.entries()]).toEqual(listed.map((name) => [name, 1]));
});
