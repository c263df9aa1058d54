// Event Grid → onboarding (the event path). Subscribed to the subscription's system topic
// (Microsoft.Resources.* events; Azure Resource Notifications are understood too), in the Event
// Grid or CloudEvents schema. For each event:
// - a machine written → start its onboarding unless one is running, a later run covers it, or
//   the machine's detach is running (its own tag write comes back as such an event);
//   machines outside ARC_SCOPES are skipped here, with the reason in the log (the opt-out tag
//   needs the machine's tags, so the onboarding's plan checks it and writes nothing);
// - a machine deleted → its onboarding, if running, is terminated with the reason;
// - a connected cluster written, or an API Management gateway token event → the gateway
//   capability's deployment or rotation sweep (orchestrations/apim/apimStarter.ts);
// - anything else → ignored (debug log); a malformed event → logged with why, and acknowledged,
//   so Event Grid does not redeliver garbage for 24 hours.
// Only a failure to reach the durable store (or invalid settings) throws: Event Grid then retries.
import { app, type EventGridEvent, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";

import { routeApimEvents } from "../orchestrations/apim/apimStarter";
import { runningDetach, startOnboarding, stopOnboarding } from "../orchestrations/onboardingStarter";
import { getSettings } from "../shared/config";
import { toMachineEvents } from "../shared/events/toMachineEvent";
import { isInScope } from "../shared/onboarding/scope";

export async function handleMachineEvent(event: unknown, context: InvocationContext): Promise<void> {
  const settings = getSettings();
  const scopes = settings.ARC_SCOPES;
  const client = df.getClient(context);
  await routeApimEvents(event, client, settings, context);
  for (const machineEvent of await toMachineEvents(event)) {
    switch (machineEvent.kind) {
      case "malformed":
        context.warn(
          `Malformed event ${machineEvent.eventId ?? "(no id)"} acknowledged: ${machineEvent.reason}`,
        );
        break;
      case "ignored":
        context.debug(`Event ${machineEvent.eventId ?? "(no id)"} ignored: ${machineEvent.reason}`);
        break;
      case "machineWritten": {
        if (!isInScope(machineEvent.machineId, scopes)) {
          context.log(
            `Skipped ${machineEvent.machineId}: ${
              scopes.length === 0
                ? "ARC_SCOPES is empty, so no machine is in scope"
                : `outside every configured scope (${scopes.join(", ")})`
            } (event ${machineEvent.eventId})`,
          );
          break;
        }
        // A detach (or a retirement's move) of the machine is running: it decides the machine's
        // gateway, and its own writes — the direct tag's PATCH — come back as this very event.
        const detach = await runningDetach(client, machineEvent.machineId);
        if (detach) {
          context.log(
            `${machineEvent.machineId}: onboarding not started, its detach is running (${detach.instanceId}; event ${machineEvent.eventId})`,
          );
          break;
        }
        const decision = await startOnboarding(client, {
          machineId: machineEvent.machineId,
          trigger: "event",
          ...(machineEvent.eventTime !== undefined ? { happenedAt: machineEvent.eventTime } : {}),
        });
        context.log(
          `${machineEvent.machineId}: onboarding ${describeStart(decision.action)} (${decision.instanceId}; event ${machineEvent.eventId}` +
            `${machineEvent.correlationId ? `; correlation ${machineEvent.correlationId}` : ""})`,
        );
        break;
      }
      case "machineDeleted": {
        const reason = `The machine was deleted (event ${machineEvent.eventId}${
          machineEvent.eventTime ? ` at ${machineEvent.eventTime}` : ""
        }); onboarding stopped and nothing is recreated`;
        const stopped = await stopOnboarding(client, machineEvent.machineId, reason);
        context.log(
          `${machineEvent.machineId} deleted: ${stopped.action === "terminated" ? "onboarding terminated" : "no onboarding was running"} (${stopped.instanceId})`,
        );
        break;
      }
    }
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

app.eventGrid("machineEvents", {
  extraInputs: [df.input.durableClient()],
  handler: (event: EventGridEvent, context: InvocationContext) => handleMachineEvent(event, context),
});
