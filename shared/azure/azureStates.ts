// Azure's state words, typed once. ARM reports provisioning states, provider registration states,
// machine statuses and Run Command execution states as free text in any casing (`Succeeded`,
// `succeeded`, `Cancelled`…); everything that decides on one reads it through these mappings
// instead of comparing strings. Pure: orchestrators may use them.

/** Where an operation (or a resource's provisioning) stands. */
export type OperationState = "running" | "succeeded" | "failed" | "canceled";

/** Provisioning states that end an operation; every other value (Creating, Updating, Accepted…) is still running. */
export function operationStateOf(status: string | undefined): OperationState {
  switch (normalized(status)) {
    case "succeeded":
      return "succeeded";
    case "failed":
      return "failed";
    case "canceled":
    case "cancelled":
      return "canceled";
    default:
      return "running";
  }
}

export function hasSucceeded(provisioningState: string | undefined): boolean {
  return operationStateOf(provisioningState) === "succeeded";
}

/** Ended without success (Failed, Canceled): a PUT of the same body over it does not clear that. */
export function hasFailed(provisioningState: string | undefined): boolean {
  const state = operationStateOf(provisioningState);
  return state === "failed" || state === "canceled";
}

/** A resource whose provisioning says it was deleted: it has to be created again, like a failed one. */
export function isDeletedState(provisioningState: string | undefined): boolean {
  return normalized(provisioningState) === "deleted";
}

/** Being deleted or deleted: its name is busy until it is gone, and nothing may attach to it. */
export function isGoingAway(provisioningState: string | undefined): boolean {
  return normalized(provisioningState) === "deleting" || isDeletedState(provisioningState);
}

/**
 * A resource provider's registration in one subscription (docs/azure-facts.md §12). ARM answers no
 * state for a provider nobody registered, and `Unregistered` for one that was; both are
 * `notRegistered` here. A word ARM may add later is `unknown`: neither done nor refused.
 */
export type RegistrationPhase = "registered" | "registering" | "notRegistered" | "unregistering" | "unknown";

export function registrationPhaseOf(state: string | undefined): RegistrationPhase {
  switch (normalized(state)) {
    case "registered":
      return "registered";
    case "registering":
      return "registering";
    case "":
    case "notregistered":
    case "unregistered":
      return "notRegistered";
    case "unregistering":
      return "unregistering";
    default:
      return "unknown";
  }
}

export function isRegistered(state: string | undefined): boolean {
  return registrationPhaseOf(state) === "registered";
}

/** An Arc machine's `status`: only a Connected agent can be changed from Azure. */
export function isConnected(status: string | undefined): boolean {
  return normalized(status) === "connected";
}

/**
 * Where a Run Command stands: running while its provisioning is; then its execution state decides
 * (`Failed`, `TimedOut`, `Canceled`), and a script that ended with a non-zero exit code failed even
 * when the run itself reports success.
 */
export function runCommandStateOf(view: {
  readonly provisioningState: string | undefined;
  readonly executionState: string | undefined;
  readonly exitCode?: number;
}): OperationState {
  const provisioning = operationStateOf(view.provisioningState);
  if (provisioning === "running") return "running";
  const execution = normalized(view.executionState);
  if (execution === "failed" || execution === "timedout") return "failed";
  if (execution === "canceled" || execution === "cancelled") return "canceled";
  if (view.exitCode !== undefined && view.exitCode !== 0) return "failed";
  return provisioning;
}

function normalized(state: string | undefined): string {
  return (state ?? "").trim().toLowerCase();
}
