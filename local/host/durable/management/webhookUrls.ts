// The webhook URLs the extension hands out (Learn "HTTP API reference" for Durable Functions): the
// durable client binding's
// creation/management templates and the per-instance check-status payload
// (createCheckStatusResponse computes the same client-side from the templates).

export const webhookPath = "/runtime/webhooks/durabletask";
export const rpcPath = "/durabletask/";

export interface WebhookSettings {
  readonly taskHubName: string;
  /** Stands in for the durabletask_extension system key (`code=`). */
  readonly systemKey: string;
}

export interface HttpManagementPayload {
  readonly id: string;
  readonly statusQueryGetUri: string;
  readonly sendEventPostUri: string;
  readonly terminatePostUri: string;
  readonly rewindPostUri: string;
  readonly purgeHistoryDeleteUri: string;
  readonly restartPostUri: string;
  readonly suspendPostUri: string;
  readonly resumePostUri: string;
}

export function managementQuery(settings: WebhookSettings): string {
  return `taskHub=${encodeURIComponent(settings.taskHubName)}&connection=Storage&code=${encodeURIComponent(settings.systemKey)}`;
}

/** The URLs for one instance; `instanceId` may be the literal placeholder "INSTANCEID". */
export function httpManagementPayload(
  origin: string,
  settings: WebhookSettings,
  instanceId: string,
): HttpManagementPayload {
  const base = `${trimSlash(origin)}${webhookPath}/instances/${instanceId}`;
  const query = managementQuery(settings);
  return {
    id: instanceId,
    statusQueryGetUri: `${base}?${query}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${base}/terminate?reason={text}&${query}`,
    rewindPostUri: `${base}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${base}?${query}`,
    restartPostUri: `${base}/restart?${query}`,
    suspendPostUri: `${base}/suspend?reason={text}&${query}`,
    resumePostUri: `${base}/resume?reason={text}&${query}`,
  };
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
