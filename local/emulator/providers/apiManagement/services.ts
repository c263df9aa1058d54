// Microsoft.ApiManagement/service at the api-version the app sends (2024-05-01): GET and the two
// lists, shaped like the spec's ApiManagementServiceGetService example. A service takes 30-45
// minutes to create on Azure and the app never creates one, so services come from the admin API
// with the pricing tier a test needs (only Developer and Premium run self-hosted gateways).
import { z } from "zod";

import { apiVersions as appApiVersions } from "../../../../shared/azure/apiVersions";
import { armErrors, ArmHttpError } from "../../armError";
import { systemData } from "../../armResource";
import { onboardingPrincipal } from "../../principal";
import type { StoredResource } from "../../state";
import type {
  EmulatorContext,
  EmulatorRequest,
  HandlerResult,
  Principal,
  RouteDefinition,
} from "../../types";
import { parseBody } from "../../validation";
import {
  adminScopeShape,
  findStoredResource,
  listHandler,
  locationSchema,
  normalizeLocation,
  resourceGroupPath,
  scopeParams,
  tagsSchema,
} from "../hybridCompute/armConventions";

export const apiManagementServiceType = "Microsoft.ApiManagement/service";
export const apiManagementApiVersions = [appApiVersions.apiManagement] as const;

/** The spec's ApiManagementServiceSkuProperties.name. */
export const apiManagementSkus = [
  "Developer",
  "Standard",
  "Premium",
  "Basic",
  "Consumption",
  "Isolated",
  "BasicV2",
  "StandardV2",
] as const;
export type ApiManagementSku = (typeof apiManagementSkus)[number];

/** Self-hosted gateways run on these tiers only (docs/azure-facts.md). */
export const selfHostedGatewaySkus: readonly ApiManagementSku[] = ["Developer", "Premium"];

/** The spec's ServiceNameParameter. */
export const serviceNamePattern = /^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

const serviceInputSchema = z.strictObject({
  ...adminScopeShape,
  name: z
    .string()
    .min(1)
    .max(50)
    .regex(serviceNamePattern, "API Management service names: a letter, then letters, digits and '-'"),
  location: locationSchema,
  sku: z.enum(apiManagementSkus),
  capacity: z.number().int().min(0).max(100).optional(),
  publisherEmail: z.email().default("admin@contoso.com"),
  publisherName: z.string().min(1).default("Contoso"),
  tags: tagsSchema.optional(),
});

export type CreateApiManagementServiceInput = z.input<typeof serviceInputSchema>;

export function serviceIdOf(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${apiManagementServiceType}/${name}`;
}

export function findApiManagementService(context: EmulatorContext, id: string): StoredResource | undefined {
  return findStoredResource(context, id, apiManagementServiceType);
}

export function serviceSku(service: StoredResource): string {
  const sku = service.body.sku as { name?: unknown } | undefined;
  return typeof sku?.name === "string" ? sku.name : "Developer";
}

/**
 * The configuration endpoint self-hosted gateways connect to, `https://{service}.configuration.azure-api.net`
 * (what the portal's Deployment page shows; docs/azure-facts.md). ARM's service resource does not report it.
 */
export function configurationEndpointOf(serviceName: string): string {
  return `https://${serviceName.toLowerCase()}.configuration.azure-api.net`;
}

/** An entity tag in APIM's form: quoted, changing with every write. */
export function newEtag(context: EmulatorContext): string {
  return `"${Buffer.from(context.random.uuid().replace(/-/g, "").slice(0, 12), "hex").toString("base64")}"`;
}

/** An admin creates an API Management service (it is already provisioned). No event: the app does not watch services. */
export function createApiManagementService(
  context: EmulatorContext,
  input: CreateApiManagementServiceInput,
  principal: Principal = onboardingPrincipal,
): Record<string, unknown> {
  const create = parseBody(serviceInputSchema, input);
  const id = serviceIdOf(create.subscriptionId, create.resourceGroup, create.name);
  const now = context.clock.now();
  const host = create.name.toLowerCase();
  const location = normalizeLocation(create.location);
  const previous = findApiManagementService(context, id);
  const body: Record<string, unknown> = {
    id,
    name: create.name,
    type: apiManagementServiceType,
    ...(create.tags ? { tags: create.tags } : {}),
    location,
    etag: newEtag(context),
    properties: {
      publisherEmail: create.publisherEmail,
      publisherName: create.publisherName,
      notificationSenderEmail: "apimgmt-noreply@mail.windowsazure.com",
      provisioningState: "Succeeded",
      targetProvisioningState: "",
      createdAtUtc: new Date(now).toISOString(),
      gatewayUrl: `https://${host}.azure-api.net`,
      gatewayRegionalUrl: `https://${host}-${location}-01.regional.azure-api.net`,
      portalUrl: `https://${host}.portal.azure-api.net`,
      developerPortalUrl: `https://${host}.developer.azure-api.net`,
      managementApiUrl: `https://${host}.management.azure-api.net`,
      scmUrl: `https://${host}.scm.azure-api.net`,
      hostnameConfigurations: [
        {
          type: "Proxy",
          hostName: `${host}.azure-api.net`,
          negotiateClientCertificate: false,
          defaultSslBinding: false,
          certificateSource: "BuiltIn",
        },
      ],
      publicIPAddresses: ["20.0.0.4"],
      virtualNetworkType: "None",
      disableGateway: false,
      publicNetworkAccess: "Enabled",
      platformVersion: "stv2",
    },
    sku: {
      name: create.sku,
      capacity: create.capacity ?? (create.sku === "Consumption" ? 0 : 1),
    },
    systemData: systemData(principal, now, previous?.body.systemData),
  };
  return context.state.putResource(id, apiManagementServiceType, body, now).body;
}

/** APIM's own error envelope: a code, a message and the field-level details. */
export class ApimHttpError extends ArmHttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly details: readonly { code: string; target?: string; message: string }[] = [],
  ) {
    super(status, code, message);
  }

  override toBody(): { error: { code: string; message: string; details: unknown[] } } {
    return { error: { code: this.code, message: this.message, details: [...this.details] } };
  }
}

export function serviceParams(request: EmulatorRequest): { id: string; name: string; resourceGroup: string } {
  const { subscriptionId, resourceGroup } = scopeParams(request);
  const name = request.params.serviceName ?? "";
  if (name.length > 50 || !serviceNamePattern.test(name)) {
    throw armErrors.invalidName(
      "API Management service",
      name,
      `It must match ${serviceNamePattern.source} and be at most 50 characters.`,
    );
  }
  return { id: serviceIdOf(subscriptionId, resourceGroup, name), name, resourceGroup };
}

export function requireService(context: EmulatorContext, request: EmulatorRequest): StoredResource {
  const { id, name, resourceGroup } = serviceParams(request);
  const service = findApiManagementService(context, id);
  if (!service) throw armErrors.notFound(apiManagementServiceType, name, resourceGroup);
  return service;
}

function getService(request: EmulatorRequest, context: EmulatorContext): HandlerResult {
  const { id } = serviceParams(request);
  context.authorize(request.principal, `${apiManagementServiceType}/read`, id);
  const service = requireService(context, request);
  return { status: 200, body: service.body, headers: { etag: String(service.body.etag) } };
}

export function apiManagementServiceRoutes(): RouteDefinition[] {
  const common = { resourceType: apiManagementServiceType, apiVersions: apiManagementApiVersions } as const;
  return [
    {
      ...common,
      method: "GET",
      pattern: `${resourceGroupPath}/providers/Microsoft.ApiManagement/service/{serviceName}`,
      operationId: "ApiManagementService_Get",
      kind: "read",
      handler: getService,
    },
    {
      ...common,
      method: "GET",
      pattern: `${resourceGroupPath}/providers/Microsoft.ApiManagement/service`,
      operationId: "ApiManagementService_ListByResourceGroup",
      kind: "read",
      handler: listHandler(apiManagementServiceType, "resourceGroup"),
    },
    {
      ...common,
      method: "GET",
      pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.ApiManagement/service",
      operationId: "ApiManagementService_List",
      kind: "read",
      handler: listHandler(apiManagementServiceType, "subscription"),
    },
  ];
}
