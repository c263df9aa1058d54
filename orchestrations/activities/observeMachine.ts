// observeMachine: everything the planner reads about one machine, as plain JSON. Reads only,
// in the order that keeps them few and safe: the machine (absent → observed as absent, nothing
// more read); its gateway link and the subscription's Microsoft.HybridConnectivity state; the
// default endpoint only once the provider is registered (before that ARM answers 409, not 404);
// the SSH configuration only when the endpoint exists.
import { getDefaultEndpoint, getSshServiceConfiguration } from "../../shared/azure/hybridConnectivity";
import type { ArcMachine } from "../../shared/azure/machines";
import { findMachine } from "../../shared/azure/machines";
import { getMachineSettings } from "../../shared/azure/machineSettings";
import { getProviderRegistration } from "../../shared/azure/resourceProviders";
import { hybridConnectivityNamespace } from "../../shared/onboarding/policy";
import { machineResourceId, parseMachineId } from "../../shared/resourceId";
import type { ActivityOutput } from "../activityMap";
import type { OnboardingActivityDeps } from "./deps";

export async function observeMachine(
  deps: OnboardingActivityDeps,
  input: { machineId: string },
): Promise<ActivityOutput<"observeMachine">> {
  const machineId = machineResourceId(parseMachineId(input.machineId));
  const machine = await findMachine(deps.arm, machineId);
  if (!machine) return { machineId };
  const [settings, providerState] = await Promise.all([
    getMachineSettings(deps.arm, machineId),
    getProviderRegistration(deps.arm, machine.subscriptionId, hybridConnectivityNamespace),
  ]);
  const observed: ActivityOutput<"observeMachine"> = {
    machineId,
    machine: withoutSecrets(machine),
    providerState,
    ...(settings.gatewayResourceId ? { gatewayLink: settings.gatewayResourceId } : {}),
  };
  if (providerState.toLowerCase() !== "registered") return observed;
  const endpoint = await getDefaultEndpoint(deps.arm, machineId);
  if (!endpoint) return observed;
  const ssh = await getSshServiceConfiguration(deps.arm, machineId);
  return {
    ...observed,
    defaultEndpoint: pick({ provisioningState: endpoint.provisioningState }),
    ...(ssh
      ? {
          sshServiceConfiguration: {
            serviceName: ssh.serviceName,
            ...pick({ port: ssh.port, provisioningState: ssh.provisioningState }),
          },
        }
      : {}),
  };
}

/** A proxy URL may carry `user:password@`; the planner never needs it, so history never sees it. */
function withoutSecrets(machine: ArcMachine): ArcMachine {
  const proxyUrl = machine.agentConfiguration.proxyUrl;
  if (proxyUrl === undefined) return machine;
  return {
    ...machine,
    agentConfiguration: { ...machine.agentConfiguration, proxyUrl: redactUserInfo(proxyUrl) },
  };
}

export function redactUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "redacted";
    parsed.password = "";
    return parsed.toString();
  } catch {
    // Not a URL we can parse: keep only what cannot be a credential.
    return url.includes("@") ? "(redacted)" : url;
  }
}

function pick<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
