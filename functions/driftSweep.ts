// Timer: the drift sweep, on ARC_DRIFT_SCHEDULE (NCRONTAB, UTC; every 6 hours by default). It
// only starts the sweep of the current period (orchestrations/drift/sweepStarter.ts), so a
// duplicate firing, or a past-due one after the app was down, starts nothing more.
import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";

import { startPeriodSweep } from "../orchestrations/drift/sweepStarter";
import { getSettings } from "../shared/config";
import { runtimeClock } from "../shared/runtimeClock";

const schedule = getSettings().ARC_DRIFT_SCHEDULE;

app.timer("driftSweep", {
  schedule,
  extraInputs: [df.input.durableClient()],
  handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
    const decision = await startPeriodSweep(df.getClient(context), schedule, runtimeClock.now());
    context.log(
      decision.action === "started"
        ? `Drift sweep ${decision.instanceId} started${timer.isPastDue ? " (past due)" : ""}`
        : `Drift sweep ${decision.instanceId} already exists (${decision.runtimeStatus}): nothing started`,
    );
  },
});
