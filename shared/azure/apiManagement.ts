// API Management (Microsoft.ApiManagement 2024-05-01) for self-hosted gateways: the service's
// tier, its gateways, and gateway tokens (Gateway_GenerateToken: `{keyType, expiry}` → `{value}`,
// expiry at most 30 days; docs/azure-facts.md, "API Management self-hosted gateway"). A token is
// a secret: it is returned to the one caller that writes it into a protected setting, and never
// put into an error, a log line or a result.
import { NotFoundError, UnexpectedArmError } from "../errors";
import { apimGatewayResourceId, apimServiceResourceId, parseApimGatewayId } from "../resourceId";
import { apiVersions } from "./apiVersions";
import type { ArmContext } from "./armContext";
import { definedFields, readObject, readProperties, readString } from "./armPayload";
import { findResourceBody } from "./armReads";

/** Only these tiers run self-hosted gateways. */
export const selfHostedGatewayTiers = ["Developer", "Premium"] as const;

export interface ApimService {
  readonly id: string;
  readonly name: string;
  readonly skuName: string;
  readonly gatewayUrl?: string;
}

export interface ApimGateway {
  readonly id: string;
  readonly name: string;
  readonly locationName?: string;
}

/** The gateway's service, or NotFoundError. */
export async function getApimService(context: ArmContext, gatewayId: string): Promise<ApimService> {
  const id = apimServiceResourceId(parseApimGatewayId(gatewayId));
  const body = await findResourceBody(context, id, apiVersions.apiManagement);
  if (body === undefined)
    throw new NotFoundError(`The API Management service ${id} does not exist`, "ServiceNotFound", 404);
  const resource = readObject(body);
  const properties = readProperties(body);
  return {
    id,
    name: readString(resource.name) ?? parseApimGatewayId(gatewayId).serviceName,
    skuName: readString(readObject(resource.sku).name) ?? "",
    ...definedFields({ gatewayUrl: readString(properties.gatewayUrl) }),
  };
}

/** The gateway, or undefined when it does not exist. */
export async function findApimGateway(
  context: ArmContext,
  gatewayId: string,
): Promise<ApimGateway | undefined> {
  const id = apimGatewayResourceId(parseApimGatewayId(gatewayId));
  const body = await findResourceBody(context, id, apiVersions.apiManagement);
  return body === undefined ? undefined : toApimGateway(body, id);
}

/** What a deployment onto `gatewayId` depends on: its service, and whether the gateway exists. */
export interface ApimGatewayTarget {
  /** Absent when the service does not exist. */
  readonly service?: ApimService;
  readonly gatewayExists: boolean;
}

/**
 * Reads the gateway's service and, only on a tier with self-hosted gateways, the gateway: gateway
 * operations on any other tier answer 400, so there the gateway counts as absent.
 */
export async function findApimGatewayTarget(
  context: ArmContext,
  gatewayId: string,
): Promise<ApimGatewayTarget> {
  const service = await getApimService(context, gatewayId).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (service === undefined) return { gatewayExists: false };
  const tierAllows = selfHostedGatewayTiers.some(
    (tier) => tier.toLowerCase() === service.skuName.toLowerCase(),
  );
  const gatewayExists = tierAllows ? (await findApimGateway(context, gatewayId)) !== undefined : false;
  return { service, gatewayExists };
}

/** Creates (or updates) the gateway (Gateway_CreateOrUpdate, synchronous). */
export async function putApimGateway(
  context: ArmContext,
  gatewayId: string,
  locationName: string,
  description: string,
): Promise<ApimGateway> {
  const id = apimGatewayResourceId(parseApimGatewayId(gatewayId));
  const response = await context.send({
    method: "PUT",
    path: id,
    apiVersion: apiVersions.apiManagement,
    body: { properties: { locationData: { name: locationName }, description } },
  });
  return toApimGateway(response.body, id);
}

/**
 * Generates a gateway token from one of the gateway's keys. The answer is the secret itself:
 * keep it in the activity that writes it and drop it there.
 */
export async function generateGatewayToken(
  context: ArmContext,
  gatewayId: string,
  keyType: "primary" | "secondary",
  expiry: string,
): Promise<string> {
  const id = apimGatewayResourceId(parseApimGatewayId(gatewayId));
  const response = await context.send({
    method: "POST",
    path: `${id}/generateToken`,
    apiVersion: apiVersions.apiManagement,
    body: { keyType, expiry },
  });
  const value = readString(readObject(response.body).value);
  if (value === undefined || value.trim() === "") {
    throw new UnexpectedArmError(
      `The token generation for ${id} answered no token`,
      "MissingToken",
      response.status,
    );
  }
  return value;
}

/**
 * The endpoint the gateway pulls its configuration from: `https://{service}.configuration.azure-api.net`,
 * the service's gateway host with `configuration` after its first label (so sovereign clouds keep
 * their domain).
 */
export function configurationEndpoint(service: ApimService): string {
  if (service.gatewayUrl !== undefined) {
    try {
      const url = new URL(service.gatewayUrl);
      const [first, ...rest] = url.hostname.split(".");
      if (first !== undefined && rest.length > 0) return `https://${first}.configuration.${rest.join(".")}`;
    } catch {
      // fall through to the public cloud's form
    }
  }
  return `https://${service.name}.configuration.azure-api.net`;
}

function toApimGateway(body: unknown, id: string): ApimGateway {
  const resource = readObject(body);
  const properties = readProperties(body);
  return {
    id,
    name: readString(resource.name) ?? parseApimGatewayId(id).gatewayName,
    ...definedFields({ locationName: readString(readObject(properties.locationData).name) }),
  };
}

export interface GatewayHeartbeat {
  /** Nodes that reported a heartbeat recently. */
  readonly nodes: number;
  readonly lastHeartbeat?: string;
}

/**
 * The gateway's live nodes. No operation of the 2024-05-01 spec reports them (the portal shows a
 * node count; docs/azure-facts.md, "API Management self-hosted gateway", UNVERIFIED): this reads
 * `…/gateways/{gateway}/heartbeats`, the local emulator's stand-in, in one place to replace.
 */
export async function readGatewayHeartbeat(
  context: ArmContext,
  gatewayId: string,
): Promise<GatewayHeartbeat> {
  const id = apimGatewayResourceId(parseApimGatewayId(gatewayId));
  const response = await context.send({
    method: "GET",
    path: `${id}/heartbeats`,
    apiVersion: apiVersions.apiManagement,
  });
  const body = readObject(response.body);
  const nodes = Array.isArray(body.value) ? (body.value as unknown[]) : [];
  const last = nodes
    .map((node) => readString(readObject(node).lastHeartbeat))
    .filter((time): time is string => time !== undefined)
    .sort()
    .pop();
  return { nodes: nodes.length, ...(last !== undefined ? { lastHeartbeat: last } : {}) };
}
