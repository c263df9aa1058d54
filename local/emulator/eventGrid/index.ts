// The emulator's Event Grid: the subscription system topic, custom topics' publish endpoint, and
// what their users need to name.
export type {
  ReceivedTopicEvent,
  TopicCloudEvent,
  TopicEventGridEvent,
  TopicInputSchema,
} from "./customTopics";
export { CustomTopics, isTopicName, topicApiVersion, topicsPrefix } from "./customTopics";
export type {
  DeadLetterRecord,
  DeliveryAttemptRecord,
  EventLogSnapshot,
  HandshakeRecord,
  PublishedEventRecord,
} from "./eventLog";
export { validationEventType, webhookRequestOrigin, WebhookValidationError } from "./handshake";
export type { CloudEvent, EventGridEvent, ResourceEventData, ResourceEventType } from "./resourceEvents";
export { buildResourceEvent, formatEventTime, toCloudEvent } from "./resourceEvents";
export type { DeliveryOutcome } from "./retryPolicy";
export { retrySchedule } from "./retryPolicy";
export type { DeliverySchema, EventSubscriptionOptions, OperationNameFilter } from "./subscriptionOptions";
export { InvalidEventSubscriptionError } from "./subscriptionOptions";
export type { EventGridSystemTopicOptions, EventSubscriptionResource } from "./systemTopic";
export { EventGridSystemTopic } from "./systemTopic";
