// Gateway creation, split so nothing waits (a function never sleeps; the orchestrator waits with durable timers, docs/azure-facts.md §10): begin (one PUT, or none when the
// gateway is already there), then one look at the operation per call. Starting twice sends one
// PUT: a second call finds the gateway and returns its state, with a handle that polls the
// resource's provisioningState while it is still being created. A failed or canceled gateway is
// PUT again in place (that costs no quota).
import { apiVersions } from "../../shared/azure/apiVersions";
import { beginCreateGateway as putGateway, findGateway } from "../../shared/azure/gateways";
import {
  type OperationHandle,
  operationStateOf,
  readOperationStatus,
} from "../../shared/azure/longRunningOperation";
import { gatewayResourceId, parseGatewayId } from "../../shared/resourceId";
import type { ActivityInput, ActivityOutput } from "../activityMap";
import type { OnboardingActivityDeps } from "./deps";

export async function beginCreateGateway(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"beginCreateGateway">,
): Promise<ActivityOutput<"beginCreateGateway">> {
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
  const provisioningState = start.result?.provisioningState ?? "Accepted";
  return {
    gatewayId: start.result?.id ?? gatewayId,
    created: true,
    provisioningState,
    done: start.done,
    ...(start.done ? {} : { operation: start.operation }),
  };
}

/** Exactly one GET on the operation's monitor. */
export async function readGatewayOperation(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"readGatewayOperation">,
): Promise<ActivityOutput<"readGatewayOperation">> {
  const status = await readOperationStatus(deps.arm, input.operation);
  return {
    state: status.state,
    rawStatus: status.rawStatus,
    ...(status.error ? { error: { code: status.error.code, message: status.error.message } } : {}),
    ...(status.retryAfterSeconds !== undefined ? { retryAfterSeconds: status.retryAfterSeconds } : {}),
  };
}

/** Polls the gateway resource itself: the original operation's monitor URL is not known any more. */
function resourceHandle(deps: OnboardingActivityDeps, gatewayId: string): OperationHandle {
  const url = new URL(`${deps.arm.endpoint}/${gatewayId.replace(/^\/+/, "")}`);
  url.searchParams.set("api-version", apiVersions.hybridCompute);
  return { resourceId: gatewayId, monitorUrl: url.toString(), monitorKind: "provisioning-state" };
}

/** One GET of the gateway, for a machine whose wait ran out: does it exist, and in what state. */
export async function readGatewayState(
  deps: OnboardingActivityDeps,
  input: ActivityInput<"readGatewayState">,
): Promise<ActivityOutput<"readGatewayState">> {
  const gateway = await findGateway(deps.arm, gatewayResourceId(parseGatewayId(input.gatewayId)));
  return gateway ? { exists: true, provisioningState: gateway.provisioningState } : { exists: false };
}
