// Delivery to one subscriber: batching, the request shapes of both schemas, retries on the clock,
// and dead-lettering. One request at a time per subscriber, so what arrives is exactly what the
// channel sent in that order: disorder happens only when a test asks for it (shuffle, retries),
// and a seeded run repeats.
import type { Clock, ClockTimer } from "../../clock";
import type { SeededRandom } from "../random";
import type { Activity } from "./activity";
import type { DeadLetterReason, EventLog } from "./eventLog";
import { type EventGridEvent, formatEventTime, toCloudEvent } from "./resourceEvents";
import { type DeliveryOutcome, judge, retryDelayMs } from "./retryPolicy";
import type { EventSubscriptionSettings } from "./subscriptionOptions";
import type { WebhookCall, WebhookRequest, WebhookResult } from "./webhookClient";

export interface QueuedEvent {
  readonly event: EventGridEvent;
  readonly publishedAt: number;
}

interface Batch {
  readonly events: QueuedEvent[];
  attempts: number;
  /** Still taking events: never sent, and not sealed off from the next flush. */
  open: boolean;
  lastOutcome?: DeliveryOutcome;
  lastStatus?: number;
  lastAttemptAt?: number;
}

export interface ChannelContext {
  readonly clock: Clock;
  readonly random: SeededRandom;
  readonly log: EventLog;
  readonly activity: Activity;
  readonly call: (request: WebhookRequest) => WebhookCall;
  readonly logLine: (line: string) => void;
}

export class SubscriberChannel {
  private incoming: QueuedEvent[] = [];
  private ready: Batch[] = [];
  private readonly retryTimers = new Map<Batch, ClockTimer>();
  private inFlight: { batch: Batch; call: WebhookCall } | undefined;
  private holdTimer: ClockTimer | undefined;
  private flushQueued = false;
  private closed = false;

  constructor(
    readonly id: string,
    readonly settings: EventSubscriptionSettings,
    private readonly context: ChannelContext,
  ) {}

  accept(event: QueuedEvent): void {
    if (this.closed) return;
    this.incoming.push(event);
    this.scheduleFlush();
  }

  /** Events not yet delivered or given up on, counting each queued copy. */
  get pending(): number {
    const count = (batches: Iterable<Batch>) =>
      [...batches].reduce((sum, batch) => sum + batch.events.length, 0);
    return (
      this.incoming.length +
      count(this.ready) +
      count(this.retryTimers.keys()) +
      (this.inFlight ? this.inFlight.batch.events.length : 0)
    );
  }

  close(reason: string): void {
    this.closed = true;
    this.holdTimer?.cancel();
    this.holdTimer = undefined;
    for (const timer of this.retryTimers.values()) timer.cancel();
    this.retryTimers.clear();
    this.incoming = [];
    this.ready = [];
    this.inFlight?.call.abort(reason);
  }

  private scheduleFlush(): void {
    if (this.settings.shuffle && this.settings.shuffleHoldMs > 0) {
      this.holdTimer ??= this.context.clock.setTimer(this.settings.shuffleHoldMs, () => {
        this.holdTimer = undefined;
        this.flush();
      });
      return;
    }
    if (this.flushQueued) return;
    // Everything published in the same tick waits together: that is what a batch (or a shuffle) can take.
    this.flushQueued = true;
    const end = this.context.activity.begin();
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
      end();
    });
  }

  private flush(): void {
    if (this.closed) return;
    const { random } = this.context;
    let originals = this.incoming;
    this.incoming = [];
    const rate = this.settings.duplicateRate;
    let copies = rate > 0 ? originals.filter(() => random.next() < rate) : [];
    if (this.settings.shuffle) {
      originals = random.shuffle(originals);
      copies = random.shuffle(copies);
    }
    // Copies travel in their own requests, as a redelivery would.
    for (const item of originals) this.enqueue(item);
    this.seal();
    for (const item of copies) this.enqueue(item);
    this.seal();
    this.pump();
  }

  private enqueue(item: QueuedEvent): void {
    const last = this.ready[this.ready.length - 1];
    if (last?.open && last.events.length < this.settings.maxEventsPerBatch) last.events.push(item);
    else this.ready.push({ events: [item], attempts: 0, open: true });
  }

  private seal(): void {
    const last = this.ready[this.ready.length - 1];
    if (last) last.open = false;
  }

  private pump(): void {
    if (this.closed || this.inFlight) return;
    for (let batch = this.ready.shift(); batch; batch = this.ready.shift()) {
      // A retry that waited behind other deliveries may have outlived its time to live meanwhile.
      if (batch.attempts > 0 && this.context.clock.now() >= this.expiresAt(batch)) {
        this.deadLetter(batch, "TimeToLiveExceeded");
        continue;
      }
      void this.attempt(batch);
      return;
    }
  }

  private async attempt(batch: Batch): Promise<void> {
    const end = this.context.activity.begin();
    batch.open = false;
    batch.attempts++;
    const call = this.context.call(this.requestFor(batch));
    this.inFlight = { batch, call };
    try {
      this.settle(batch, await call.result);
    } finally {
      this.inFlight = undefined;
      this.pump();
      end();
    }
  }

  private settle(batch: Batch, result: WebhookResult): void {
    const { clock, log } = this.context;
    const now = clock.now();
    const verdict = judge(result);
    batch.lastOutcome = verdict.outcome;
    batch.lastAttemptAt = now;
    if (result.kind === "response") batch.lastStatus = result.status;
    else delete batch.lastStatus;

    let nextAttemptAt: number | undefined;
    let giveUp: DeadLetterReason | undefined;
    if (verdict.action === "drop") giveUp = "NonRetryableStatus";
    if (verdict.action === "retry" && !this.closed) {
      const due = now + retryDelayMs(batch.attempts, verdict.minimumDelayMs);
      if (batch.attempts >= this.settings.maxDeliveryAttempts) giveUp = "MaxDeliveryAttemptsExceeded";
      else if (due > this.expiresAt(batch)) giveUp = "TimeToLiveExceeded";
      else nextAttemptAt = due;
    }

    log.recordAttempt({
      time: formatEventTime(now),
      subscriptionId: this.id,
      subscriptionName: this.settings.name,
      eventIds: batch.events.map((item) => item.event.id),
      attempt: batch.attempts,
      ...(result.kind === "response" && { status: result.status }),
      outcome: verdict.outcome,
      ...(result.kind === "error" && { error: result.message }),
      ...(result.kind === "timeout" && { error: "no answer within 30 seconds" }),
      ...(result.kind === "aborted" && { error: result.reason }),
      ...(nextAttemptAt !== undefined && { nextAttemptAt: formatEventTime(nextAttemptAt) }),
    });
    this.context.logLine(
      `eventgrid: ${this.settings.name} attempt ${batch.attempts} for ${batch.events.length} event(s): ${verdict.outcome}` +
        (result.kind === "response" ? ` (HTTP ${result.status})` : "") +
        (nextAttemptAt !== undefined ? `, next at ${formatEventTime(nextAttemptAt)}` : ""),
    );

    if (giveUp) this.deadLetter(batch, giveUp);
    else if (nextAttemptAt !== undefined) this.scheduleRetry(batch, nextAttemptAt - now);
  }

  private scheduleRetry(batch: Batch, delayMs: number): void {
    const timer = this.context.clock.setTimer(delayMs, () => {
      this.retryTimers.delete(batch);
      // A retry is overdue by definition, so it goes ahead of events that have not waited yet.
      this.ready.unshift(batch);
      this.pump();
    });
    this.retryTimers.set(batch, timer);
  }

  private deadLetter(batch: Batch, reason: DeadLetterReason): void {
    const now = this.context.clock.now();
    const firstPublished = Math.min(...batch.events.map((item) => item.publishedAt));
    this.context.log.recordDeadLetter({
      time: formatEventTime(now),
      subscriptionId: this.id,
      subscriptionName: this.settings.name,
      eventIds: batch.events.map((item) => item.event.id),
      deadLetterReason: reason,
      deliveryAttempts: batch.attempts,
      lastDeliveryOutcome: batch.lastOutcome ?? "GenericError",
      ...(batch.lastStatus !== undefined && { lastHttpStatusCode: batch.lastStatus }),
      publishTime: formatEventTime(firstPublished),
      lastDeliveryAttemptTime: formatEventTime(batch.lastAttemptAt ?? now),
    });
    this.context.logLine(
      `eventgrid: ${this.settings.name} gave up on ${batch.events.length} event(s) after ${batch.attempts} attempt(s): ${reason}`,
    );
  }

  private expiresAt(batch: Batch): number {
    const firstPublished = Math.min(...batch.events.map((item) => item.publishedAt));
    return firstPublished + this.settings.eventTimeToLiveInMinutes * 60_000;
  }

  private requestFor(batch: Batch): WebhookRequest {
    const events = batch.events.map((item) => item.event);
    const headers: Record<string, string> = {
      ...this.settings.headers,
      "aeg-event-type": "Notification",
      "aeg-subscription-name": this.settings.name,
      "aeg-delivery-count": String(batch.attempts - 1),
    };
    const ca = this.settings.ca !== undefined ? { ca: this.settings.ca } : {};
    if (this.settings.schema === "CloudEventSchemaV1_0") {
      const cloudEvents = events.map(toCloudEvent);
      // The subscription's batching setting, not the batch's size, picks the format: a
      // subscriber configured for batches always gets an array.
      const batched = this.settings.maxEventsPerBatch > 1;
      return {
        url: this.settings.endpointUrl,
        method: "POST",
        headers: {
          ...headers,
          "content-type": batched
            ? "application/cloudevents-batch+json; charset=utf-8"
            : "application/cloudevents+json; charset=utf-8",
        },
        body: JSON.stringify(batched ? cloudEvents : cloudEvents[0]),
        ...ca,
      };
    }
    const first = events[0];
    return {
      url: this.settings.endpointUrl,
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "aeg-data-version": first?.dataVersion ?? "2",
        "aeg-metadata-version": first?.metadataVersion ?? "1",
      },
      body: JSON.stringify(events),
      ...ca,
    };
  }
}
