// Issue 14: the dead-letter replay runbook against Azurite — a real blob API, started here on
// loopback — with the whole app on the local host and the ARM emulator. Dead-letter blobs are
// written in Event Grid's shape (a JSON array of events in the delivery schema, each with the
// dead-letter fields) around the event the emulator would have delivered for a machine that joined
// while the webhook was failing. The app reads them with its own managed-identity path (the local
// host's identity endpoint, a bearer token Azurite checks), over TLS it trusts through
// ARC_TRUSTED_CA_FILE. Done when: a replayed write onboards its machine; a replayed duplicate does
// nothing twice.
import { randomUUID } from "node:crypto";

import { ContainerClient } from "@azure/storage-blob";

import { endpointIdOf, sshConfigurationIdOf } from "../../local/emulator/behindTheBack";
import { buildResourceEvent } from "../../local/emulator/eventGrid/resourceEvents";
import { emulatorCredential } from "../../local/emulator/principal";
import { connectMachine } from "../../local/emulator/providers/hybridCompute/machines";
import type { ResourceEventInput } from "../../local/emulator/types";
import type { ReplayReport } from "../../orchestrations/events/deadLetterReplay";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import { type RunbookHost, startRunbookHost } from "../runbooks/runbookHost";
import { type Azurite, startAzurite } from "./azurite";

const subscriptionId = "00000000-0000-4000-8000-0000000d1401";
const containerName = "eventgrid-deadletters";
const route = "events/dead-letters/replay";

let azurite: Azurite;
let h: RunbookHost;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  container = azurite.adminContainer(containerName);
  await container.create();
  h = await startRunbookHost({
    subscriptionId,
    appSettings: {
      ARC_DEAD_LETTER_CONTAINER_URL: `${azurite.accountUrl}/${containerName}`,
      ARC_TRUSTED_CA_FILE: azurite.caFile,
    },
  });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await azurite?.stop();
});

/** A machine joins while the webhook is down: it exists, and its write event is what Event Grid kept. */
function joinUndelivered(name: string): { machineId: string; event: Record<string, unknown> } {
  const emulator = h.host.emulator!;
  const published: ResourceEventInput[] = [];
  const body = connectMachine(
    { ...emulator.context(), publish: (event) => published.push(event) },
    {
      subscriptionId,
      resourceGroup: "rg-fleet",
      name,
      location: "eastus",
      agentVersion: "1.55.02941.1840",
      osType: "linux",
      osName: "Ubuntu",
      osVersion: "22.04",
    },
  );
  const write = published.find((event) => event.kind === "write")!;
  // Event Grid gave up on it an hour ago, after retrying for a while.
  const event = buildResourceEvent(write, {
    random: emulator.context().random,
    now: h.clock.now() - 3_600_000,
  });
  return { machineId: String(body.id), event: event as unknown as Record<string, unknown> };
}

function deadLettered(event: Record<string, unknown>): Record<string, unknown> {
  const at = new Date(h.clock.now() - 600_000).toISOString();
  return {
    ...event,
    deadLetterReason: "MaxDeliveryAttemptsExceeded",
    deliveryAttempts: 30,
    lastDeliveryOutcome: "TimedOut",
    lastHttpStatusCode: 408,
    publishTime: event.eventTime,
    lastDeliveryAttemptTime: at,
  };
}

/** Event Grid's blob name: `{TOPIC}/{SUBSCRIPTION}/{yyyy}/{m}/{d}/{h}/{guid}.json` (not zero-padded). */
function blobName(): string {
  const day = new Date(h.clock.now());
  return `ARC-TOPIC/ARC-MACHINE-EVENTS/${day.getUTCFullYear()}/${day.getUTCMonth() + 1}/${day.getUTCDate()}/${day.getUTCHours()}/${randomUUID()}.json`;
}

async function upload(name: string, content: string): Promise<void> {
  await container.getBlockBlobClient(name).upload(content, Buffer.byteLength(content));
}

async function replay(body: unknown): Promise<{ status: number; report: ReplayReport }> {
  const answer = await h.call(route, { method: "POST", body });
  return { status: answer.status, report: answer.body as ReplayReport };
}

const armWrites = (from: number) =>
  h.host
    .traffic()
    .slice(from)
    .filter((exchange) => exchange.method !== "GET");

test("replayed dead letters: a write onboards its machine, a duplicate does nothing twice, bad blobs are reported", async () => {
  const { machineId, event } = joinUndelivered("dl-web-01");
  const sameEventBlobs = [blobName(), blobName()];
  for (const name of sameEventBlobs) await upload(name, JSON.stringify([deadLettered(event)]));
  const notJson = blobName();
  await upload(notJson, "{ this is not json");
  const otherEvents = blobName();
  await upload(
    otherEvents,
    JSON.stringify([
      deadLettered({
        id: randomUUID(),
        eventType: "Microsoft.Storage.BlobCreated",
        eventTime: new Date(h.clock.now()).toISOString(),
        subject: "/blobServices/default/containers/x/blobs/y.txt",
        topic: `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s`,
        data: { api: "PutBlob" },
        dataVersion: "",
        metadataVersion: "1",
      }),
      42,
    ]),
  );

  // A dry run reads and reports, and starts and marks nothing.
  const dry = await replay({ dryRun: true });
  expect(dry.status).toBe(200);
  expect(dry.report).toMatchObject({
    dryRun: true,
    blobsListed: 4,
    blobsMarked: 0,
    blobsUnreadable: 1,
    eventsFound: 4,
  });
  expect(dry.report.outcomes).toEqual({ notReplayed: 4 });
  expect(h.host.statuses().length).toBe(0);

  // Two pages of two: the continuation carries the listing on.
  const first = await replay({ maxBlobs: 2 });
  expect(first.status).toBe(200);
  expect(first.report.continuation).toEqual(expect.any(String));
  const second = await replay({ maxBlobs: 2, continuation: first.report.continuation });
  expect(second.status).toBe(200);
  expect(second.report.continuation).toBeUndefined();
  const blobs = [...first.report.blobs, ...second.report.blobs];
  const byName = new Map(blobs.map((blob) => [blob.name, blob]));
  expect(blobs.map((blob) => blob.name).sort()).toEqual([...sameEventBlobs, notJson, otherEvents].sort());

  // The same event in two blobs: one onboarding started, the other found it running.
  const machineOutcomes = sameEventBlobs.map((name) => byName.get(name)!.events.map((e) => e.outcome)).flat();
  expect(machineOutcomes.sort()).toEqual(["alreadyRunning", "started"]);
  expect(byName.get(sameEventBlobs[0]!)!.events[0]).toMatchObject({
    id: event.id,
    type: "Microsoft.Resources.ResourceWriteSuccess",
    subject: machineId,
    machineId,
    instanceId: machineInstanceId(machineId),
    deadLetterReason: "MaxDeliveryAttemptsExceeded",
    deliveryAttempts: 30,
  });
  expect(byName.get(notJson)).toMatchObject({
    status: "unreadable",
    reason: expect.stringContaining("not JSON") as unknown,
  });
  expect(byName.get(otherEvents)!.events.map((e) => [e.type, e.outcome])).toEqual([
    ["Microsoft.Storage.BlobCreated", "ignored"],
    [undefined, "malformed"],
  ]);
  expect(first.report.blobsMarked + second.report.blobsMarked).toBe(3);

  // The replayed write onboards the machine: gateway link, endpoint, SSH configuration.
  const outcome = await h.outcome(machineId);
  expect(outcome.outcome).toBe("onboarded");
  const state = h.host.emulator!.state;
  const settings = state.getResource(`${machineId}/providers/Microsoft.HybridCompute/settings/default`);
  expect(settings?.body).toMatchObject({
    properties: { gatewayProperties: { gatewayResourceId: expect.any(String) as unknown } },
  });
  expect(state.getResource(endpointIdOf(machineId))).toBeDefined();
  expect(state.getResource(sshConfigurationIdOf(machineId))).toBeDefined();
  const marked = (await container.getBlobClient(sameEventBlobs[0]!).getProperties()).metadata ?? {};
  expect(marked.replayedat).toEqual(expect.any(String));

  // Again: marked blobs are skipped, the unreadable one is reported again; nothing starts.
  const trafficMark = h.host.traffic().length;
  const again = await replay({});
  expect(again.report).toMatchObject({
    blobsListed: 4,
    blobsAlreadyReplayed: 3,
    blobsUnreadable: 1,
    eventsFound: 0,
  });
  // Forced: the handler sees the event again, finds the run that began after it, and starts nothing.
  const forced = await replay({ force: true, prefix: "ARC-TOPIC/ARC-MACHINE-EVENTS/" });
  expect(forced.report.outcomes).toMatchObject({ alreadyCovered: 2, ignored: 1, malformed: 1 });
  await h.host.runUntilIdle();
  expect(armWrites(trafficMark)).toEqual([]);
  expect(h.host.statuses().filter((s) => s.instanceId === machineInstanceId(machineId)).length).toBe(1);

  // No token of the app's reached its log.
  expect(JSON.stringify(h.log.entries)).not.toMatch(/eyJhbGciOi|Bearer /);
}, 60_000);

test("Azurite checks the token's audience: an ARM token is refused, so the app's storage token is the one that counts", async () => {
  const client = new ContainerClient(`${azurite.accountUrl}/${containerName}`, emulatorCredential(), {
    tlsOptions: { ca: azurite.caPem },
    retryOptions: { maxTries: 1 },
  } as ConstructorParameters<typeof ContainerClient>[2]);
  await expect(client.getProperties()).rejects.toMatchObject({
    statusCode: 403,
    code: "AuthenticationFailed",
  });
});

test("bad request bodies: 400 naming the field, nothing read", async () => {
  for (const [body, field] of [
    [{ maxBlobs: 0 }, "body.maxBlobs"],
    [{ maxBlobs: 10_000 }, "body.maxBlobs"],
    [{ maxBlobs: 1.5 }, "body.maxBlobs"],
    [{ prefix: "/leading-slash" }, "body.prefix"],
    [{ prefix: "" }, "body.prefix"],
    [{ force: "yes" }, "body.force"],
    [{ continuation: 7 }, "body.continuation"],
    // Not one the runbook gave (a storage marker, garbage), or given for another prefix.
    [{ continuation: "2!80!MDAwMDA0IWJsb2I-" }, "continuation"],
    [{ continuation: Buffer.from('{"v":2}').toString("base64url") }, "continuation"],
    [{ continuation: Buffer.from('{"v":1,"prefix":"A/"}').toString("base64url") }, "continuation"],
    [{ continuation: Buffer.from('{"v":1}').toString("base64url"), prefix: "A/" }, "continuation"],
    [{ replayAll: true }, "body.replayAll"],
  ] as const) {
    const answer = await h.call(route, { method: "POST", body });
    expect({
      body,
      status: answer.status,
      field: (answer.body as { error?: { field?: string } }).error?.field,
    }).toEqual({
      body,
      status: 400,
      field,
    });
  }
});
