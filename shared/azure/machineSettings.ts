// The machine's gateway link: the `settings/default` extension resource under the machine
// (Microsoft.HybridCompute/settings, 2025-01-13). The Machine resource itself has no gateway
// property (docs/azure-facts.md §4). The PUT is synchronous (Settings_Update: 200/201).
import { machineSettingsId, parseGatewayId } from "../resourceId";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { readObject, readProperties, readString } from "./armPayload";
import { findResourceBody } from "./armReads";

export interface MachineSettings {
  /** The gateway the machine is attached to in the cloud; absent when it is not attached. */
  readonly gatewayResourceId?: string;
}

/** The machine's settings; `{}` when there are none (never attached) or ARM answers 404 for the machine. */
export async function getMachineSettings(context: ArmContext, machineId: string): Promise<MachineSettings> {
  const body = await findResourceBody(context, machineSettingsId(machineId), apiVersions.hybridCompute);
  return toMachineSettings(body);
}

/** Links the machine to a gateway in the cloud. Agents ≤ 1.50 also need `connection.type gateway` set locally. */
export async function attachMachineToGateway(
  context: ArmContext,
  machineId: string,
  gatewayResourceId: string,
): Promise<MachineSettings> {
  // Validate locally: the service only accepts Microsoft.HybridCompute/gateways ids here.
  parseGatewayId(gatewayResourceId);
  return putSettings(context, machineId, { gatewayResourceId });
}

/**
 * Clears the link with `gatewayResourceId: null`, as `az arcgateway settings update` and `az
 * connectedmachine setting update` do (their model declares it nullable; docs/azure-facts.md §4).
 * The agent must have been switched to `connection.type direct` first.
 */
export function detachMachineFromGateway(context: ArmContext, machineId: string): Promise<MachineSettings> {
  return putSettings(context, machineId, { gatewayResourceId: null });
}

async function putSettings(
  context: ArmContext,
  machineId: string,
  gatewayProperties: { gatewayResourceId: string | null },
): Promise<MachineSettings> {
  const response = await context.send({
    method: "PUT",
    path: machineSettingsId(machineId),
    apiVersion: apiVersions.hybridCompute,
    body: { properties: { gatewayProperties } },
  });
  return toMachineSettings(response.body);
}

export function toMachineSettings(body: unknown): MachineSettings {
  const gatewayResourceId = readString(readObject(readProperties(body).gatewayProperties).gatewayResourceId);
  return gatewayResourceId ? { gatewayResourceId } : {};
}
