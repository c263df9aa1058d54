// The events the API Management gateway capability acts on, read from what Event Grid delivers
// (the Event Grid or CloudEvents schema, one event or a batch):
// - `Microsoft.Resources.ResourceWriteSuccess` of `Microsoft.Kubernetes/connectedClusters/write`
//   → a cluster was written (joined, tagged): its deployment checks the cluster's tag;
// - API Management's gateway token events (types from ARC_APIM_TOKEN_EVENT_TYPES, in preview):
//   `data.gateway.gatewayId` and `data.token.expiresOn` (@azure/eventgrid's
//   ApiManagementGatewayTokenNearExpiryEventData / …ExpiredEventData) → rotate that gateway's tokens.
// Anything else is not ours (the machine path reads it). Never throws: an event of ours that
// cannot be read is reported as malformed with the reason.
import { z } from "zod";

import { parseApimGatewayId, parseConnectedClusterId, resolveRequestedResourceId } from "../resourceId";
import { isOperation, resourceEventTypes, subscribedOperations } from "./subscribedEvents";

export type ApimEvent =
  | {
      readonly kind: "clusterWritten";
      readonly clusterId: string;
      readonly eventId: string;
      /** When ARM wrote the cluster (ISO), when the event says. */
      readonly eventTime?: string;
    }
  | {
      readonly kind: "gatewayToken";
      readonly eventType: string;
      readonly gatewayId: string;
      readonly expiresOn: string;
      readonly eventId: string;
    }
  | { readonly kind: "malformed"; readonly reason: string; readonly eventId?: string };

const envelope = z.looseObject({
  id: z.string().min(1).max(1024),
  eventType: z.string().max(256).optional(),
  type: z.string().max(256).optional(),
  eventTime: z.string().max(64).optional(),
  time: z.string().max(64).optional(),
  data: z.unknown(),
});

const writeData = z.looseObject({ resourceUri: z.string().max(4096), operationName: z.string().max(512) });

const tokenData = z.looseObject({
  gateway: z.looseObject({ gatewayId: z.string().min(1).max(4096) }),
  token: z.looseObject({ expiresOn: z.string().min(1).max(64) }),
});

/** The events of `body` the gateway capability acts on. */
export function toApimEvents(body: unknown, tokenEventTypes: readonly string[]): ApimEvent[] {
  let decoded = body;
  if (typeof body === "string") {
    try {
      decoded = JSON.parse(body) as unknown;
    } catch {
      return [];
    }
  }
  const events = Array.isArray(decoded) ? decoded : [decoded];
  const wanted = new Set(tokenEventTypes.map((t) => t.toLowerCase()));
  const found: ApimEvent[] = [];
  for (const raw of events) {
    const parsed = envelope.safeParse(raw);
    if (!parsed.success) continue;
    const { id: eventId } = parsed.data;
    const eventType = parsed.data.eventType ?? parsed.data.type ?? "";
    const data = typeof parsed.data.data === "string" ? safeJson(parsed.data.data) : parsed.data.data;
    if (eventType === resourceEventTypes.write) {
      const write = writeData.safeParse(data);
      if (
        !write.success ||
        !isOperation(write.data.operationName, subscribedOperations.connectedClusterWrite)
      )
        continue;
      try {
        const clusterId = resolveRequestedResourceId(write.data.resourceUri);
        parseConnectedClusterId(clusterId);
        const time = Date.parse(parsed.data.eventTime ?? parsed.data.time ?? "");
        found.push({
          kind: "clusterWritten",
          clusterId,
          eventId,
          ...(Number.isNaN(time) ? {} : { eventTime: new Date(time).toISOString() }),
        });
      } catch (error) {
        found.push({
          kind: "malformed",
          reason: `data.resourceUri is not a connected cluster: ${messageOf(error)}`,
          eventId,
        });
      }
      continue;
    }
    if (wanted.has(eventType.toLowerCase())) {
      const token = tokenData.safeParse(data);
      if (!token.success) {
        found.push({
          kind: "malformed",
          reason: `${eventType} data has no gateway.gatewayId and token.expiresOn`,
          eventId,
        });
        continue;
      }
      const expires = Date.parse(token.data.token.expiresOn);
      try {
        const gatewayId = resolveRequestedResourceId(token.data.gateway.gatewayId);
        parseApimGatewayId(gatewayId);
        if (Number.isNaN(expires)) throw new Error("token.expiresOn is not a time");
        found.push({
          kind: "gatewayToken",
          eventType,
          gatewayId,
          expiresOn: new Date(expires).toISOString(),
          eventId,
        });
      } catch (error) {
        found.push({ kind: "malformed", reason: `${eventType}: ${messageOf(error)}`, eventId });
      }
    }
  }
  return found;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
