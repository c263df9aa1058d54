// What the API Management gateway stories share: the emulator's clusters, API Management services
// and gateways made in process, runs awaited by instance id, the rotation timer fired by hand,
// and a collector of everything the suite captured, for the secrets scan.
import { resolve } from "node:path";

import { createApimGateway } from "../../local/emulator/providers/apiManagement/gateways";
import { createApiManagementService } from "../../local/emulator/providers/apiManagement/services";
import { connectCluster } from "../../local/emulator/providers/kubernetes/connectedClusters";
import { extensionProtectedSettings } from "../../local/emulator/providers/kubernetes/extensions";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import { timerPayload } from "../../local/host/functions/timerTriggers";
import { apimInstanceId } from "../../orchestrations/apim/apimNames";
import type { Harness } from "./onboardingHarness";

export const apimModules = [resolve(__dirname, "../../functions/apimTokenRotation.ts")];
export const day = 24 * 3600_000;

export function apimWorld(h: Harness, subscriptionId: string, resourceGroup = "rg-k8s") {
  const context = () => h.host.emulator!.context();
  for (const namespace of [
    "Microsoft.Kubernetes",
    "Microsoft.KubernetesConfiguration",
    "Microsoft.ApiManagement",
  ])
    presetProviderRegistration(h.host.emulator!.state, subscriptionId, namespace, "Registered");
  const base = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers`;
  return {
    clusterId: (name: string) => `${base}/Microsoft.Kubernetes/connectedClusters/${name}`,
    extensionId: (cluster: string, name = "apim-gateway") =>
      `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
    gateway(service: string, gateway: string, sku = "Developer"): string {
      createApiManagementService(context(), {
        subscriptionId,
        resourceGroup,
        name: service,
        location: "westeurope",
        sku,
      } as Parameters<typeof createApiManagementService>[1]);
      const serviceId = `${base}/Microsoft.ApiManagement/service/${service}`;
      createApimGateway(context(), { serviceId, name: gateway });
      return `${serviceId}/gateways/${gateway}`;
    },
    join(name: string, tags: Record<string, string> = {}, connectivityStatus = "Connected"): string {
      connectCluster(context(), {
        subscriptionId,
        resourceGroup,
        name,
        location: "westeurope",
        tags,
        connectivityStatus,
      } as Parameters<typeof connectCluster>[1]);
      return `${base}/Microsoft.Kubernetes/connectedClusters/${name}`;
    },
    protectedSettings: (extensionId: string) =>
      extensionProtectedSettings(h.host.emulator!.state, extensionId),
    async nodes(gatewayId: string): Promise<number> {
      const response = await h.host.emulator!.request(
        "GET",
        `${gatewayId}/heartbeats?api-version=2024-05-01`,
      );
      return (response.body as { count?: number }).count ?? -1;
    },
  };
}

/** Runs the host until the run of `kind` on the cluster has ended; its status. */
export async function ended(h: Harness, kind: "deploy" | "rotate" | "remove", clusterId: string) {
  const id = apimInstanceId(kind, clusterId);
  await h.host.runUntil(() => {
    const status = h.host.engine.getStatus(id);
    return (
      status !== undefined && ["Completed", "Failed", "Terminated"].includes(String(status.runtimeStatus))
    );
  });
  return h.host.engine.getStatus(id)!;
}

/** Fires the rotation backstop's timer once, as the host would on its schedule. */
export async function fireRotationTimer(h: Harness): Promise<void> {
  const fn = h.host.functionsHost.invoker.find("apimTokenRotation");
  if (!fn) throw new Error("apimTokenRotation is not registered");
  const now = h.clock.now();
  await h.host.functionsHost.invoker.invoke(fn.name, {
    [fn.triggerName]: timerPayload(false, { last: now - 6 * 3_600_000, next: now, lastUpdated: now }),
  });
}

/** Everything a run leaves behind that a person or a tool can read, as text. */
export class Captured {
  private readonly texts: string[] = [];

  constructor(private readonly h: Harness) {}

  /** Takes the instances' inputs, outputs, custom statuses and histories as they are now. */
  snapshot(): void {
    for (const status of this.h.host.engine.list({}, { showInput: true })) {
      this.texts.push(JSON.stringify(status));
      this.texts.push(JSON.stringify(this.h.host.engine.history(status.instanceId)));
    }
  }

  /** Every text captured, with the host log, the emulator's traffic and the outcome events as they are now. */
  all(): string {
    this.snapshot();
    return [
      ...this.texts,
      JSON.stringify(this.h.log.entries),
      JSON.stringify(this.h.host.traffic()),
      JSON.stringify(this.h.host.emulator!.topicEvents("arc-outcomes")),
    ].join("\n");
  }
}

/** Calls a runbook route with the host's function key; its status and JSON body. */
export async function callRoute(
  h: Harness,
  path: string,
  request: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(h.host.apiUrl(path), {
    method: request.method ?? (request.body === undefined ? "GET" : "POST"),
    headers: {
      "x-functions-key": h.host.keys.host.default!,
      ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
