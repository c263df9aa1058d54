// Timer (ARC_APIM_ROTATION_SCHEDULE, NCRONTAB, UTC) → the gateway token rotation backstop: starts
// one sweep per firing (`sweepApimGatewayTokens_v1`), which rotates every token arc-autopilot
// recorded that expires within ARC_APIM_ROTATION_WINDOW_DAYS — so tokens are rotated in time
// even when API Management's near-expiry events are lost. A duplicate or past-due firing of the
// same minute starts nothing more (the sweep's id is the minute's).
import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";

import { startApimSweep } from "../orchestrations/apim/apimStarter";
import { getSettings } from "../shared/config";
import { runtimeClock } from "../shared/runtimeClock";

export async function handleApimTokenTimer(timer: Timer, context: InvocationContext): Promise<void> {
  const settings = getSettings();
  // The firing's minute names the sweep: a duplicate delivery of one occurrence finds it.
  const occurrence = new Date(Math.floor(runtimeClock.now() / 60_000) * 60_000).toISOString();
  const started = await startApimSweep(df.getClient(context), settings, `timer|${occurrence}`, {
    trigger: "timer",
  });
  context.log(
    `Gateway token sweep ${started.action} (${started.instanceId}; window ${settings.ARC_APIM_ROTATION_WINDOW_DAYS} days${timer.isPastDue ? "; past due" : ""})`,
  );
}

app.timer("apimTokenRotation", {
  schedule: getSettings().ARC_APIM_ROTATION_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: (timer: Timer, context: InvocationContext) => handleApimTokenTimer(timer, context),
});
