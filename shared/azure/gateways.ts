// Arc gateways (Microsoft.HybridCompute/gateways) at HybridCompute 2025-01-13. Creation is a
// long-running PUT (201 + Azure-AsyncOperation; "about 10 minutes", up to 2 h — docs/azure-facts.md §2),
// so it only begins here; deletion likewise. At most 5 gateways per subscription (QuotaError).
import { UnexpectedArmError } from "../errors";
import { gatewayResourceId, parseGatewayId } from "../resourceId";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import {
  definedFields,
  readObject,
  readProperties,
  readString,
  readStringArray,
  readTags,
} from "./armPayload";
import { hybridComputeResources, type HybridComputeScope, reportedIdOr } from "./hybridComputeResources";
import {
  beginDeleteResource,
  type DeleteOutcome,
  type OperationStart,
  startFromPut,
} from "./longRunningOperation";

export interface ArcGateway {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  /** `Creating`, `Succeeded`, `Failed`…; `Succeeded` when ARM sent none. */
  readonly provisioningState: string;
  /** The service's immutable GUID for the gateway (not the resource id). */
  readonly gatewayId?: string;
  /** `<prefix>.gw.arc.azure.com`; only once creation has finished. */
  readonly gatewayEndpoint?: string;
  readonly gatewayType?: string;
  readonly allowedFeatures: string[];
  readonly tags: Record<string, string>;
}

export interface GatewayCreation {
  /** Resource id of the gateway to create. */
  readonly gatewayId: string;
  readonly location: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** `["*"]` (all features) unless given, as the CLI does. */
  readonly allowedFeatures?: readonly string[];
}

export type GatewayScope = HybridComputeScope;

const gateways = hybridComputeResources({
  collection: "gateways",
  label: "Arc gateway",
  resourceId: (id) => gatewayResourceId(parseGatewayId(id)),
  parse: toArcGateway,
});

/** PUTs the gateway; done at once when it already exists and Succeeded, otherwise a handle to poll. */
export async function beginCreateGateway(
  context: ArmContext,
  request: GatewayCreation,
): Promise<OperationStart<ArcGateway>> {
  const id = gatewayResourceId(parseGatewayId(request.gatewayId));
  const response = await context.send({
    method: "PUT",
    path: id,
    apiVersion: apiVersions.hybridCompute,
    body: {
      location: request.location,
      ...(request.tags ? { tags: request.tags } : {}),
      // `Public` is GatewayType's only value; the service fills it in when absent, we send it explicitly.
      properties: { gatewayType: "Public", allowedFeatures: [...(request.allowedFeatures ?? ["*"])] },
    },
  });
  const gateway = toArcGateway(response.body, id) ?? placeholderGateway(id, request);
  return startFromPut(context, response, id, apiVersions.hybridCompute, gateway);
}

/** The gateway, or NotFoundError. */
export const getGateway = gateways.get;

/** The gateway, or undefined when it does not exist. */
export const findGateway = gateways.find;

/**
 * DELETE; `alreadyGone` when there was nothing to delete. Detach every machine first: ARM deletes
 * a gateway that machines still use, and strands them (docs/azure-facts.md §2, §4).
 */
export function beginDeleteGateway(
  context: ArmContext,
  gatewayId: string,
): Promise<OperationStart<DeleteOutcome>> {
  return beginDeleteResource(
    context,
    gatewayResourceId(parseGatewayId(gatewayId)),
    apiVersions.hybridCompute,
  );
}

/**
 * Replaces the gateway's tags with a PATCH (Gateways_Update: synchronous, 200 with the gateway;
 * docs/azure-facts.md §2). ARM's `tags` in a PATCH is the whole set: read, merge, then send.
 */
export async function updateGatewayTags(
  context: ArmContext,
  gatewayId: string,
  tags: Readonly<Record<string, string>>,
): Promise<ArcGateway> {
  const id = gatewayResourceId(parseGatewayId(gatewayId));
  const response = await context.send({
    method: "PATCH",
    path: id,
    apiVersion: apiVersions.hybridCompute,
    body: { tags: { ...tags } },
  });
  const gateway = toArcGateway(response.body, id);
  if (!gateway)
    throw new UnexpectedArmError(`The gateway PATCH of ${id} answered no gateway`, "MissingGateway");
  return gateway;
}

/** One page of gateways in a subscription or resource group; pass `nextLink` back for the next. */
export const listGatewayPage = gateways.listPage;

/** Every gateway in a subscription or resource group, following nextLink. */
export const listGateways = gateways.listAll;

export function toArcGateway(body: unknown, fallbackId?: string): ArcGateway | undefined {
  const id = reportedIdOr(body, parseGatewayId, fallbackId);
  if (id === undefined) return undefined;
  const resource = readObject(body);
  const properties = readProperties(body);
  return {
    id,
    name: readString(resource.name) ?? parseGatewayId(id).gatewayName,
    location: readString(resource.location) ?? "",
    provisioningState: readString(properties.provisioningState) ?? "Succeeded",
    ...definedFields({
      gatewayId: readString(properties.gatewayId),
      gatewayEndpoint: readString(properties.gatewayEndpoint),
      gatewayType: readString(properties.gatewayType),
    }),
    allowedFeatures: readStringArray(properties.allowedFeatures),
    tags: readTags(resource.tags),
  };
}

/** What we asked for, when a 201/202 came back without a body. */
function placeholderGateway(id: string, request: GatewayCreation): ArcGateway {
  return {
    id,
    name: parseGatewayId(id).gatewayName,
    location: request.location,
    provisioningState: "Accepted",
    allowedFeatures: [...(request.allowedFeatures ?? ["*"])],
    tags: { ...request.tags },
  };
}
