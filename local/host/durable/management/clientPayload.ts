// The durable client binding payload `df.getClient(context)` reads
// (Azure/azure-functions-durable-extension BindingHelper.DurableOrchestrationClientToString; Learn
// "HTTP API reference" for Durable Functions). With `rpcBaseUrl` present the JS client sends every
// call to it; it must end with "/" because the client resolves relative paths against it.
import type { WebhookSettings } from "./webhookUrls";
import { httpManagementPayload, trimSlash, webhookPath } from "./webhookUrls";

export function durableClientPayload(
  baseUrl: string,
  rpcBaseUrl: string,
  settings: WebhookSettings,
): Record<string, unknown> {
  const webhookBase = `${trimSlash(baseUrl)}${webhookPath}`;
  const code = `code=${encodeURIComponent(settings.systemKey)}`;
  return {
    taskHubName: settings.taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]?${code}`,
      createAndWaitOnNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${code}`,
    },
    managementUrls: httpManagementPayload(baseUrl, settings, "INSTANCEID"),
    baseUrl: webhookBase,
    requiredQueryStringParameters: code,
    rpcBaseUrl: rpcBaseUrl.endsWith("/") ? rpcBaseUrl : `${rpcBaseUrl}/`,
    connectionName: null,
  };
}
