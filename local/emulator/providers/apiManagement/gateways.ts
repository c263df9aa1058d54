// API Management gateways (`service/{svc}/gateways/{gatewayId}`) at 2024-05-01: GET, PUT (201 new,
// 200 update), PATCH and DELETE with the If-Match the spec requires, the list (APIM's `count` and
// `nextLink`), listKeys, regenerateKey (invalidates every token made with that key: their
// deployments stop heartbeating) and generateToken (expiry at most 30 days ahead, per the spec's
// GatewayTokenRequestContract). Self-hosted gateways run on the Developer and Premium tiers only;
// on any other tier every gateway operation answers APIM's 400 MethodNotAllowedInPricingTier.
//
// Heartbeat: the 2024-05-01 spec has no operation that reports a gateway's live nodes (the
// portal shows them; docs/azure-facts.md). The emulator serves them at
// `GET …/gateways/{gatewayId}/heartbeats` as a collection of nodes — an emulator-only route,
// allowed as unchecked by the contract check (.ci/run) and by the admin API
// (`POST /_emulator/apim/heartbeat`).
import { z } from "zod";

import { armErrors } from "../../armError";
import { publishSucceeded } from "../../armResource";
import type { StoredResource } from "../../state";
import type { EmulatorContext, EmulatorRequest, HandlerResult, RouteDefinition } from "../../types";
import { parseBody } from "../../validation";
import { echoedEnvelope, resourceGroupPath } from "../hybridCompute/armConventions";
import { apimGatewayIdOf, apimGatewayType, findApimGateway } from "./gatewayRecords";
import {
  forgetGatewayKeys,
  gatewayKeys,
  type GatewayKeyType,
  issueGatewayToken,
  regenerateGatewayKey,
} from "./gatewayTokens";
import { liveNodes, rescheduleGateway } from "./heartbeat";
import {
  apiManagementApiVersions,
  ApimHttpError,
  findApiManagementService,
  newEtag,
  requireService,
  selfHostedGatewaySkus,
  serviceSku,
} from "./services";

/** The spec's 30-day maximum token lifetime. */
export const maxTokenLifetimeMs = 30 * 24 * 3600_000;

const gatewayPath = `${resourceGroupPath}/providers/Microsoft.ApiManagement/service/{serviceName}/gateways/{gatewayId}`;

const locationDataSchema = z.strictObject({
  name: z.string().min(1).max(256),
  city: z.string().max(256).optional(),
  district: z.string().max(256).optional(),
  countryOrRegion: z.string().max(256).optional(),
});

const gatewayBodySchema = z.strictObject({
  ...echoedEnvelope,
  properties: z
    .strictObject({
      locationData: locationDataSchema.optional(),
      description: z.string().max(1000).optional(),
    })
    .optional(),
});

const keyTypeSchema = z.enum(["primary", "secondary"]);

const tokenRequestSchema = z.strictObject({
  keyType: keyTypeSchema,
  expiry: z.iso.datetime({ offset: true, local: false }),
});

const regenerateSchema = z.strictObject({ keyType: keyTypeSchema });

export interface CreateGatewayInput {
  readonly serviceId: string;
  readonly name: string;
  readonly locationName?: string;
  readonly description?: string;
}

/** The spec's GatewayIdParameter (1-80 characters, not 'managed') and APIM's entity id characters. */
function gatewayName(request: EmulatorRequest): string {
  const name = request.params.gatewayId ?? "";
  checkGatewayName(name);
  return name;
}

function checkGatewayName(name: string): void {
  if (name.length < 1 || name.length > 80 || /[*#&+:<>?/\\%]/.test(name)) {
    throw new ApimHttpError(400, "ValidationError", "One or more fields contain incorrect values:", [
      {
        code: "ValidationError",
        target: "gatewayId",
        message: "Gateway identifier must be 1 to 80 characters and may not contain *#&+:<>?/\\%.",
      },
    ]);
  }
  if (name.toLowerCase() === "managed") {
    throw new ApimHttpError(400, "ValidationError", "One or more fields contain incorrect values:", [
      { code: "ValidationError", target: "gatewayId", message: "Gateway identifier 'managed' is reserved." },
    ]);
  }
}

/** The service, checked for a tier that has self-hosted gateways. */
function gatewayService(request: EmulatorRequest, context: EmulatorContext, action: string): StoredResource {
  const service = requireService(context, request);
  context.authorize(request.principal, action, service.id);
  checkTier(service);
  return service;
}

function checkTier(service: StoredResource): void {
  const sku = serviceSku(service);
  if (!selfHostedGatewaySkus.includes(sku as (typeof selfHostedGatewaySkus)[number])) {
    throw new ApimHttpError(
      400,
      "MethodNotAllowedInPricingTier",
      `Method not allowed in ${sku} pricing tier`,
    );
  }
}

function requireGateway(context: EmulatorContext, service: StoredResource, name: string): StoredResource {
  const gateway = findApimGateway(context, apimGatewayIdOf(service.id, name));
  if (!gateway) throw new ApimHttpError(404, "ResourceNotFound", "Gateway not found.");
  return gateway;
}

/** PATCH and DELETE need If-Match: `*` or the current entity tag. */
function checkIfMatch(request: EmulatorRequest, gateway: StoredResource, required: boolean): void {
  const ifMatch: unknown = request.headers["if-match"];
  const value = typeof ifMatch === "string" ? ifMatch : undefined;
  if (value === undefined) {
    if (!required) return;
    throw new ApimHttpError(
      400,
      "ValidationError",
      "The If-Match header is required: send '*' or the entity tag.",
    );
  }
  if (value !== "*" && value !== etagOf(gateway)) {
    throw new ApimHttpError(
      412,
      "PreconditionFailed",
      "The entity tag does not match the current state of the entity.",
    );
  }
}

function etagOf(gateway: StoredResource): string {
  return String((gatewayMeta.get(gateway) ?? { etag: "" }).etag);
}

/** Entity tags live beside the body: APIM sends them as the ETag header, not in the gateway. */
const gatewayMeta = new WeakMap<StoredResource, { etag: string }>();

function store(context: EmulatorContext, id: string, body: Record<string, unknown>): StoredResource {
  const stored = context.state.putResource(id, apimGatewayType, body, context.clock.now());
  gatewayMeta.set(stored, { etag: newEtag(context) });
  return stored;
}

function gatewayBody(
  id: string,
  name: string,
  properties: { locationData?: z.infer<typeof locationDataSchema>; description?: string },
): Record<string, unknown> {
  return { id, type: apimGatewayType, name, properties: { ...properties } };
}

/** An admin (or a test) creates a gateway without going through ARM. */
export function createApimGateway(
  context: EmulatorContext,
  input: CreateGatewayInput,
): Record<string, unknown> {
  checkGatewayName(input.name);
  const service = findApiManagementService(context, input.serviceId);
  if (!service) throw armErrors.notFound("Microsoft.ApiManagement/service", input.serviceId);
  checkTier(service);
  const id = apimGatewayIdOf(service.id, input.name);
  const stored = store(
    context,
    id,
    gatewayBody(id, input.name, {
      locationData: { name: input.locationName ?? input.name },
      ...(input.description === undefined ? {} : { description: input.description }),
    }),
  );
  gatewayKeys(context, stored.id);
  return stored.body;
}

function putGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/write`);
  const requested = parseBody(gatewayBodySchema, request.body);
  const id = apimGatewayIdOf(service.id, name);
  const existing = findApimGateway(context, id);
  if (existing) checkIfMatch(request, existing, false);
  const stored = store(
    context,
    existing?.id ?? id,
    gatewayBody(existing?.id ?? id, name, requested.properties ?? {}),
  );
  gatewayKeys(context, stored.id);
  publishSucceeded(request, context, "write", stored.id, `${apimGatewayType}/write`, existing !== undefined);
  return { status: existing ? 200 : 201, body: stored.body, headers: { etag: etagOf(stored) } };
}

function patchGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/write`);
  const requested = parseBody(gatewayBodySchema, request.body);
  const existing = requireGateway(context, service, name);
  checkIfMatch(request, existing, true);
  const properties = {
    ...(existing.body.properties as Record<string, unknown>),
    ...(requested.properties ?? {}),
  };
  const stored = store(context, existing.id, { ...existing.body, properties });
  publishSucceeded(request, context, "write", stored.id, `${apimGatewayType}/write`);
  return { status: 200, body: stored.body, headers: { etag: etagOf(stored) } };
}

function getGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/read`);
  const gateway = requireGateway(context, service, name);
  return { status: 200, body: gateway.body, headers: { etag: etagOf(gateway) } };
}

function deleteGateway(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/delete`);
  const gateway = findApimGateway(context, apimGatewayIdOf(service.id, name));
  if (!gateway) return { status: 204 };
  checkIfMatch(request, gateway, true);
  context.state.deleteResource(gateway.id);
  forgetGatewayKeys(context.state, gateway.id);
  rescheduleGateway(context, gateway.id);
  publishSucceeded(request, context, "delete", gateway.id, `${apimGatewayType}/delete`);
  return { status: 200 };
}

function listGateways(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const service = gatewayService(request, context, `${apimGatewayType}/read`);
  const all = context.state.listResources({ type: apimGatewayType, parentId: service.id });
  const skip = Number(request.url.searchParams.get("$skip") ?? "0");
  const top = Number(request.url.searchParams.get("$top") ?? "100");
  if (!Number.isInteger(skip) || skip < 0 || !Number.isInteger(top) || top < 1) {
    throw new ApimHttpError(400, "ValidationError", "$skip must be 0 or more and $top 1 or more.");
  }
  const page = all.slice(skip, skip + Math.min(top, 100));
  const body: Record<string, unknown> = { value: page.map((g) => g.body), count: all.length };
  if (skip + page.length < all.length) {
    const next = new URL(request.url.href, context.baseUrl);
    next.searchParams.set("$skip", String(skip + page.length));
    body.nextLink = `${context.baseUrl}${next.pathname}${next.search}`;
  }
  return { status: 200, body };
}

function listKeys(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/listKeys/action`);
  const gateway = requireGateway(context, service, name);
  const keys = gatewayKeys(context, gateway.id);
  return {
    status: 200,
    body: { primary: keys.primary, secondary: keys.secondary },
    headers: { etag: etagOf(gateway) },
  };
}

function regenerateKey(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/regenerateKey/action`);
  const { keyType } = parseBody(regenerateSchema, request.body);
  const gateway = requireGateway(context, service, name);
  regenerateGatewayKey(context, gateway.id, keyType);
  rescheduleGateway(context, gateway.id);
  publishSucceeded(request, context, "action", gateway.id, `${apimGatewayType}/regenerateKey/action`);
  return { status: 204 };
}

function generateToken(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/generateToken/action`);
  const result = tokenRequestSchema.safeParse(request.body ?? {});
  if (!result.success) {
    throw new ApimHttpError(
      400,
      "ValidationError",
      "One or more fields contain incorrect values:",
      result.error.issues.slice(0, 5).map((issue) => ({
        code: "ValidationError",
        target: issue.path.join(".") || "parameters",
        message: issue.message,
      })),
    );
  }
  const gateway = requireGateway(context, service, name);
  const expiresAt = Date.parse(result.data.expiry);
  const now = context.clock.now();
  if (expiresAt > now + maxTokenLifetimeMs) {
    throw new ApimHttpError(400, "ValidationError", "One or more fields contain incorrect values:", [
      { code: "ValidationError", target: "expiry", message: "Maximum token expiry time is set to 30 days." },
    ]);
  }
  if (expiresAt <= now) {
    throw new ApimHttpError(400, "ValidationError", "One or more fields contain incorrect values:", [
      { code: "ValidationError", target: "expiry", message: "Token expiry time must be in the future." },
    ]);
  }
  const keyType: GatewayKeyType = result.data.keyType;
  // Actions on tokens are not reported to Event Grid: nothing changed in ARM.
  return {
    status: 200,
    body: { value: issueGatewayToken(context, gateway.id, String(gateway.body.name), keyType, expiresAt) },
  };
}

function heartbeats(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const name = gatewayName(request);
  const service = gatewayService(request, context, `${apimGatewayType}/read`);
  const gateway = requireGateway(context, service, name);
  const nodes = liveNodes(context, gateway.id);
  return { status: 200, body: { value: nodes, count: nodes.length } };
}

export function apimGatewaysRoutes(): RouteDefinition[] {
  const common = { resourceType: apimGatewayType, apiVersions: apiManagementApiVersions } as const;
  const action = (
    suffix: string,
    operationId: string,
    handler: RouteDefinition["handler"],
  ): RouteDefinition => ({
    ...common,
    method: "POST",
    pattern: `${gatewayPath}/${suffix}`,
    operationId,
    kind: "action",
    handler,
  });
  return [
    {
      ...common,
      method: "GET",
      pattern: `${resourceGroupPath}/providers/Microsoft.ApiManagement/service/{serviceName}/gateways`,
      operationId: "Gateway_ListByService",
      kind: "read",
      handler: listGateways,
    },
    {
      ...common,
      method: "GET",
      pattern: gatewayPath,
      operationId: "Gateway_Get",
      kind: "read",
      handler: getGateway,
    },
    {
      ...common,
      method: "PUT",
      pattern: gatewayPath,
      operationId: "Gateway_CreateOrUpdate",
      kind: "write",
      handler: putGateway,
    },
    {
      ...common,
      method: "PATCH",
      pattern: gatewayPath,
      operationId: "Gateway_Update",
      kind: "write",
      handler: patchGateway,
    },
    {
      ...common,
      method: "DELETE",
      pattern: gatewayPath,
      operationId: "Gateway_Delete",
      kind: "delete",
      handler: deleteGateway,
    },
    action("listKeys", "Gateway_ListKeys", listKeys),
    action("regenerateKey", "Gateway_RegenerateKey", regenerateKey),
    action("generateToken", "Gateway_GenerateToken", generateToken),
    {
      ...common,
      method: "GET",
      pattern: `${gatewayPath}/heartbeats`,
      operationId: "Emulator_GatewayHeartbeats",
      kind: "read",
      handler: heartbeats,
    },
  ];
}
