// What arc-autopilot does with what Event Grid delivers — one code path for the webhook
// (functions/machineEvents.ts) and the dead-letter replay (deadLetterRoutes.ts), so a replayed
// event is handled exactly as its first delivery would have been. For each event:
// - a machine written → start its onboarding unless one is running, a later run covers it, or
//   the machine's detach is running (its own tag write comes back as such an event);
//   machines outside ARC_SCOPES are skipped here, with the reason in the log (the opt-out tag
//   needs the machine's tags, so the onboarding's plan checks it and writes nothing);
// - a machine deleted → its onboarding, if running, is terminated with the reason (not when the run
//   began after the deletion: the machine was created again since);
// - a connected cluster written, or an API Management gateway token event → the gateway
//   capability's deployment or rotation sweep (orchestrations/apim/apimStarter.ts);
// - anything else → ignored (debug log); a malformed event → logged with why, and acknowledged,
//   so Event Grid does not redeliver garbage for 24 hours.
// Idempotent by design: the starters find a running or covering run by its instance id. Only a
// failure to reach the durable store (or invalid settings) throws: Event Grid then retries.
import type { InvocationContext } from "@azure/functions";

import { getSettings } from "../../shared/config";
import { toMachineEvents } from "../../shared/events/toMachineEvent";
import { isInScope } from "../../shared/onboarding/scope";
import { routeApimEvents } from "../apim/apimStarter";
import {
  runningDetach,
  type StarterClient,
  startOnboarding,
  type StopDecision,
  stopOnboarding,
} from "../onboardingStarter";

export type EventLog = Pick<InvocationContext, "log" | "warn" | "debug">;

/** What the handler did with one event. */
export type HandledOutcome =
  | "started"
  | "alreadyRunning"
  | "alreadyCovered"
  | "detachRunning"
  | "skippedOutOfScope"
  | "terminated"
  | "notRunning"
  | "newerRunKept"
  | "ignored"
  | "malformed";

export interface HandledEvent {
  readonly outcome: HandledOutcome;
  readonly eventId?: string;
  readonly machineId?: string;
  /** The durable instance started, found running, or terminated. */
  readonly instanceId?: string;
  /** Why it was skipped, ignored or malformed. */
  readonly reason?: string;
}

/** Handles a delivery (one event, an array of them, or JSON text) and says what it did with each. */
export async function handleMachineEvent(
  event: unknown,
  client: StarterClient,
  log: EventLog,
): Promise<HandledEvent[]> {
  const settings = getSettings();
  const scopes = settings.ARC_SCOPES;
  await routeApimEvents(event, client, settings, log);
  const handled: HandledEvent[] = [];
  for (const machineEvent of await toMachineEvents(event)) {
    switch (machineEvent.kind) {
      case "malformed":
        log.warn(`Malformed event ${machineEvent.eventId ?? "(no id)"} acknowledged: ${machineEvent.reason}`);
        handled.push({
          outcome: "malformed",
          reason: machineEvent.reason,
          ...(machineEvent.eventId !== undefined ? { eventId: machineEvent.eventId } : {}),
        });
        break;
      case "ignored":
        log.debug(`Event ${machineEvent.eventId ?? "(no id)"} ignored: ${machineEvent.reason}`);
        handled.push({
          outcome: "ignored",
          reason: machineEvent.reason,
          ...(machineEvent.eventId !== undefined ? { eventId: machineEvent.eventId } : {}),
        });
        break;
      case "machineWritten": {
        const { machineId, eventId } = machineEvent;
        if (!isInScope(machineId, scopes)) {
          const reason =
            scopes.length === 0
              ? "ARC_SCOPES is empty, so no machine is in scope"
              : `outside every configured scope (${scopes.join(", ")})`;
          log.log(`Skipped ${machineId}: ${reason} (event ${eventId})`);
          handled.push({ outcome: "skippedOutOfScope", eventId, machineId, reason });
          break;
        }
        // A detach (or a retirement's move) of the machine is running: it decides the machine's
        // gateway, and its own writes — the direct tag's PATCH — come back as this very event.
        const detach = await runningDetach(client, machineId);
        if (detach) {
          log.log(
            `${machineId}: onboarding not started, its detach is running (${detach.instanceId}; event ${eventId})`,
          );
          handled.push({
            outcome: "detachRunning",
            eventId,
            machineId,
            instanceId: detach.instanceId,
            reason: "the machine's detach is running",
          });
          break;
        }
        const decision = await startOnboarding(client, {
          machineId,
          trigger: "event",
          ...(machineEvent.eventTime !== undefined ? { happenedAt: machineEvent.eventTime } : {}),
        });
        log.log(
          `${machineId}: onboarding ${describeStart(decision.action)} (${decision.instanceId}; event ${eventId}` +
            `${machineEvent.correlationId ? `; correlation ${machineEvent.correlationId}` : ""})`,
        );
        handled.push({ outcome: decision.action, eventId, machineId, instanceId: decision.instanceId });
        break;
      }
      case "machineDeleted": {
        const { machineId, eventId } = machineEvent;
        const reason = `The machine was deleted (event ${eventId}${
          machineEvent.eventTime ? ` at ${machineEvent.eventTime}` : ""
        }); onboarding stopped and nothing is recreated`;
        const stopped = await stopOnboarding(client, machineId, reason, machineEvent.eventTime);
        log.log(`${machineId} deleted: ${describeStop(stopped)} (${stopped.instanceId}; event ${eventId})`);
        handled.push({ outcome: stopped.action, eventId, machineId, instanceId: stopped.instanceId });
        break;
      }
    }
  }
  return handled;
}

function describeStop(stopped: StopDecision): string {
  switch (stopped.action) {
    case "terminated":
      return "onboarding terminated";
    case "notRunning":
      return "no onboarding was running";
    case "newerRunKept":
      return `onboarding kept: its run began at ${stopped.runStartedAt}, after the deletion (the machine was created again)`;
  }
}

function describeStart(action: "started" | "alreadyRunning" | "alreadyCovered"): string {
  switch (action) {
    case "started":
      return "started";
    case "alreadyRunning":
      return "already running, event dropped";
    case "alreadyCovered":
      return "already covered by a run that began after the event, event dropped";
  }
}
