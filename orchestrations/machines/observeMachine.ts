// observeMachine: everything the onboarding planner reads about one machine (observeMachineLink:
// the part a detach needs). Reads only,
// in the order that keeps them few and safe: the machine (absent → observed as absent, nothing
// more read); its gateway link and the subscription's Microsoft.HybridConnectivity state (shared
// by the subscription's machines, see SubscriptionFacts); whether the linked gateway still exists
// or retiring (one GET per gateway, shared the same way: a deleted one strands the machine); the
// default endpoint only once the
// provider is registered (before that ARM answers 409, not 404) and the machine is attached (or
// direct by an operator's choice, which is as settled); the
// SSH configuration only when the endpoint exists. A machine that is not attached yet is being
// onboarded now: its endpoint and SSH configuration are written with converging PUTs whose
// answers prove the result, so reading them first would only add two requests per machine.
import { isRegistered } from "../../shared/azure/azureStates";
import { getDefaultEndpoint, getSshServiceConfiguration } from "../../shared/azure/hybridConnectivity";
import type { ArcMachine } from "../../shared/azure/machines";
import { findMachine } from "../../shared/azure/machines";
import { getMachineSettings, type MachineSettings } from "../../shared/azure/machineSettings";
import { isDirectByChoice } from "../../shared/onboarding/connectionChoice";
import type { OnboardingObservation } from "../../shared/onboarding/onboardingPlan";
import { hybridConnectivityNamespace } from "../../shared/onboarding/policy";
import { isGatewayId, machineResourceId, parseMachineId } from "../../shared/resourceId";
import type { AzureDeps } from "../activity";

/** What Azure shows of the machine; the placement is added by the onboarding planner when it needs one. */
export type MachineObservation = Pick<
  OnboardingObservation,
  | "machineId"
  | "machine"
  | "gatewayLink"
  | "linkedGateway"
  | "providerState"
  | "defaultEndpoint"
  | "sshServiceConfiguration"
>;

/** The machine and its gateway link, nothing more: all a detach needs (two GETs). */
export async function observeMachineLink(
  { arm }: Pick<AzureDeps, "arm">,
  input: { readonly machineId: string },
): Promise<Pick<MachineObservation, "machineId" | "machine" | "gatewayLink">> {
  const machineId = machineResourceId(parseMachineId(input.machineId));
  const machine = await findMachine(arm, machineId);
  if (!machine) return { machineId };
  return linked(machineId, machine, await getMachineSettings(arm, machineId));
}

export async function observeMachine(
  { arm, facts }: Pick<AzureDeps, "arm" | "facts">,
  input: {
    readonly machineId: string;
    /**
     * ARC_CONNECTION_TAG: a machine tagged direct by an operator's choice stays unattached on
     * purpose, so its endpoint and SSH configuration are read as an attached machine's are.
     */
    readonly connectionTag?: string;
  },
): Promise<MachineObservation> {
  const machineId = machineResourceId(parseMachineId(input.machineId));
  const machine = await findMachine(arm, machineId);
  if (!machine) return { machineId };
  // Side by side: the provider's state is read from ARM until it is Registered (then kept).
  const [settings, providerState] = await Promise.all([
    getMachineSettings(arm, machineId),
    facts.providerState(machine.subscriptionId, hybridConnectivityNamespace),
  ]);
  const link = linked(machineId, machine, settings);
  // A link to a gateway that is gone or retiring: one GET per gateway, shared.
  const state =
    link.gatewayLink !== undefined && isGatewayId(link.gatewayLink)
      ? await facts.linkedGatewayState(link.gatewayLink)
      : "live";
  const observed: MachineObservation = {
    ...link,
    ...(state !== "live" ? { linkedGateway: state } : {}),
    providerState,
  };
  const settled =
    observed.gatewayLink !== undefined ||
    (input.connectionTag !== undefined && isDirectByChoice(machine.tags, input.connectionTag));
  if (!isRegistered(providerState) || !settled) return observed;
  const endpoint = await getDefaultEndpoint(arm, machineId);
  if (!endpoint) return observed;
  const ssh = await getSshServiceConfiguration(arm, machineId);
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

function linked(
  machineId: string,
  machine: ArcMachine,
  settings: MachineSettings,
): Pick<MachineObservation, "machineId" | "machine" | "gatewayLink"> {
  return {
    machineId,
    machine: withoutSecrets(machine),
    ...(settings.gatewayResourceId ? { gatewayLink: settings.gatewayResourceId } : {}),
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
