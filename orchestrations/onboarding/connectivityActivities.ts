// SSH over Arc on one machine: the default endpoint and the SSH service configuration. All are
// synchronous, converging writes: a PUT of the same body leaves the same resource, and a DELETE
// of nothing answers `alreadyGone`, so each is safe to run twice. Before the subscription
// registers Microsoft.HybridConnectivity, ARM answers a PreconditionError (not retried).
import {
  deleteSshServiceConfiguration as deleteSsh,
  putDefaultEndpoint as putEndpoint,
  putSshServiceConfiguration as putSsh,
} from "../../shared/azure/hybridConnectivity";
import { machineResourceId, parseMachineId } from "../../shared/resourceId";
import type { ActivityInput, ActivityOutput } from "../activityMap";
import type { OnboardingActivityDeps } from "./deps";

export async function putDefaultEndpoint(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"putDefaultEndpoint">,
): Promise<ActivityOutput<"putDefaultEndpoint">> {
  const endpoint = await putEndpoint(deps.arm, machineResourceId(parseMachineId(input.machineId)));
  return {
    id: endpoint.id,
    type: endpoint.type,
    ...(endpoint.provisioningState !== undefined ? { provisioningState: endpoint.provisioningState } : {}),
  };
}

export async function putSshServiceConfiguration(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"putSshServiceConfiguration">,
): Promise<ActivityOutput<"putSshServiceConfiguration">> {
  const ssh = await putSsh(deps.arm, machineResourceId(parseMachineId(input.machineId)), input.port);
  return {
    id: ssh.id,
    serviceName: ssh.serviceName,
    ...(ssh.port !== undefined ? { port: ssh.port } : {}),
    ...(ssh.provisioningState !== undefined ? { provisioningState: ssh.provisioningState } : {}),
  };
}

export async function deleteSshServiceConfiguration(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"deleteSshServiceConfiguration">,
): Promise<ActivityOutput<"deleteSshServiceConfiguration">> {
  return { outcome: await deleteSsh(deps.arm, machineResourceId(parseMachineId(input.machineId))) };
}
