// Starting the gateway capability's runs from triggers (the event path, the timer, the runbooks):
// one deployment and one rotation per cluster at a time (a run going on is left to finish), and
// the sweeps. What each run needs from the settings goes into its input, since orchestrators
// never read settings.
import { createHash } from "node:crypto";

import type { InvocationContext } from "@azure/functions";

import type { DeploymentRequest } from "../../shared/apim/parameters";
import type { Settings } from "../../shared/config";
import { type ApimEvent, toApimEvents } from "../../shared/events/apimEvents";
import { findInstanceStatus, hasEnded } from "../durableStatus";
import { apimInstanceId, apimOrchestratorNames } from "./apimNames";
import {
  clusterScopeVerdict,
  type StartAction,
  type StarterClient,
  startOnce,
  startUnlessStarted,
} from "./apimRuns";
import type { DeployApimGatewayInput } from "./deployApimGateway.orchestrator";
import type { SweepApimTokensInput } from "./sweepApimGatewayTokens.orchestrator";

/**
 * Starts the cluster's deployment unless one runs. An event of a write made while the last run
 * was going (its own tag write among them) is covered by that run: nothing is started.
 */
export async function startApimDeployment(
  client: StarterClient,
  settings: Settings,
  clusterId: string,
  trigger: "event" | "runbook",
  request?: DeploymentRequest,
  happenedAt?: string,
): Promise<{ action: StartAction | "alreadyCovered"; instanceId: string }> {
  const instanceId = apimInstanceId("deploy", clusterId);
  // One read decides: a run going covers the write; so does an ended run that was going when the
  // write happened (its own tag write among them).
  // A durable store that cannot be read is thrown (Event Grid retries), never taken as "no run".
  const last = await findInstanceStatus(client, instanceId);
  if (last !== undefined && !hasEnded(last.runtimeStatus)) return { action: "alreadyRunning", instanceId };
  if (happenedAt !== undefined && last !== undefined) {
    const at = Date.parse(happenedAt);
    if (last.createdAt <= at && at <= last.lastUpdatedAt) return { action: "alreadyCovered", instanceId };
  }
  const input: DeployApimGatewayInput = {
    clusterId,
    trigger,
    deadlineMinutes: settings.ARC_APIM_INSTALL_DEADLINE_MINUTES,
    ...(request ? { request } : {}),
  };
  // The status was read above: start without reading it again.
  return {
    action: await startUnlessStarted(client, apimOrchestratorNames.deploy, instanceId, input),
    instanceId,
  };
}

/** Starts a sweep under an id of its own: `runbook-apim-sweep-<32 hex of key>`. */
export async function startApimSweep(
  client: StarterClient,
  settings: Settings,
  key: string,
  filter: { readonly trigger: string; readonly gatewayId?: string; readonly expiresBy?: string },
): Promise<{ action: StartAction; instanceId: string }> {
  const instanceId = `runbook-apim-sweep-${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
  const input: SweepApimTokensInput = {
    ...filter,
    windowDays: settings.ARC_APIM_ROTATION_WINDOW_DAYS,
    deadlineMinutes: settings.ARC_APIM_INSTALL_DEADLINE_MINUTES,
  };
  return { action: await startOnce(client, apimOrchestratorNames.sweep, instanceId, input), instanceId };
}

/**
 * The event path's part for gateways: a connected cluster written in scope → its deployment
 * (which checks the cluster's tag); a gateway token event → a sweep of that gateway's clusters.
 */
export async function routeApimEvents(
  body: unknown,
  client: StarterClient,
  settings: Settings,
  log: Pick<InvocationContext, "log" | "warn">,
): Promise<void> {
  for (const event of toApimEvents(body, settings.ARC_APIM_TOKEN_EVENT_TYPES)) await routeOne(event);

  async function routeOne(event: ApimEvent): Promise<void> {
    switch (event.kind) {
      case "malformed":
        log.warn(`Malformed gateway event ${event.eventId ?? "(no id)"} acknowledged: ${event.reason}`);
        return;
      case "clusterWritten": {
        const verdict = clusterScopeVerdict(event.clusterId, settings);
        if (!verdict.inScope) {
          log.log(`Skipped cluster ${event.clusterId}: ${verdict.rule} (event ${event.eventId})`);
          return;
        }
        const started = await startApimDeployment(
          client,
          settings,
          event.clusterId,
          "event",
          undefined,
          event.eventTime,
        );
        const what = {
          started: "started",
          alreadyRunning: "already running, event dropped",
          alreadyCovered: "covered by the run that made this write, event dropped",
        }[started.action];
        log.log(
          `${event.clusterId}: gateway deployment ${what} (${started.instanceId}; event ${event.eventId})`,
        );
        return;
      }
      case "gatewayToken": {
        const started = await startApimSweep(client, settings, `event|${event.eventId}`, {
          trigger: event.eventType.split(".").pop() ?? "event",
          gatewayId: event.gatewayId,
          expiresBy: event.expiresOn,
        });
        log.log(
          `${event.eventType} for ${event.gatewayId} (expires ${event.expiresOn}): rotation sweep ${started.action} (${started.instanceId}; event ${event.eventId})`,
        );
        return;
      }
    }
  }
}
