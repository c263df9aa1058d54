// Resource-provider registration per subscription (Microsoft.Resources providers, through
// @azure/arm-resources). Registering takes 2–5 minutes and has no LRO headers: POST register,
// then poll the registration state (docs/azure-facts.md §12). Needs `{namespace}/register/action` at
// subscription scope; without it the PermissionError names both.
import { ResourceManagementClient } from "@azure/arm-resources";

import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { callSdk } from "./sdkErrors";

export type RegistrationState =
  "NotRegistered" | "Registering" | "Registered" | "Unregistering" | (string & {});

const clients = new WeakMap<ArmContext, Map<string, ResourceManagementClient>>();

/** One SDK client per ARM context and subscription, sharing the context's endpoint, TLS trust and retry. */
function resourcesClient(context: ArmContext, subscriptionId: string): ResourceManagementClient {
  let bySubscription = clients.get(context);
  if (!bySubscription) {
    bySubscription = new Map();
    clients.set(context, bySubscription);
  }
  const key = subscriptionId.toLowerCase();
  let client = bySubscription.get(key);
  if (!client) {
    client = new ResourceManagementClient(context.credential, subscriptionId, {
      ...context.clientOptions,
      credentialScopes: [context.audience],
      $host: context.endpoint,
      apiVersion: apiVersions.resources,
    });
    context.adoptPipeline(client.pipeline);
    bySubscription.set(key, client);
  }
  return client;
}

export async function getProviderRegistration(
  context: ArmContext,
  subscriptionId: string,
  namespace: string,
): Promise<RegistrationState> {
  const provider = await callSdk(context.now, () =>
    resourcesClient(context, subscriptionId).providers.get(namespace),
  );
  // An absent state is how ARM describes a provider nobody ever registered.
  return provider.registrationState ?? "NotRegistered";
}

/** POSTs register and returns the state it reports (usually `Registering`); poll getProviderRegistration after. */
export async function registerProvider(
  context: ArmContext,
  subscriptionId: string,
  namespace: string,
): Promise<RegistrationState> {
  const provider = await callSdk(context.now, () =>
    resourcesClient(context, subscriptionId).providers.register(namespace),
  );
  return provider.registrationState ?? "Registering";
}
