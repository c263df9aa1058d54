// Event Grid → onboarding (the event path). Subscribed to the subscription's system topic
// (Microsoft.Resources.* events; Azure Resource Notifications are understood too), in the Event
// Grid or CloudEvents schema. What each event does is orchestrations/events/machineEventHandler.ts,
// which the dead-letter replay runbook calls too, so a replayed event is handled as its first
// delivery would have been. Only a failure to reach the durable store (or invalid settings)
// throws: Event Grid then retries.
import { app, type EventGridEvent, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";

import { handleMachineEvent } from "../orchestrations/events/machineEventHandler";

app.eventGrid("machineEvents", {
  extraInputs: [df.input.durableClient()],
  handler: async (event: EventGridEvent, context: InvocationContext) => {
    await handleMachineEvent(event, df.getClient(context), context);
  },
});
