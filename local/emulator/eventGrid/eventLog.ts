// What the system topic did, for tests and the admin API: every published event, every handshake,
// every delivery attempt and every event given up on. Bounded, so a long `npm run dev` session
// does not grow without limit.
import type { EventGridEvent } from "./resourceEvents";
import type { DeliveryOutcome } from "./retryPolicy";
import type { DeliverySchema } from "./subscriptionOptions";

export interface PublishedEventRecord {
  readonly publishedAt: string;
  readonly event: EventGridEvent;
  /** Names of the subscriptions whose filters matched. */
  readonly matchedSubscriptions: readonly string[];
}

export interface DeliveryAttemptRecord {
  readonly time: string;
  readonly subscriptionId: string;
  readonly subscriptionName: string;
  readonly eventIds: readonly string[];
  /** 1 for the first try; the request carried `aeg-delivery-count: attempt - 1`. */
  readonly attempt: number;
  readonly status?: number;
  readonly outcome: DeliveryOutcome;
  readonly error?: string;
  /** When the next attempt is due, if there will be one. */
  readonly nextAttemptAt?: string;
}

export type DeadLetterReason = "NonRetryableStatus" | "MaxDeliveryAttemptsExceeded" | "TimeToLiveExceeded";

/** Shaped like Event Grid's dead-letter record; the emulator keeps it here instead of in a blob. */
export interface DeadLetterRecord {
  readonly time: string;
  readonly subscriptionId: string;
  readonly subscriptionName: string;
  readonly eventIds: readonly string[];
  readonly deadLetterReason: DeadLetterReason;
  readonly deliveryAttempts: number;
  readonly lastDeliveryOutcome: DeliveryOutcome;
  readonly lastHttpStatusCode?: number;
  readonly publishTime: string;
  readonly lastDeliveryAttemptTime: string;
}

export interface HandshakeRecord {
  readonly time: string;
  readonly subscriptionName: string;
  readonly schema: DeliverySchema;
  readonly endpointUrl: string;
  readonly outcome: "Succeeded" | "Failed";
  readonly detail?: string;
}

export interface EventLogSnapshot {
  readonly published: readonly PublishedEventRecord[];
  readonly handshakes: readonly HandshakeRecord[];
  readonly attempts: readonly DeliveryAttemptRecord[];
  readonly deadLetters: readonly DeadLetterRecord[];
}

export class EventLog {
  private readonly published: PublishedEventRecord[] = [];
  private readonly handshakes: HandshakeRecord[] = [];
  private readonly attempts: DeliveryAttemptRecord[] = [];
  private readonly deadLetters: DeadLetterRecord[] = [];

  constructor(private readonly limit = 10_000) {}

  recordPublished(record: PublishedEventRecord): void {
    this.append(this.published, record);
  }

  recordHandshake(record: HandshakeRecord): void {
    this.append(this.handshakes, record);
  }

  recordAttempt(record: DeliveryAttemptRecord): void {
    this.append(this.attempts, record);
  }

  recordDeadLetter(record: DeadLetterRecord): void {
    this.append(this.deadLetters, record);
  }

  snapshot(): EventLogSnapshot {
    return {
      published: [...this.published],
      handshakes: [...this.handshakes],
      attempts: [...this.attempts],
      deadLetters: [...this.deadLetters],
    };
  }

  private append<T>(list: T[], record: T): void {
    list.push(record);
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
  }
}
