// SSH over Arc on one machine: the default endpoint and the SSH service configuration. All are
// synchronous, converging writes: a PUT of the same body leaves the same resource, and a DELETE
// of nothing answers `alreadyGone`, so each is safe to run twice. Before the subscription
// registers Microsoft.HybridConnectivity, ARM answers a PreconditionError (not retried).
import { z } from "zod";

import {
  deleteSshServiceConfiguration as deleteSsh,
  putDefaultEndpoint as putEndpoint,
  putSshServiceConfiguration as putSsh,
} from "../../shared/azure/hybridConnectivity";
import { machineResourceId, parseMachineId } from "../../shared/resourceId";
import { portField, resourceIdField, textField } from "../../shared/validation/fields";
import { defineActivity } from "../activity";

const machineInput = z.strictObject({ machineId: resourceIdField });

export const putDefaultEndpoint = defineActivity({
  name: "putDefaultEndpoint_v1",
  needs: "azure",
  input: machineInput,
  output: z.strictObject({ id: resourceIdField, type: textField, provisioningState: textField.optional() }),
  async handler({ arm }, input) {
    const endpoint = await putEndpoint(arm, machineResourceId(parseMachineId(input.machineId)));
    return {
      id: endpoint.id,
      type: endpoint.type,
      ...(endpoint.provisioningState !== undefined ? { provisioningState: endpoint.provisioningState } : {}),
    };
  },
});

export const putSshServiceConfiguration = defineActivity({
  name: "putSshServiceConfiguration_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField, port: portField }),
  output: z.strictObject({
    id: resourceIdField,
    serviceName: textField,
    port: z.number().int().optional(),
    provisioningState: textField.optional(),
  }),
  async handler({ arm }, input) {
    const ssh = await putSsh(arm, machineResourceId(parseMachineId(input.machineId)), input.port);
    return {
      id: ssh.id,
      serviceName: ssh.serviceName,
      ...(ssh.port !== undefined ? { port: ssh.port } : {}),
      ...(ssh.provisioningState !== undefined ? { provisioningState: ssh.provisioningState } : {}),
    };
  },
});

export const deleteSshServiceConfiguration = defineActivity({
  name: "deleteSshServiceConfiguration_v1",
  needs: "azure",
  input: machineInput,
  output: z.strictObject({ outcome: z.enum(["deleted", "alreadyGone"]) }),
  async handler({ arm }, input) {
    return { outcome: await deleteSsh(arm, machineResourceId(parseMachineId(input.machineId))) };
  },
});
