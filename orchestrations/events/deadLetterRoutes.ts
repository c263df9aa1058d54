// The dead-letter replay runbook:
// - POST /api/events/dead-letters/replay `{ prefix?, maxBlobs?, dryRun?, force?, continuation? }`
//   — reads one page of Event Grid's dead-letter blobs (ARC_DEAD_LETTER_CONTAINER_URL) with the
//   app's identity, replays each event through the webhook's own handler, marks each blob replayed
//   and answers 200 with what it found and what the handler did with every event; `continuation`
//   when more blobs remain. `dryRun` reads and reports, replaying and marking nothing; `force`
//   replays blobs an earlier replay marked. 409 when the container is not configured, 502 when
//   Blob storage refuses (its status and error code, and the container's URL, which holds no SAS).
import { z } from "zod";

import {
  DeadLetterStorageError,
  openDeadLetterContainer,
} from "../../shared/deadLetters/deadLetterContainer";
import { decodeReplayCursor } from "../../shared/deadLetters/replayCursor";
import { ok, RouteError } from "../../shared/runbooks/http/answers";
import { defineRoute } from "../../shared/runbooks/http/route";
import { replayDeadLetters } from "./deadLetterReplay";

export const defaultReplayBlobs = 100;
export const maxReplayBlobs = 500;

const replayBody = z
  .strictObject({
    prefix: z
      .string()
      .min(1)
      .max(1024)
      .regex(
        /^[^/\\\p{Cc}][^\\\p{Cc}]*$/u,
        "must be a blob name prefix: no leading /, no \\ or control characters",
      )
      .optional()
      .meta({
        description:
          "Only blobs whose names start with it: Event Grid's names hold the event subscription's name in upper case, " +
          "then `{yyyy}/{m}/{d}/{h}/{guid}.json`, so the path up to a subscription or a day narrows the replay " +
          "(a dry run shows the names).",
      }),
    maxBlobs: z
      .int()
      .min(1)
      .max(maxReplayBlobs)
      .default(defaultReplayBlobs)
      .meta({
        description: `Blobs listed by this request (1–${maxReplayBlobs}, default ${defaultReplayBlobs}).`,
      }),
    dryRun: z
      .boolean()
      .default(false)
      .meta({ description: "Read and report the events only: nothing is replayed and no blob is marked." }),
    force: z.boolean().default(false).meta({
      description: "Replay blobs an earlier replay marked too (the handler still starts nothing twice).",
    }),
    continuation: z.string().min(1).max(4096).optional().meta({
      description:
        "The previous answer's `continuation`, sent back as is with the same prefix: where that request stopped.",
    }),
  })
  .meta({ id: "DeadLetterReplayRequest" });

const outcomeValues = [
  "started",
  "alreadyRunning",
  "alreadyCovered",
  "detachRunning",
  "skippedOutOfScope",
  "terminated",
  "notRunning",
  "newerRunKept",
  "ignored",
  "malformed",
  "notReplayed",
] as const;

const replayedEvent = z.object({
  id: z.string().optional(),
  type: z.string().optional(),
  subject: z.string().optional(),
  machineId: z.string().optional(),
  deadLetterReason: z.string().optional(),
  deliveryAttempts: z.number().optional(),
  outcome: z.enum(outcomeValues).meta({
    description:
      "What the webhook's handler did: started, alreadyRunning or alreadyCovered (an onboarding), detachRunning, " +
      "skippedOutOfScope, terminated, notRunning or newerRunKept (a deletion; newerRunKept: the run began after it), ignored (not an event the app acts on), " +
      "malformed; notReplayed on a dry run.",
  }),
  instanceId: z.string().optional(),
  reason: z.string().optional(),
});

const replayReport = z
  .object({
    container: z.string(),
    prefix: z.string().optional(),
    dryRun: z.boolean(),
    force: z.boolean(),
    blobsListed: z.number(),
    blobsRead: z.number(),
    blobsMarked: z.number(),
    blobsAlreadyReplayed: z.number(),
    blobsUnreadable: z.number(),
    eventsFound: z.number(),
    outcomes: z.record(z.enum(outcomeValues), z.number()),
    blobs: z.array(
      z.object({
        name: z.string(),
        status: z.enum(["replayed", "alreadyReplayed", "unreadable", "dryRun"]),
        replayedAt: z.string().optional(),
        reason: z.string().optional(),
        events: z.array(replayedEvent),
      }),
    ),
    continuation: z
      .string()
      .optional()
      .meta({ description: "More blobs remain: send the request again with it." }),
    stoppedForTime: z.literal(true).optional().meta({
      description: "The request stopped inside its page after two minutes; the continuation resumes there.",
    }),
  })
  .meta({ id: "DeadLetterReplayReport" });

export const replayDeadLettersRoute = defineRoute({
  name: "replayDeadLetters",
  method: "POST",
  route: "events/dead-letters/replay",
  role: "operate",
  tag: "events",
  summary: "Replay Event Grid's dead-lettered events through the event handler",
  description:
    "Reads one page of blobs of the dead-letter container (ARC_DEAD_LETTER_CONTAINER_URL) with the app's identity, " +
    "hands each event to the handler the Event Grid webhook runs, and marks each blob replayed (metadata " +
    "replayedat); marked blobs are skipped unless force. Replaying twice starts nothing twice.",
  body: replayBody,
  responses: {
    200: { description: "What was read and what the handler did with each event.", body: replayReport },
    409: { description: "ARC_DEAD_LETTER_CONTAINER_URL is not set." },
    502: { description: "Blob storage refused or could not be reached (its status and error code)." },
  },
  example: { body: { maxBlobs: 10, dryRun: true } },
  async handler({ body }, context) {
    const url = context.settings.ARC_DEAD_LETTER_CONTAINER_URL;
    if (url === undefined) {
      throw new RouteError(
        409,
        "NotConfigured",
        "ARC_DEAD_LETTER_CONTAINER_URL is not set: the app does not know where Event Grid dead-letters its events",
      );
    }
    const decoded =
      body.continuation === undefined ? undefined : decodeReplayCursor(body.continuation, body.prefix);
    if (decoded !== undefined && "problem" in decoded) {
      throw new RouteError(400, "InvalidContinuation", `continuation ${decoded.problem}`, {
        field: "continuation",
      });
    }
    try {
      const report = await replayDeadLetters(
        openDeadLetterContainer(url, context.arm()),
        context.durable(),
        {
          maxBlobs: body.maxBlobs,
          dryRun: body.dryRun,
          force: body.force,
          ...(body.prefix !== undefined ? { prefix: body.prefix } : {}),
          ...(decoded !== undefined ? { cursor: decoded.cursor } : {}),
        },
        context.log,
      );
      return ok(report);
    } catch (error) {
      if (error instanceof DeadLetterStorageError) {
        throw new RouteError(502, "DeadLetterStorageError", `${error.message} (${url})`);
      }
      throw error;
    }
  },
});

export const deadLetterRoutes = [replayDeadLettersRoute];
