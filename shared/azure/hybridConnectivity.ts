// SSH over Arc (Microsoft.HybridConnectivity 2024-12-01, by resource id — there is no npm SDK):
// the machine's `endpoints/default` and its `serviceConfigurations/SSH`, whose port current
// agents allow instead of `incomingconnections.ports` (docs/azure-facts.md §8). All synchronous. Before
// the subscription registers Microsoft.HybridConnectivity, ARM answers 409
// MissingSubscriptionRegistration (a PreconditionError).
import { ValidationError } from "../errors";
import { defaultEndpointId, serviceConfigurationId } from "../resourceId";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { definedFields, readNumber, readObject, readProperties, readString } from "./armPayload";
import { findResourceBody } from "./armReads";
import type { DeleteOutcome } from "./longRunningOperation";

export interface ConnectivityEndpoint {
  readonly id: string;
  /** `default` or `custom`. */
  readonly type: string;
  readonly provisioningState?: string;
}

export interface SshServiceConfiguration {
  readonly id: string;
  readonly serviceName: string;
  readonly port?: number;
  readonly provisioningState?: string;
}

/** The machine's default endpoint, or undefined when it (or the machine) does not exist. */
export async function getDefaultEndpoint(
  context: ArmContext,
  machineId: string,
): Promise<ConnectivityEndpoint | undefined> {
  const id = defaultEndpointId(machineId);
  const body = await findResourceBody(context, id, apiVersions.hybridConnectivity);
  return body === undefined ? undefined : toConnectivityEndpoint(body, id);
}

export async function putDefaultEndpoint(
  context: ArmContext,
  machineId: string,
): Promise<ConnectivityEndpoint> {
  const id = defaultEndpointId(machineId);
  const response = await context.send({
    method: "PUT",
    path: id,
    apiVersion: apiVersions.hybridConnectivity,
    body: { properties: { type: "default" } },
  });
  return toConnectivityEndpoint(response.body, id);
}

/** Deleting the endpoint removes SSH access altogether (delete the service configuration first). */
export function deleteDefaultEndpoint(context: ArmContext, machineId: string): Promise<DeleteOutcome> {
  return deleteSynchronously(context, defaultEndpointId(machineId));
}

/** The SSH service configuration, or undefined when it (or its endpoint, or the machine) does not exist. */
export async function getSshServiceConfiguration(
  context: ArmContext,
  machineId: string,
): Promise<SshServiceConfiguration | undefined> {
  const id = serviceConfigurationId(machineId, "SSH");
  const body = await findResourceBody(context, id, apiVersions.hybridConnectivity);
  return body === undefined ? undefined : toSshServiceConfiguration(body, id);
}

/** Allows SSH on `port` (docs: a single port per machine). Needs the default endpoint to exist. */
export async function putSshServiceConfiguration(
  context: ArmContext,
  machineId: string,
  port: number,
): Promise<SshServiceConfiguration> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ValidationError(
      `${port} is not a port: expected a whole number from 1 to 65535`,
      "InvalidPort",
    );
  }
  const id = serviceConfigurationId(machineId, "SSH");
  const response = await context.send({
    method: "PUT",
    path: id,
    apiVersion: apiVersions.hybridConnectivity,
    body: { properties: { serviceName: "SSH", port } },
  });
  return toSshServiceConfiguration(response.body, id);
}

export function deleteSshServiceConfiguration(
  context: ArmContext,
  machineId: string,
): Promise<DeleteOutcome> {
  return deleteSynchronously(context, serviceConfigurationId(machineId, "SSH"));
}

/** HybridConnectivity deletes answer 200 (deleted) or 204 (nothing there). */
async function deleteSynchronously(context: ArmContext, id: string): Promise<DeleteOutcome> {
  const response = await context.send({
    method: "DELETE",
    path: id,
    apiVersion: apiVersions.hybridConnectivity,
    allowStatus: [404],
  });
  return response.status === 200 ? "deleted" : "alreadyGone";
}

export function toConnectivityEndpoint(body: unknown, id: string): ConnectivityEndpoint {
  const properties = readProperties(body);
  return {
    id: readString(readObject(body).id) ?? id,
    type: readString(properties.type) ?? "default",
    ...definedFields({ provisioningState: readString(properties.provisioningState) }),
  };
}

export function toSshServiceConfiguration(body: unknown, id: string): SshServiceConfiguration {
  const properties = readProperties(body);
  return {
    id: readString(readObject(body).id) ?? id,
    serviceName: readString(properties.serviceName) ?? "SSH",
    ...definedFields({
      port: readNumber(properties.port),
      provisioningState: readString(properties.provisioningState),
    }),
  };
}
