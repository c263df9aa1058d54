// Replaying dead-lettered events: one page of blobs of the dead-letter container (at most
// `maxBlobs`), each read and parsed
// defensively, each event handed — as Event Grid delivers one event at a time — to the very
// handler the webhook runs (machineEventHandler.ts), and the blob then marked replayed. Twice is
// harmless by design: a marked blob is skipped unless `force`, and a replayed event whose
// machine's onboarding is running, or began after the event, starts nothing (the starter's own
// dedup). A blob that cannot be read is reported and left unmarked; a failure of the durable
// store stops the request (its blob stays unmarked, so the next replay takes it again). A request
// stops starting blobs once it has run `replayTimeBudgetMs` (a blob may hold thousands of events,
// and the HTTP trigger answers within 230 s); its continuation then resumes after the last blob it
// handled (replayCursor.ts), so no blob is skipped or replayed twice across requests, force or not.
import { type DeadLetteredEvent, readDeadLetterBlob } from "../../shared/deadLetters/deadLetterBlob";
import type { DeadLetterBlobEntry, DeadLetterContainer } from "../../shared/deadLetters/deadLetterContainer";
import { encodeReplayCursor, listedAfter, type ReplayCursor } from "../../shared/deadLetters/replayCursor";
import { runtimeClock } from "../../shared/runtimeClock";
import type { StarterClient } from "../onboardingStarter";
import { type EventLog, type HandledOutcome, handleMachineEvent } from "./machineEventHandler";

export interface ReplayRequest {
  readonly prefix?: string;
  readonly maxBlobs: number;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** Where the previous request stopped (its decoded continuation). */
  readonly cursor?: ReplayCursor;
}

/** How long a request starts new blobs: well inside the HTTP trigger's 230 s answer limit. */
export const replayTimeBudgetMs = 120_000;

export type EventReplayOutcome = HandledOutcome | "notReplayed";

export interface ReplayedEvent {
  readonly id?: string;
  readonly type?: string;
  readonly subject?: string;
  readonly machineId?: string;
  readonly deadLetterReason?: string;
  readonly deliveryAttempts?: number;
  readonly outcome: EventReplayOutcome;
  readonly instanceId?: string;
  readonly reason?: string;
}

export type BlobReplayStatus = "replayed" | "alreadyReplayed" | "unreadable" | "dryRun";

export interface ReplayedBlob {
  readonly name: string;
  readonly status: BlobReplayStatus;
  /** When it was marked replayed (now, or by an earlier replay). */
  readonly replayedAt?: string;
  readonly reason?: string;
  readonly events: readonly ReplayedEvent[];
}

export interface ReplayReport {
  readonly container: string;
  readonly prefix?: string;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly blobsListed: number;
  readonly blobsRead: number;
  readonly blobsMarked: number;
  readonly blobsAlreadyReplayed: number;
  readonly blobsUnreadable: number;
  readonly eventsFound: number;
  /** How many events ended each way. */
  readonly outcomes: Readonly<Partial<Record<EventReplayOutcome, number>>>;
  readonly blobs: readonly ReplayedBlob[];
  /** More blobs remain: send the same request with this `continuation`. */
  readonly continuation?: string;
  /** The request stopped inside its page for its time budget (the continuation resumes there). */
  readonly stoppedForTime?: true;
}

export async function replayDeadLetters(
  container: DeadLetterContainer,
  client: StarterClient,
  request: ReplayRequest,
  log: EventLog,
): Promise<ReplayReport> {
  const startedAt = runtimeClock.now();
  const marker = request.cursor?.marker;
  const page = await container.listPage(request.prefix, marker, request.maxBlobs);
  const after = request.cursor?.after;
  const pending = listedAfter(page.blobs, after);
  const blobs: ReplayedBlob[] = [];
  for (const blob of pending) {
    if (blobs.length > 0 && runtimeClock.now() - startedAt >= replayTimeBudgetMs) break;
    blobs.push(await replayBlob(container, client, blob, request, log));
  }
  const stoppedForTime = blobs.length < pending.length;
  // A page that held nothing new (a smaller maxBlobs than the request that stopped in it) keeps
  // `after`: the next page may still begin with blobs up to it.
  const next: ReplayCursor | undefined = stoppedForTime
    ? { ...(marker !== undefined ? { marker } : {}), after: blobs[blobs.length - 1]!.name }
    : page.continuation !== undefined
      ? { marker: page.continuation, ...(blobs.length === 0 && after !== undefined ? { after } : {}) }
      : undefined;

  const outcomes: Partial<Record<EventReplayOutcome, number>> = {};
  for (const event of blobs.flatMap((blob) => blob.events)) {
    outcomes[event.outcome] = (outcomes[event.outcome] ?? 0) + 1;
  }
  const count = (status: BlobReplayStatus) => blobs.filter((blob) => blob.status === status).length;
  const report: ReplayReport = {
    container: container.url,
    ...(request.prefix !== undefined ? { prefix: request.prefix } : {}),
    dryRun: request.dryRun,
    force: request.force,
    blobsListed: pending.length,
    blobsRead: blobs.length - count("alreadyReplayed"),
    blobsMarked: count("replayed"),
    blobsAlreadyReplayed: count("alreadyReplayed"),
    blobsUnreadable: count("unreadable"),
    eventsFound: blobs.reduce((sum, blob) => sum + blob.events.length, 0),
    outcomes,
    blobs,
    ...(next !== undefined
      ? {
          continuation: encodeReplayCursor({
            ...next,
            ...(request.prefix !== undefined ? { prefix: request.prefix } : {}),
          }),
        }
      : {}),
    ...(stoppedForTime ? { stoppedForTime: true as const } : {}),
  };
  log.log(
    `Dead-letter replay${request.dryRun ? " (dry run)" : ""}: ${report.blobsListed} blobs listed, ` +
      `${report.blobsMarked} replayed, ${report.blobsAlreadyReplayed} already replayed, ` +
      `${report.blobsUnreadable} unreadable, ${report.eventsFound} events` +
      `${stoppedForTime ? "; stopped for time" : ""}${report.continuation ? "; more remain" : ""}`,
  );
  return report;
}

async function replayBlob(
  container: DeadLetterContainer,
  client: StarterClient,
  blob: DeadLetterBlobEntry,
  request: ReplayRequest,
  log: EventLog,
): Promise<ReplayedBlob> {
  if (blob.replayedAt !== undefined && !request.force) {
    return { name: blob.name, status: "alreadyReplayed", replayedAt: blob.replayedAt, events: [] };
  }
  const content = readDeadLetterBlob(await container.read(blob.name));
  if (!content.readable) {
    log.warn(`Dead-letter blob ${blob.name} not replayed: ${content.reason}`);
    return { name: blob.name, status: "unreadable", reason: content.reason, events: [] };
  }
  if (request.dryRun) {
    return {
      name: blob.name,
      status: "dryRun",
      events: content.events.map((event) => ({ ...describe(event), outcome: "notReplayed" })),
    };
  }
  const events: ReplayedEvent[] = [];
  for (const deadLettered of content.events) {
    for (const handled of await handleMachineEvent(deadLettered.event, client, log)) {
      events.push({
        ...describe(deadLettered),
        outcome: handled.outcome,
        ...(handled.machineId !== undefined ? { machineId: handled.machineId } : {}),
        ...(handled.instanceId !== undefined ? { instanceId: handled.instanceId } : {}),
        ...(handled.reason !== undefined ? { reason: handled.reason } : {}),
      });
    }
  }
  const replayedAt = new Date(runtimeClock.now()).toISOString();
  await container.markReplayed(blob, replayedAt);
  return { name: blob.name, status: "replayed", replayedAt, events };
}

function describe(event: DeadLetteredEvent): Omit<ReplayedEvent, "outcome"> {
  return {
    ...(event.id !== undefined ? { id: event.id } : {}),
    ...(event.type !== undefined ? { type: event.type } : {}),
    ...(event.subject !== undefined ? { subject: event.subject } : {}),
    ...(event.deadLetterReason !== undefined ? { deadLetterReason: event.deadLetterReason } : {}),
    ...(event.deliveryAttempts !== undefined ? { deliveryAttempts: event.deliveryAttempts } : {}),
  };
}
