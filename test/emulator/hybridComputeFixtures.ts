// Shared by the Microsoft.HybridCompute emulator tests: an emulator on a virtual clock, the paths
// of the resources they touch, and `azcmagent connect` for a test machine.
import type { EmulatorOptions } from "../../local/emulator";
import type { ConnectMachineInput } from "../../local/emulator/providers/hybridCompute/machines";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import { connectTestMachine, useVirtualEmulator, type VirtualEmulator } from "../support/armTestbed";

export const subscriptionId = "00000000-0000-4000-8000-00000000c001";
export const resourceGroup = "rg-fleet";
export const location = "westeurope";
export const apiVersion = "api-version=2025-01-13";

export const machineId = (name: string, group = resourceGroup) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.HybridCompute/machines/${name}`;
export const gatewayId = (name: string, group = resourceGroup) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.HybridCompute/gateways/${name}`;
export const settingsId = (machine: string) =>
  `${machineId(machine)}/providers/Microsoft.HybridCompute/settings/default`;
export const runCommandId = (machine: string, name: string) => `${machineId(machine)}/runCommands/${name}`;
export const withApi = (path: string, query = "") => `${path}?${apiVersion}${query}`;

/** The parts of ARM bodies these tests read. */
export interface ArmBody {
  readonly id?: string;
  readonly name?: string;
  readonly type?: string;
  readonly location?: string;
  readonly tags?: Record<string, string>;
  readonly properties?: Record<string, unknown> & {
    readonly provisioningState?: string;
    readonly instanceView?: Record<string, unknown>;
    readonly agentConfiguration?: Record<string, unknown>;
  };
  readonly value?: ArmBody[];
  readonly nextLink?: string;
  readonly status?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export const bodyOf = (response: EmulatorResponse): ArmBody => response.body ?? {};

export type HybridComputeWorld = VirtualEmulator;

/** A fresh world (seed 7) for each test of the enclosing `describe`. */
export function useWorld(options: Omit<EmulatorOptions, "clock"> = {}): HybridComputeWorld {
  return useVirtualEmulator({ seed: 7, ...options });
}

/** `azcmagent connect` for a Linux test machine (override anything); returns the machine id. */
export function connect(
  world: HybridComputeWorld,
  name: string,
  overrides: Partial<ConnectMachineInput> = {},
): string {
  return connectTestMachine(world, {
    subscriptionId,
    resourceGroup,
    name,
    location,
    agentVersion: "1.45.02812.1511",
    ...overrides,
  });
}

/** Creates a gateway and lets virtual time run until it has succeeded. */
export async function provisionGateway(world: HybridComputeWorld, name: string): Promise<string> {
  const put = await world.emulator.request("PUT", withApi(gatewayId(name)), { location });
  if (put.status !== 201) throw new Error(`gateway creation answered ${put.status}: ${put.text}`);
  await world.clock.advance(world.emulator.timings.gatewayCreateMs);
  return gatewayId(name);
}

/** Polls an operation's Azure-AsyncOperation URL once. */
export async function operationStatus(
  world: HybridComputeWorld,
  response: EmulatorResponse,
): Promise<ArmBody> {
  const monitor = response.headers["azure-asyncoperation"];
  if (!monitor) throw new Error("the response has no Azure-AsyncOperation header");
  return bodyOf(await world.emulator.request("GET", monitor));
}
