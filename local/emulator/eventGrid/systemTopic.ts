// The emulator's Event Grid system topic for Azure subscriptions: ARM handlers publish every
// successful write, delete and action here, and webhook subscribers get the documented
// Microsoft.Resources events with Event Grid's handshake, filtering, retry and (on request)
// duplicate and out-of-order delivery.
import { ConflictError } from "../../../shared/errors";
import type { Clock } from "../../clock";
import type { SeededRandom } from "../random";
import type { ResourceEventInput } from "../types";
import { Activity } from "./activity";
import { SubscriberChannel } from "./delivery";
import { EventLog, type EventLogSnapshot } from "./eventLog";
import { validateEndpoint } from "./handshake";
import { buildResourceEvent, type EventGridEvent, formatEventTime } from "./resourceEvents";
import {
  type DeliverySchema,
  type EventSubscriptionOptions,
  type EventSubscriptionSettings,
  matchesSubscription,
  type OperationNameFilter,
  parseSubscriptionOptions,
} from "./subscriptionOptions";
import { callWebhook, type WebhookCall, type WebhookRequest, type WebhookResult } from "./webhookClient";

export interface EventGridSystemTopicOptions {
  readonly clock: Clock;
  readonly random: SeededRandom;
  /** The tenant reported in events; defaults to the calling principal's. */
  readonly tenantId?: string;
  readonly log?: (line: string) => void;
  /** How many records of each kind the event log keeps. */
  readonly logLimit?: number;
}

/** An event subscription as the admin API shows it; the CA and header values are left out. */
export interface EventSubscriptionResource {
  readonly id: string;
  readonly name: string;
  readonly type: "Microsoft.EventGrid/eventSubscriptions";
  readonly provisioningState: "Succeeded";
  readonly endpointUrl: string;
  readonly schema: DeliverySchema;
  readonly scope?: string;
  readonly filter: {
    readonly includedEventTypes?: readonly string[];
    readonly operationNameFilters?: readonly OperationNameFilter[];
    readonly subjectBeginsWith?: string;
    readonly subjectEndsWith?: string;
  };
  readonly retryPolicy: { readonly maxDeliveryAttempts: number; readonly eventTimeToLiveInMinutes: number };
  readonly maxEventsPerBatch: number;
  readonly faults: {
    readonly duplicateRate: number;
    readonly shuffle: boolean;
    readonly shuffleHoldMs: number;
  };
  readonly headerNames: readonly string[];
}

export class EventGridSystemTopic {
  private readonly clock: Clock;
  private readonly random: SeededRandom;
  private readonly tenantId: string | undefined;
  private readonly logLine: (line: string) => void;
  private readonly log: EventLog;
  private readonly activity = new Activity();
  /** By lower-cased name: Event Grid names are case-insensitive. */
  private readonly channels = new Map<string, SubscriberChannel>();
  private readonly validating = new Set<string>();
  private readonly handshakes = new Set<WebhookCall>();
  private closed = false;

  constructor(options: EventGridSystemTopicOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.tenantId = options.tenantId;
    this.logLine = options.log ?? (() => undefined);
    this.log = new EventLog(options.logLimit);
  }

  /** Builds the event, logs it and queues it for every subscription whose filters match. */
  publish(input: ResourceEventInput): EventGridEvent {
    const now = this.clock.now();
    const event = buildResourceEvent(input, {
      random: this.random,
      now,
      ...(this.tenantId !== undefined && { tenantId: this.tenantId }),
    });
    if (this.closed) {
      this.logLine(`eventgrid: ${event.eventType} for ${event.subject} not delivered: the topic is closed`);
      return event;
    }
    const matched = [...this.channels.values()].filter((channel) =>
      matchesSubscription(channel.settings, event),
    );
    this.log.recordPublished({
      publishedAt: formatEventTime(now),
      event,
      matchedSubscriptions: matched.map((channel) => channel.settings.name),
    });
    this.logLine(
      `eventgrid: ${event.eventType} ${event.data.operationName} on ${event.subject} -> ${matched.length} subscription(s)`,
    );
    for (const channel of matched) channel.accept({ event, publishedAt: now });
    return event;
  }

  /**
   * Publishes an event some other Azure service raised (API Management's gateway token events),
   * already shaped as that publisher sends it; filters and delivery are the same as for
   * resource events. Its `data` has no operationName, so operation-name filters never match it.
   */
  publishEvent(input: EventGridEvent<unknown>): void {
    // Delivery and the log only read the envelope and pass `data` through untouched.
    const event = input as EventGridEvent;
    if (this.closed) {
      this.logLine(`eventgrid: ${event.eventType} for ${event.subject} not delivered: the topic is closed`);
      return;
    }
    const matched = [...this.channels.values()].filter((channel) =>
      matchesSubscription(channel.settings, event),
    );
    this.log.recordPublished({
      publishedAt: formatEventTime(this.clock.now()),
      event,
      matchedSubscriptions: matched.map((channel) => channel.settings.name),
    });
    this.logLine(`eventgrid: ${event.eventType} on ${event.subject} -> ${matched.length} subscription(s)`);
    for (const channel of matched) channel.accept({ event, publishedAt: this.clock.now() });
  }

  /**
   * Validates the options, runs the endpoint's validation handshake and only then starts
   * delivering to it. Rejects with InvalidEventSubscriptionError (bad options), ConflictError
   * (name taken) or WebhookValidationError (handshake failed).
   */
  async addSubscription(options: EventSubscriptionOptions): Promise<EventSubscriptionResource> {
    const settings = parseSubscriptionOptions(options);
    const key = settings.name.toLowerCase();
    if (this.closed) throw new ConflictError("The Event Grid topic is closed.", "TopicClosed", 409);
    if (this.channels.has(key) || this.validating.has(key)) {
      throw new ConflictError(
        `An event subscription named '${settings.name}' already exists; remove it first.`,
        "EventSubscriptionExists",
        409,
      );
    }
    this.validating.add(key);
    const end = this.activity.begin();
    try {
      await validateEndpoint(settings, {
        clock: this.clock,
        random: this.random,
        send: (request) => this.handshake(request),
      });
    } catch (error) {
      this.recordHandshake(settings, "Failed", error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      this.validating.delete(key);
      end();
    }
    if (this.closed)
      throw new ConflictError("The Event Grid topic was closed during validation.", "TopicClosed", 409);
    const channel = new SubscriberChannel(subscriptionIdOf(settings), settings, {
      clock: this.clock,
      random: this.random,
      log: this.log,
      activity: this.activity,
      call: (request) => callWebhook(this.clock, request),
      logLine: this.logLine,
    });
    this.channels.set(key, channel);
    this.recordHandshake(settings, "Succeeded");
    return describe(channel);
  }

  listSubscriptions(): EventSubscriptionResource[] {
    return [...this.channels.values()].map(describe);
  }

  getSubscription(name: string): EventSubscriptionResource | undefined {
    const channel = this.channels.get(name.toLowerCase());
    return channel && describe(channel);
  }

  /** Stops delivery at once: queued events and pending retries are dropped. False if unknown. */
  removeSubscription(name: string): boolean {
    const key = name.toLowerCase();
    const channel = this.channels.get(key);
    if (!channel) return false;
    this.channels.delete(key);
    channel.close(`the event subscription '${channel.settings.name}' was deleted`);
    this.logLine(`eventgrid: removed subscription ${channel.settings.name}`);
    return true;
  }

  eventLog(): EventLogSnapshot {
    return this.log.snapshot();
  }

  /** Event deliveries not yet acknowledged or given up on (queued, in flight or awaiting a retry). */
  pendingDeliveries(): number {
    return [...this.channels.values()].reduce((sum, channel) => sum + channel.pending, 0);
  }

  /** Resolves once no HTTP exchange is in flight; retries waiting on the clock do not count. */
  whenIdle(): Promise<void> {
    return this.activity.whenIdle();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.channels.values()) channel.close("the Event Grid topic was closed");
    this.channels.clear();
    for (const call of this.handshakes) call.abort("the Event Grid topic was closed");
  }

  private async handshake(request: WebhookRequest): Promise<WebhookResult> {
    const call = callWebhook(this.clock, request);
    this.handshakes.add(call);
    try {
      return await call.result;
    } finally {
      this.handshakes.delete(call);
    }
  }

  private recordHandshake(
    settings: EventSubscriptionSettings,
    outcome: "Succeeded" | "Failed",
    detail?: string,
  ): void {
    this.log.recordHandshake({
      time: formatEventTime(this.clock.now()),
      subscriptionName: settings.name,
      schema: settings.schema,
      endpointUrl: settings.endpointUrl,
      outcome,
      ...(detail !== undefined && { detail }),
    });
    this.logLine(
      `eventgrid: handshake with ${settings.endpointUrl} for ${settings.name}: ${detail ?? outcome}`,
    );
  }
}

function subscriptionIdOf(settings: EventSubscriptionSettings): string {
  return `${settings.scope ?? ""}/providers/Microsoft.EventGrid/eventSubscriptions/${settings.name}`;
}

function describe(channel: SubscriberChannel): EventSubscriptionResource {
  const s = channel.settings;
  return {
    id: channel.id,
    name: s.name,
    type: "Microsoft.EventGrid/eventSubscriptions",
    provisioningState: "Succeeded",
    endpointUrl: s.endpointUrl,
    schema: s.schema,
    ...(s.scope !== undefined && { scope: s.scope }),
    filter: {
      ...(s.includedEventTypes && { includedEventTypes: [...s.includedEventTypes] }),
      ...(s.operationNameFilters && { operationNameFilters: s.operationNameFilters.map((f) => ({ ...f })) }),
      ...(s.subjectBeginsWith !== undefined && { subjectBeginsWith: s.subjectBeginsWith }),
      ...(s.subjectEndsWith !== undefined && { subjectEndsWith: s.subjectEndsWith }),
    },
    retryPolicy: {
      maxDeliveryAttempts: s.maxDeliveryAttempts,
      eventTimeToLiveInMinutes: s.eventTimeToLiveInMinutes,
    },
    maxEventsPerBatch: s.maxEventsPerBatch,
    faults: { duplicateRate: s.duplicateRate, shuffle: s.shuffle, shuffleHoldMs: s.shuffleHoldMs },
    headerNames: Object.keys(s.headers ?? {}),
  };
}
