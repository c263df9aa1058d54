// Microsoft.Resources providers (Providers_Get / Providers_Register / Providers_Unregister,
// api-version 2025-04-01). Registration is not instant in Azure: a register answers 200 with
// `Registering` and the provider becomes `Registered` minutes later (the SSH docs say 2–5 minutes),
// so callers must poll GET. There is no LRO header. The emulator moves the state on its clock.
import { z } from "zod";

import { resourceProviderId } from "../../../shared/resourceId";
import { ArmHttpError } from "../armError";
import { publishSucceeded } from "../armResource";
import type { EmulatorState, RegistrationState } from "../state";
import type { EmulatorContext, EmulatorRequest, HandlerResult, RouteDefinition } from "../types";
import { parseBody } from "../validation";

export const resourcesApiVersions = ["2025-04-01"] as const;

interface CatalogResourceType {
  readonly resourceType: string;
  readonly apiVersions: readonly string[];
  readonly locations: readonly string[];
  readonly capabilities?: string;
}

interface CatalogProvider {
  readonly namespace: string;
  readonly resourceTypes: readonly CatalogResourceType[];
}

// Display names, as Providers_Get reports locations (`West US`, not `westus`).
const arcLocations = [
  "East US",
  "East US 2",
  "West US 2",
  "West US 3",
  "Central US",
  "North Europe",
  "West Europe",
  "UK South",
  "France Central",
  "Sweden Central",
  "Southeast Asia",
  "Australia East",
  "Japan East",
  "Canada Central",
];

const hybridComputeVersions = ["2025-01-13", "2024-07-10", "2024-05-20-preview", "2022-12-27"];
const hybridConnectivityVersions = ["2024-12-01", "2023-03-15", "2022-05-01-preview", "2021-10-06-preview"];

const tracked = "SupportsTags, SupportsLocation";

/** The namespaces the emulator knows; any other namespace is invalid, as an unknown one is in Azure. */
const catalog: readonly CatalogProvider[] = [
  {
    namespace: "Microsoft.HybridCompute",
    resourceTypes: [
      {
        resourceType: "machines",
        apiVersions: hybridComputeVersions,
        locations: arcLocations,
        capabilities: tracked,
      },
      {
        resourceType: "machines/extensions",
        apiVersions: hybridComputeVersions,
        locations: arcLocations,
        capabilities: tracked,
      },
      {
        resourceType: "machines/runCommands",
        apiVersions: hybridComputeVersions,
        locations: arcLocations,
        capabilities: tracked,
      },
      {
        resourceType: "gateways",
        apiVersions: hybridComputeVersions,
        locations: arcLocations,
        capabilities: tracked,
      },
      { resourceType: "settings", apiVersions: hybridComputeVersions, locations: [] },
      { resourceType: "locations", apiVersions: hybridComputeVersions, locations: [] },
      {
        resourceType: "locations/operationStatus",
        apiVersions: hybridComputeVersions,
        locations: arcLocations,
      },
      {
        resourceType: "locations/operationResults",
        apiVersions: hybridComputeVersions,
        locations: arcLocations,
      },
      { resourceType: "operations", apiVersions: hybridComputeVersions, locations: [] },
    ],
  },
  {
    namespace: "Microsoft.HybridConnectivity",
    resourceTypes: [
      { resourceType: "endpoints", apiVersions: hybridConnectivityVersions, locations: [] },
      {
        resourceType: "endpoints/serviceConfigurations",
        apiVersions: hybridConnectivityVersions,
        locations: [],
      },
      { resourceType: "operations", apiVersions: hybridConnectivityVersions, locations: [] },
    ],
  },
  {
    namespace: "Microsoft.ResourceGraph",
    resourceTypes: [
      { resourceType: "resources", apiVersions: ["2024-04-01", "2022-10-01", "2021-03-01"], locations: [] },
      { resourceType: "operations", apiVersions: ["2024-04-01", "2022-10-01"], locations: [] },
    ],
  },
  ...[
    "Microsoft.GuestConfiguration",
    "Microsoft.AzureArcData",
    "Microsoft.Kubernetes",
    "Microsoft.KubernetesConfiguration",
    "Microsoft.ExtendedLocation",
    "Microsoft.EventGrid",
    "Microsoft.ApiManagement",
    "Microsoft.Insights",
    "Microsoft.OperationalInsights",
    "Microsoft.ManagedIdentity",
    "Microsoft.Storage",
    "Microsoft.Web",
    "Microsoft.KeyVault",
  ].map((namespace) => ({
    namespace,
    resourceTypes: [{ resourceType: "operations", apiVersions: ["2023-01-01"], locations: [] }],
  })),
];

const byLowerNamespace = new Map(catalog.map((provider) => [provider.namespace.toLowerCase(), provider]));

export const knownProviderNamespaces: readonly string[] = catalog.map((provider) => provider.namespace);

/** The catalogue's casing of a namespace, or undefined when the emulator does not know it. */
export function canonicalNamespace(namespace: string): string | undefined {
  return byLowerNamespace.get(namespace.toLowerCase())?.namespace;
}

function invalidNamespace(namespace: string): ArmHttpError {
  return new ArmHttpError(
    404,
    "InvalidResourceNamespace",
    `The resource namespace '${namespace}' is invalid.`,
  );
}

function requireKnownNamespace(namespace: string): string {
  const canonical = canonicalNamespace(namespace);
  if (!canonical) throw invalidNamespace(namespace);
  return canonical;
}

/** The Provider body Providers_Get returns for a subscription. */
export function providerBody(
  state: EmulatorState,
  subscriptionId: string,
  namespace: string,
): Record<string, unknown> {
  const canonical = requireKnownNamespace(namespace);
  const provider = byLowerNamespace.get(canonical.toLowerCase());
  return {
    id: resourceProviderId(subscriptionId, canonical),
    namespace: canonical,
    registrationState: state.registrationState(subscriptionId, canonical),
    registrationPolicy: "RegistrationRequired",
    resourceTypes: (provider?.resourceTypes ?? []).map((type) => ({
      resourceType: type.resourceType,
      locations: [...type.locations],
      apiVersions: [...type.apiVersions],
      ...(type.capabilities ? { capabilities: type.capabilities } : {}),
    })),
  };
}

// A register, unregister or preset started after a pending transition supersedes it: only the
// newest transition of a (subscription, namespace) pair may finish.
const transitions = new WeakMap<EmulatorState, Map<string, symbol>>();

function startTransition(state: EmulatorState, subscriptionId: string, namespace: string): symbol {
  let pending = transitions.get(state);
  if (!pending) {
    pending = new Map();
    transitions.set(state, pending);
  }
  const token = Symbol(namespace);
  pending.set(`${subscriptionId}/${namespace}`.toLowerCase(), token);
  return token;
}

function isCurrentTransition(
  state: EmulatorState,
  subscriptionId: string,
  namespace: string,
  token: symbol,
): boolean {
  return transitions.get(state)?.get(`${subscriptionId}/${namespace}`.toLowerCase()) === token;
}

/**
 * Sets a provider's registration state at once, cancelling any pending transition: the admin
 * API's way to start a scenario with HybridConnectivity registered (or Compute unregistered).
 */
export function presetProviderRegistration(
  state: EmulatorState,
  subscriptionId: string,
  namespace: string,
  registrationState: RegistrationState,
): void {
  const canonical = requireKnownNamespace(namespace);
  startTransition(state, subscriptionId, canonical);
  state.setRegistrationState(subscriptionId, canonical, registrationState);
}

// ---- test knob: a registration that does not finish (off unless a test sets it) ----

const heldRegistrations = new WeakMap<EmulatorState, Set<string>>();

const registrationKey = (subscriptionId: string, namespace: string) =>
  `${subscriptionId}/${requireKnownNamespace(namespace)}`.toLowerCase();

/**
 * Test knob: a registration of `namespace` in the subscription, begun or in flight, stays
 * `Registering` until released: a registration stuck far beyond the 2–5 minutes the docs give
 * (docs/azure-facts.md §12). Every answer stays one Azure gives: Registering is a real state.
 */
export function holdProviderRegistration(
  state: EmulatorState,
  subscriptionId: string,
  namespace: string,
): void {
  const held = heldRegistrations.get(state) ?? new Set<string>();
  held.add(registrationKey(subscriptionId, namespace));
  heldRegistrations.set(state, held);
}

/** Ends a hold: a registration still `Registering` is `Registered` at once, as if it had just finished. */
export function releaseProviderRegistration(
  state: EmulatorState,
  subscriptionId: string,
  namespace: string,
): void {
  heldRegistrations.get(state)?.delete(registrationKey(subscriptionId, namespace));
  const canonical = requireKnownNamespace(namespace);
  if (state.registrationState(subscriptionId, canonical) === "Registering") {
    presetProviderRegistration(state, subscriptionId, canonical, "Registered");
  }
}

function isHeld(state: EmulatorState, subscriptionId: string, namespace: string): boolean {
  return heldRegistrations.get(state)?.has(registrationKey(subscriptionId, namespace)) ?? false;
}

/**
 * Starts registration as Providers_Register does: `Registering` now, `Registered` after
 * `timings.providerRegistrationMs`. Registering again while in flight does not restart the wait.
 */
export function registerProvider(
  context: EmulatorContext,
  subscriptionId: string,
  namespace: string,
): RegistrationState {
  return changeRegistration(context, subscriptionId, namespace, "Registering", "Registered");
}

/** Starts unregistration: `Unregistering` now, `NotRegistered` after the same delay as registering. */
export function unregisterProvider(
  context: EmulatorContext,
  subscriptionId: string,
  namespace: string,
): RegistrationState {
  return changeRegistration(context, subscriptionId, namespace, "Unregistering", "NotRegistered");
}

/**
 * Moves a provider to `transient` now and to `settled` after `timings.providerRegistrationMs`,
 * unless another change comes first; a provider already in either state is left alone.
 */
function changeRegistration(
  context: EmulatorContext,
  subscriptionId: string,
  namespace: string,
  transient: "Registering" | "Unregistering",
  settled: "Registered" | "NotRegistered",
): RegistrationState {
  const canonical = requireKnownNamespace(namespace);
  const { state } = context;
  const current = state.registrationState(subscriptionId, canonical);
  if (current === settled || current === transient) return current;
  const token = startTransition(state, subscriptionId, canonical);
  state.setRegistrationState(subscriptionId, canonical, transient);
  context.clock.setTimer(context.timings.providerRegistrationMs, () => {
    if (!isCurrentTransition(state, subscriptionId, canonical, token)) return;
    if (transient === "Registering" && isHeld(state, subscriptionId, canonical)) return;
    if (state.registrationState(subscriptionId, canonical) === transient) {
      state.setRegistrationState(subscriptionId, canonical, settled);
    }
  });
  return transient;
}

const registrationRequestSchema = z.strictObject({
  thirdPartyProviderConsent: z.strictObject({ consentToAuthorization: z.boolean().optional() }).optional(),
});

function params(request: EmulatorRequest): { subscriptionId: string; namespace: string } {
  return {
    subscriptionId: request.params.subscriptionId ?? "",
    namespace: request.params.resourceProviderNamespace ?? "",
  };
}

function registrationAction(
  verb: "register" | "unregister",
  change: (context: EmulatorContext, subscriptionId: string, namespace: string) => RegistrationState,
) {
  return (request: EmulatorRequest, context: EmulatorContext): HandlerResult => {
    const { subscriptionId, namespace } = params(request);
    const canonical = requireKnownNamespace(namespace);
    const scope = `/subscriptions/${subscriptionId}`;
    // RBAC's action for registration is `<Namespace>/register/action` (Contributor has `*/register/action`).
    const action = `${canonical}/${verb}/action`;
    context.authorize(request.principal, action, scope);
    if (verb === "register" && request.body !== undefined) parseBody(registrationRequestSchema, request.body);
    change(context, subscriptionId, canonical);
    publishSucceeded(request, context, "action", resourceProviderId(subscriptionId, canonical), action);
    return { status: 200, body: providerBody(context.state, subscriptionId, canonical) };
  };
}

const providerPath = "/subscriptions/{subscriptionId}/providers/{resourceProviderNamespace}";

export function resourceProvidersRoutes(): RouteDefinition[] {
  return [
    {
      method: "GET",
      pattern: providerPath,
      operationId: "Providers_Get",
      kind: "read",
      resourceType: "Microsoft.Resources/providers",
      apiVersions: resourcesApiVersions,
      handler: (request, context) => {
        const { subscriptionId, namespace } = params(request);
        return { status: 200, body: providerBody(context.state, subscriptionId, namespace) };
      },
    },
    {
      method: "POST",
      pattern: `${providerPath}/register`,
      operationId: "Providers_Register",
      kind: "action",
      resourceType: "Microsoft.Resources/providers",
      apiVersions: resourcesApiVersions,
      handler: registrationAction("register", registerProvider),
    },
    {
      method: "POST",
      pattern: `${providerPath}/unregister`,
      operationId: "Providers_Unregister",
      kind: "action",
      resourceType: "Microsoft.Resources/providers",
      apiVersions: resourcesApiVersions,
      handler: registrationAction("unregister", unregisterProvider),
    },
  ];
}
