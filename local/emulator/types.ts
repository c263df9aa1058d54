// The contract between the emulator's server and its resource providers: a provider registers
// routes; each route names its ARM operation kind (for throttling and Event Grid) and the
// api-versions it serves, and a handler that returns a status, a body and headers.
import type { IncomingHttpHeaders } from "node:http";

import type { Clock } from "../clock";
import type { SeededRandom } from "./random";
import type { EmulatorState } from "./state";

export type HttpMethod = "GET" | "PUT" | "POST" | "PATCH" | "DELETE";

/** ARM's throttling buckets and Event Grid's event kinds hang off this. */
export type OperationKind = "read" | "write" | "delete" | "action";

export interface EmulatorRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  /** Path parameters from the route pattern, as sent (original casing). */
  readonly params: Readonly<Record<string, string>>;
  readonly apiVersion: string | undefined;
  /** Parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly principal: Principal;
}

export interface HandlerResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteDefinition {
  readonly method: HttpMethod;
  /**
   * Path template; `{name}` matches one segment, `{name*}` one or more. Literal segments match
   * case-insensitively, as ARM's do.
   */
  readonly pattern: string;
  /** The spec's operationId, e.g. `Gateways_CreateOrUpdate` (used by fault rules and logs). */
  readonly operationId: string;
  readonly kind: OperationKind;
  /** Resource type for ARM's api-version error, e.g. `Microsoft.HybridCompute/gateways`. */
  readonly resourceType: string;
  readonly apiVersions: readonly string[];
  handler(request: EmulatorRequest, context: EmulatorContext): HandlerResult | Promise<HandlerResult>;
}

/** Who called: read from the bearer token when it is a JWT, else a fixed local principal. */
export interface Principal {
  readonly objectId: string;
  readonly appId: string;
  readonly tenantId: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** What a successful write, delete or action tells Event Grid. */
export interface ResourceEventInput {
  readonly kind: "write" | "delete" | "action";
  /** The resource the operation targeted. */
  readonly resourceUri: string;
  /** e.g. `Microsoft.HybridCompute/machines/write`. */
  readonly operationName: string;
  readonly principal: Principal;
  /**
   * The ARM request as Event Grid reports it: present on updates and deletes, absent on
   * creations (docs/azure-facts.md §9).
   */
  readonly httpRequest?: { readonly method: string; readonly url: string; readonly clientRequestId?: string };
  readonly correlationId: string;
  readonly status?: "Succeeded";
}

export interface EmulatorTimings {
  /** How long a gateway stays `Creating` (Azure: about 4–5 minutes). */
  gatewayCreateMs: number;
  /** How long a gateway deletion runs (a recorded deletion took about a minute). */
  gatewayDeleteMs: number;
  /**
   * How long an agent in gateway mode keeps its `Connected` status after its gateway is gone,
   * before ARM shows the machine `Disconnected` (its heartbeats stop arriving).
   */
  strandedAgentDisconnectMs: number;
  /** How long an async operation reports `Queued` before `InProgress`. */
  operationQueuedMs: number;
  /** How long `Registering` lasts before `Registered`. */
  providerRegistrationMs: number;
  /** How long a run command runs before it finishes. */
  runCommandMs: number;
  /** How long a cluster extension's install takes (Helm release on the cluster: a few minutes). */
  clusterExtensionInstallMs: number;
  /** How long a cluster extension's update (PATCH, or PUT on an existing one) takes. */
  clusterExtensionUpdateMs: number;
  /** How long a cluster extension's deletion takes. */
  clusterExtensionDeleteMs: number;
}

export const defaultTimings: EmulatorTimings = {
  gatewayCreateMs: 4.5 * 60_000,
  gatewayDeleteMs: 60_000,
  strandedAgentDisconnectMs: 15 * 60_000,
  operationQueuedMs: 10_000,
  providerRegistrationMs: 3 * 60_000,
  runCommandMs: 20_000,
  clusterExtensionInstallMs: 2 * 60_000,
  clusterExtensionUpdateMs: 60_000,
  clusterExtensionDeleteMs: 60_000,
};

export interface EmulatorContext {
  readonly state: EmulatorState;
  readonly clock: Clock;
  readonly random: SeededRandom;
  /** `https://127.0.0.1:<port>`: monitor URLs and nextLinks are built on it. */
  readonly baseUrl: string;
  readonly timings: EmulatorTimings;
  /** Hands a successful write/delete/action to the Event Grid system topic. */
  publish(event: ResourceEventInput): void;
  /** Throws ARM's 403 when an admin deny rule covers this action on this scope. */
  authorize(principal: Principal, action: string, scope: string): void;
  /** Throws ARM's 409 MissingSubscriptionRegistration unless the provider is Registered. */
  requireRegistered(subscriptionId: string, namespace: string): void;
  /** A correlation id for this request, also sent as `x-ms-correlation-request-id`. */
  readonly correlationId: string;
}
