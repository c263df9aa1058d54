// Gateway work on ARM. Creation is split so nothing waits (a function never sleeps; the
// orchestrator waits with durable timers, docs/azure-facts.md §10): begin (one PUT, or none when
// the gateway is already there), then one look at the operation per call. Starting twice sends
// one PUT: a second call finds the gateway and returns its state, with a handle that polls the
// resource's provisioningState while it is still being created. A failed or canceled gateway is
// PUT again in place (that costs no quota). Attaching a machine is a converging PUT of its
// settings: the same body twice leaves the same resource.
import { z } from "zod";

import { apiVersions } from "../../shared/azure/apiVersions";
import { operationStateOf } from "../../shared/azure/azureStates";
import { beginCreateGateway as putGateway, findGateway } from "../../shared/azure/gateways";
import { type OperationHandle, readOperationStatus } from "../../shared/azure/longRunningOperation";
import { attachMachineToGateway } from "../../shared/azure/machineSettings";
import {
  gatewayResourceId,
  machineResourceId,
  parseGatewayId,
  parseMachineId,
} from "../../shared/resourceId";
import { resourceIdField, textField } from "../../shared/validation/fields";
import { type AzureDeps, defineActivity } from "../activity";

export const operationHandleSchema = z.strictObject({
  resourceId: resourceIdField,
  /** Absolute monitor URL on the ARM endpoint; may be long, never truncated. */
  monitorUrl: z.string().min(1).max(16_384),
  monitorKind: z.enum(["azure-asyncoperation", "location", "provisioning-state"]),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});

const location = z.string().min(1).max(64);

/** PUTs the gateway unless it already exists (and did not fail); never waits. */
export const beginCreateGateway = defineActivity({
  name: "beginCreateGateway_v1",
  needs: "azure",
  input: z.strictObject({
    gatewayId: resourceIdField,
    location,
    tags: z.record(z.string(), z.string()).optional(),
  }),
  output: z.strictObject({
    gatewayId: resourceIdField,
    /** `true` when this call sent the PUT; `false` when the gateway was already there. */
    created: z.boolean(),
    provisioningState: textField,
    done: z.boolean(),
    operation: operationHandleSchema.optional(),
  }),
  async handler(deps, input) {
    const gatewayId = gatewayResourceId(parseGatewayId(input.gatewayId));
    const existing = await findGateway(deps.arm, gatewayId);
    if (existing) {
      const state = operationStateOf(existing.provisioningState);
      if (state === "running" || state === "succeeded") {
        return {
          gatewayId: existing.id,
          created: false,
          provisioningState: existing.provisioningState,
          done: state === "succeeded",
          ...(state === "running" ? { operation: resourceHandle(deps, existing.id) } : {}),
        };
      }
    }
    const start = await putGateway(deps.arm, {
      gatewayId,
      location: input.location,
      ...(input.tags ? { tags: input.tags } : {}),
    });
    return {
      gatewayId: start.result?.id ?? gatewayId,
      created: true,
      provisioningState: start.result?.provisioningState ?? "Accepted",
      done: start.done,
      ...(start.done ? {} : { operation: start.operation }),
    };
  },
});

/** Exactly one GET on the operation's monitor. */
export const readGatewayOperation = defineActivity({
  name: "readGatewayOperation_v1",
  needs: "azure",
  input: z.strictObject({ operation: operationHandleSchema }),
  output: z.strictObject({
    state: z.enum(["running", "succeeded", "failed", "canceled"]),
    rawStatus: textField,
    error: z.strictObject({ code: textField, message: textField }).optional(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
  }),
  async handler({ arm }, input) {
    const status = await readOperationStatus(arm, input.operation);
    return {
      state: status.state,
      rawStatus: status.rawStatus,
      ...(status.error ? { error: { code: status.error.code, message: status.error.message } } : {}),
      ...(status.retryAfterSeconds !== undefined ? { retryAfterSeconds: status.retryAfterSeconds } : {}),
    };
  },
});

/** One GET of the gateway: the waiting machine's single re-read when no word came from its singleton. */
export const readGatewayState = defineActivity({
  name: "readGatewayState_v1",
  needs: "azure",
  input: z.strictObject({ gatewayId: resourceIdField }),
  output: z.strictObject({ exists: z.boolean(), provisioningState: textField.optional() }),
  async handler({ arm }, input) {
    const gateway = await findGateway(arm, gatewayResourceId(parseGatewayId(input.gatewayId)));
    return gateway ? { exists: true, provisioningState: gateway.provisioningState } : { exists: false };
  },
});

/** PUT settings/default with the gateway id (a converging PUT: the same body twice changes nothing). */
export const attachGateway = defineActivity({
  name: "attachGateway_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField, gatewayId: resourceIdField }),
  output: z.strictObject({ gatewayResourceId: resourceIdField }),
  async handler({ arm }, input) {
    const machineId = machineResourceId(parseMachineId(input.machineId));
    const gatewayId = gatewayResourceId(parseGatewayId(input.gatewayId));
    const settings = await attachMachineToGateway(arm, machineId, gatewayId);
    return { gatewayResourceId: settings.gatewayResourceId ?? gatewayId };
  },
});

/** Polls the gateway resource itself: the original operation's monitor URL is not known any more. */
function resourceHandle(deps: Pick<AzureDeps, "arm">, gatewayId: string): OperationHandle {
  const url = new URL(`${deps.arm.endpoint}/${gatewayId.replace(/^\/+/, "")}`);
  url.searchParams.set("api-version", apiVersions.hybridCompute);
  return { resourceId: gatewayId, monitorUrl: url.toString(), monitorKind: "provisioning-state" };
}
