// Microsoft.HybridCompute/settings: the extension resource (always named `default`) that links an
// Arc machine to an Arc gateway (docs/azure-facts.md §4). Synchronous PUT and PATCH. A machine
// that never had settings still answers GET, with its tenant, its location and empty
// `gatewayProperties`, because `az arcgateway settings update` reads before it writes; the first
// PUT answers 200 as in the recorded session. `gatewayResourceId: null` clears the link. Agents
// from 1.51 on follow the link by themselves.
import { z } from "zod";

import { normalizeResourceId, parseGatewayId } from "../../../../shared/resourceId";
import { armErrors } from "../../armError";
import { publishSucceeded, systemData } from "../../armResource";
import type { EmulatorState, StoredResource } from "../../state";
import type {
  EmulatorContext,
  EmulatorRequest,
  HandlerResult,
  Principal,
  RouteDefinition,
} from "../../types";
import { parseBody } from "../../validation";
import {
  apiVersions,
  echoedEnvelope,
  machineIdOf,
  namespace,
  resourceGroupPath,
  resourceKey,
} from "./armConventions";
import { findGateway, gatewayProvisioningState } from "./gateways";
import {
  agentFollowsGatewaySetting,
  machineViewOf,
  requireMachine,
  setAgentConnectionType,
  setAgentGateway,
} from "./machineRecords";

export const settingsType = "Microsoft.HybridCompute/settings";

const settingsPath = `${resourceGroupPath}/providers/{baseProvider}/{baseResourceType}/{baseResourceName}/providers/Microsoft.HybridCompute/settings/{settingsResourceName}`;

const gatewayPropertiesSchema = z.strictObject({
  // The CLI detaches with `gatewayResourceId: null` (its model marks it nullable) although the
  // spec types it as a plain string.
  gatewayResourceId: z.string().nullable().optional(),
});

const settingsBodySchema = z.strictObject({
  ...echoedEnvelope,
  properties: z
    .strictObject({
      // Read-only: ignored when a client sends a GET body back.
      tenantId: z.string().optional(),
      gatewayProperties: gatewayPropertiesSchema.nullable().optional(),
    })
    .optional(),
});

type SettingsBody = z.output<typeof settingsBodySchema>;

export function machineSettingsIdOf(machineId: string): string {
  return `${machineId}/providers/Microsoft.HybridCompute/settings/default`;
}

/** The machine these settings hang off and their id; only Arc machines have them in the emulator. */
function settingsTargetOf(request: EmulatorRequest): { machineId: string; id: string } {
  const baseProvider = request.params.baseProvider ?? "";
  const baseResourceType = request.params.baseResourceType ?? "";
  if (
    baseProvider.toLowerCase() !== "microsoft.hybridcompute" ||
    baseResourceType.toLowerCase() !== "machines"
  ) {
    throw armErrors.badRequest(
      "UnsupportedBaseResourceType",
      `Microsoft.HybridCompute/settings is served here only for Microsoft.HybridCompute/machines, not '${baseProvider}/${baseResourceType}'.`,
    );
  }
  if ((request.params.settingsResourceName ?? "").toLowerCase() !== "default") {
    throw armErrors.invalidName(
      "settings",
      request.params.settingsResourceName ?? "",
      "The only settings resource is named 'default'.",
    );
  }
  const machineId = machineIdOf(request, request.params.baseResourceName ?? "");
  return { machineId, id: machineSettingsIdOf(machineId) };
}

// ---- test knob: a settings write that lands on another gateway (off unless a test sets it) ----

const redirectedLinks = new WeakMap<EmulatorState, Map<string, string>>();

/**
 * Test knob: the next settings PUT for `machineId` links the machine to `gatewayResourceId`
 * instead of the gateway it names, and answers so — as when another writer's PUT to the same
 * settings lands at the same moment and wins. The answer is still a valid settings resource: the
 * gateway must exist and be provisioned when the PUT comes, as any link must. One PUT takes it.
 */
export function linkNextSettingsPutTo(
  state: EmulatorState,
  machineId: string,
  gatewayResourceId: string,
): void {
  const links = redirectedLinks.get(state) ?? new Map<string, string>();
  links.set(normalizeResourceId(machineId), gatewayResourceId);
  redirectedLinks.set(state, links);
}

function takeRedirectedLink(state: EmulatorState, machineId: string): string | undefined {
  const links = redirectedLinks.get(state);
  const key = normalizeResourceId(machineId);
  const link = links?.get(key);
  links?.delete(key);
  return link;
}

function gatewayLinkOf(settings: StoredResource | undefined): string | undefined {
  const properties = settings?.body.properties as
    { gatewayProperties?: { gatewayResourceId?: unknown } } | undefined;
  const link = properties?.gatewayProperties?.gatewayResourceId;
  return typeof link === "string" ? link : undefined;
}

/** The gateway a machine may be linked to: a real gateway id, existing and provisioned. */
export function requireAttachableGateway(context: EmulatorContext, gatewayResourceId: string): string {
  try {
    parseGatewayId(gatewayResourceId);
  } catch {
    throw armErrors.badRequest(
      "LinkedInvalidPropertyId",
      `Property id '${gatewayResourceId}' at path 'properties.gatewayProperties.gatewayResourceId' is invalid. Expect the id of a Microsoft.HybridCompute/gateways resource: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.HybridCompute/gateways/{gatewayName}'.`,
    );
  }
  const gateway = findGateway(context, gatewayResourceId);
  if (!gateway) {
    throw armErrors.badRequest("GatewayNotFound", `The Arc gateway '${gatewayResourceId}' does not exist.`);
  }
  const state = gatewayProvisioningState(gateway);
  if (state !== "Succeeded") {
    throw armErrors.conflict(
      "GatewayNotReady",
      `The Arc gateway '${gateway.id}' is ${state}; a machine can be linked only to a gateway whose provisioning has succeeded.`,
    );
  }
  return gateway.id;
}

function settingsBody(
  machine: StoredResource,
  gatewayResourceId: string | undefined,
  principal: Principal,
  now: number,
  previous: StoredResource | undefined,
): Record<string, unknown> {
  return {
    ...unlinkedSettingsBody(machine, principal),
    properties: {
      tenantId: machineViewOf(machine).tenantId || principal.tenantId,
      gatewayProperties: gatewayResourceId === undefined ? {} : { gatewayResourceId },
    },
    systemData: systemData(principal, now, previous?.body.systemData),
  };
}

/** What GET answers for a machine whose settings were never written. */
function unlinkedSettingsBody(machine: StoredResource, principal: Principal): Record<string, unknown> {
  const view = machineViewOf(machine);
  return {
    id: machineSettingsIdOf(machine.id),
    name: "default",
    type: settingsType,
    ...(view.location ? { location: view.location } : {}),
    properties: { tenantId: view.tenantId || principal.tenantId, gatewayProperties: {} },
  };
}

function writeSettings(
  context: EmulatorContext,
  machine: StoredResource,
  gatewayResourceId: string | undefined,
  principal: Principal,
): StoredResource {
  const linked = gatewayResourceId ? requireAttachableGateway(context, gatewayResourceId) : undefined;
  const now = context.clock.now();
  const previous = context.state.getResource(machineSettingsIdOf(machine.id));
  const body = settingsBody(machine, linked, principal, now, previous);
  const stored = context.state.putResource(machineSettingsIdOf(machine.id), settingsType, body, now);
  const view = machineViewOf(machine);
  if (linked) setAgentGateway(context, machine.id, linked);
  if (agentFollowsGatewaySetting(view.agentVersion)) {
    setAgentConnectionType(context, machine.id, linked ? "gateway" : "direct");
  }
  return stored;
}

/** `azcmagent connect --gateway-id`: the link is made during onboarding, outside ARM's front door. */
export function attachMachineToGateway(
  context: EmulatorContext,
  machineId: string,
  gatewayResourceId: string,
  principal: Principal,
): void {
  writeSettings(context, requireMachine(context, machineId), gatewayResourceId, principal);
}

/** Which gateway a machine is linked to in the cloud, if any. */
export function linkedGatewayOf(context: EmulatorContext, machineId: string): string | undefined {
  if (resourceKey(machineId) === undefined) return undefined;
  return gatewayLinkOf(context.state.getResource(machineSettingsIdOf(machineId)));
}

function requestedLink(body: SettingsBody): string | undefined {
  const link = body.properties?.gatewayProperties?.gatewayResourceId;
  return link ? link : undefined;
}

/**
 * Always with httpRequest: a machine's settings already answer GET before the first PUT, which
 * ARM answers 200 (an update of what is there), not 201.
 */
function publishWrite(request: EmulatorRequest, context: EmulatorContext, id: string): void {
  publishSucceeded(request, context, "write", id, "Microsoft.HybridCompute/settings/write");
}

function getSettings(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = settingsTargetOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/settings/read", target.id);
  const machine = requireMachine(context, target.machineId);
  const stored = context.state.getResource(machineSettingsIdOf(machine.id));
  if (stored) return { status: 200, body: stored.body };
  return { status: 200, body: unlinkedSettingsBody(machine, request.principal) };
}

/** PUT replaces (a body without a gateway link detaches the machine) and answers 200. */
function putSettings(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = settingsTargetOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/settings/write", target.id);
  context.requireRegistered(request.params.subscriptionId ?? "", namespace);
  const body = parseBody(settingsBodySchema, request.body);
  const machine = requireMachine(context, target.machineId, "parent");
  const link = takeRedirectedLink(context.state, machine.id) ?? requestedLink(body);
  const stored = writeSettings(context, machine, link, request.principal);
  publishWrite(request, context, stored.id);
  return { status: 200, body: stored.body };
}

/** PATCH merges: only a `gatewayResourceId` the body names (a value or null) changes the link. */
function patchSettings(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const target = settingsTargetOf(request);
  context.authorize(request.principal, "Microsoft.HybridCompute/settings/write", target.id);
  const body = parseBody(settingsBodySchema, request.body);
  const machine = requireMachine(context, target.machineId, "parent");
  const id = machineSettingsIdOf(machine.id);
  const gatewayProperties = body.properties?.gatewayProperties;
  const names =
    gatewayProperties === null ||
    (gatewayProperties !== undefined && "gatewayResourceId" in gatewayProperties);
  const link = names ? requestedLink(body) : gatewayLinkOf(context.state.getResource(id));
  const stored = writeSettings(context, machine, link, request.principal);
  publishWrite(request, context, stored.id);
  return { status: 200, body: stored.body };
}

export function settingsRoutes(): RouteDefinition[] {
  const common = { pattern: settingsPath, resourceType: settingsType, apiVersions } as const;
  return [
    { ...common, method: "GET", operationId: "Settings_Get", kind: "read", handler: getSettings },
    { ...common, method: "PUT", operationId: "Settings_Update", kind: "write", handler: putSettings },
    { ...common, method: "PATCH", operationId: "Settings_Patch", kind: "write", handler: patchSettings },
  ];
}
