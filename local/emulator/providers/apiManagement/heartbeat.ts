// The self-hosted gateway's side of API Management: which deployed gateway instances heartbeat,
// and the token events API Management raises for them. A deployment (an extension of type
// Microsoft.ApiManagement.Gateway whose provisioning succeeded) heartbeats to the gateway its
// token names when its `gateway.configuration.uri` is that gateway's service's configuration
// endpoint and its `gateway.auth.token` (`GatewayKey …`) is signed by one of the gateway's current
// keys and has not expired — one node per replica (`replicaCount`, 3 by default as in the
// extension's reference). Pods whose token expired or whose key was regenerated keep running but
// stop heartbeating, as the real gateway does; an update with a valid token brings them back.
//
// Token events (`Microsoft.ApiManagement.GatewayTokenNearExpiry`, `…GatewayTokenExpired`, data
// as @azure/eventgrid's ApiManagementGatewayTokenNearExpiryEventData / …ExpiredEventData) are
// published on the ambient clock (see ambient.ts) for every running deployment: near expiry a lead
// time before (7 days by default: the lead time is not documented), expired at expiry.
import { createHash } from "node:crypto";

import { normalizeResourceId } from "../../../../shared/resourceId";
import type { ClockTimer } from "../../../clock";
import { formatEventTime } from "../../eventGrid";
import type { EmulatorState } from "../../state";
import type { EmulatorContext } from "../../types";
import { ambientWorldOf } from "./ambient";
import { allDeployments, deploymentOf, type GatewayDeployment } from "./deployments";
import { apimGatewayIdOf, findApimGateway, findServiceByName } from "./gatewayRecords";
import { checkGatewayToken, fingerprint, readGatewayToken, type TokenCheck } from "./gatewayTokens";

export const gatewayExtensionType = "Microsoft.ApiManagement.Gateway";
export const tokenNearExpiryEventType = "Microsoft.ApiManagement.GatewayTokenNearExpiry";
export const tokenExpiredEventType = "Microsoft.ApiManagement.GatewayTokenExpired";
const day = 24 * 3600_000;
/** The extension reference's default `replicaCount`. */
const defaultReplicas = 3;
/** The version the emulated gateway reports. */
const gatewayVersion = "2.7.1";

export interface TokenEventOptions {
  /** Publish nothing (events lost); the heartbeat is unaffected. */
  drop: boolean;
  /** How long before expiry the near-expiry event comes. */
  nearExpiryLeadMs: number;
}

interface World {
  options: TokenEventOptions;
  readonly timers: Map<string, ClockTimer[]>;
}

const worlds = new WeakMap<EmulatorState, World>();

function worldOf(state: EmulatorState): World {
  let world = worlds.get(state);
  if (!world) {
    world = { options: { drop: false, nearExpiryLeadMs: 7 * day }, timers: new Map() };
    worlds.set(state, world);
  }
  return world;
}

export function setTokenEventOptions(
  state: EmulatorState,
  options: Partial<TokenEventOptions>,
): TokenEventOptions {
  const world = worldOf(state);
  world.options = { ...world.options, ...options };
  return world.options;
}

/** A deployment's target: the gateway its configuration URI and token name, if both point at one. */
export interface DeploymentTarget {
  readonly gatewayId: string;
  readonly token: TokenCheck;
}

const configurationUri = /^https:\/\/([a-z][a-z0-9-]*)\.configuration\.azure-api\.net\/?$/i;

function isGatewayDeployment(deployment: GatewayDeployment): boolean {
  return deployment.extensionType.toLowerCase() === gatewayExtensionType.toLowerCase();
}

export function targetOf(
  context: EmulatorContext,
  deployment: GatewayDeployment,
): DeploymentTarget | undefined {
  if (!isGatewayDeployment(deployment)) return undefined;
  const uri = configurationUri.exec(deployment.settings["gateway.configuration.uri"] ?? "");
  const tokenValue = deployment.protectedSettings["gateway.auth.token"];
  if (!uri || tokenValue === undefined) return undefined;
  const token = readGatewayToken(tokenValue);
  const service = findServiceByName(context, uri[1] ?? "");
  if (!token || !service) return undefined;
  const gateway = findApimGateway(context, apimGatewayIdOf(service.id, token.gatewayName));
  if (!gateway) return undefined;
  const check = checkGatewayToken(context, gateway.id, String(gateway.body.name), tokenValue);
  return check ? { gatewayId: gateway.id, token: check } : undefined;
}

function replicasOf(deployment: GatewayDeployment): number {
  const raw = deployment.settings.replicaCount;
  const replicas = raw === undefined ? defaultReplicas : Number(raw);
  return Number.isInteger(replicas) && replicas >= 0 ? Math.min(replicas, 100) : defaultReplicas;
}

function instanceIdOf(extensionId: string): string {
  const hex = createHash("sha256").update(normalizeResourceId(extensionId)).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface GatewayNode {
  readonly name: string;
  readonly hostname: string;
  readonly instanceId: string;
  readonly lastHeartbeat: string;
  readonly version: string;
}

/** The gateway's nodes heartbeating right now. */
export function liveNodes(context: EmulatorContext, gatewayId: string): GatewayNode[] {
  const now = context.clock.now();
  // Heartbeats arrive every few seconds; the view rounds to the minute.
  const lastHeartbeat = new Date(Math.floor(now / 60_000) * 60_000).toISOString();
  const nodes: GatewayNode[] = [];
  for (const deployment of allDeployments(context.state)) {
    const target = targetOf(context, deployment);
    if (!target || normalizeResourceId(target.gatewayId) !== normalizeResourceId(gatewayId)) continue;
    if (target.token.keyType === undefined || target.token.expiresAt <= now) continue;
    const instanceId = instanceIdOf(deployment.extensionId);
    for (let i = 0; i < replicasOf(deployment); i++) {
      const pod = `apim-gateway-${instanceId.slice(0, 8)}-${i}`;
      nodes.push({ name: pod, hostname: pod, instanceId, lastHeartbeat, version: gatewayVersion });
    }
  }
  return nodes;
}

/** (Re)arms a deployment's token events after it changed, was removed, or its gateway's keys changed. */
export function scheduleTokenEvents(context: EmulatorContext, extensionId: string): void {
  const world = worldOf(context.state);
  const key = normalizeResourceId(extensionId);
  for (const timer of world.timers.get(key) ?? []) timer.cancel();
  world.timers.delete(key);
  const deployment = deploymentOf(context.state, extensionId);
  if (!deployment) return;
  const target = targetOf(context, deployment);
  if (!target || target.token.keyType === undefined) return;
  const ambient = ambientWorldOf(context.state, context.clock);
  const now = ambient.clock.now();
  const tokenPrint = fingerprint(deployment.protectedSettings["gateway.auth.token"] ?? "");
  const timers: ClockTimer[] = [];
  const arm = (at: number, eventType: string) => {
    if (at < now && eventType === tokenNearExpiryEventType && target.token.expiresAt <= now) return;
    timers.push(
      ambient.clock.setTimer(Math.max(0, at - now), () => raise(context, extensionId, tokenPrint, eventType)),
    );
  };
  if (target.token.expiresAt > now)
    arm(target.token.expiresAt - world.options.nearExpiryLeadMs, tokenNearExpiryEventType);
  arm(target.token.expiresAt, tokenExpiredEventType);
  world.timers.set(key, timers);
}

/** After a key was regenerated: every deployment of that gateway re-checks its token. */
export function rescheduleGateway(context: EmulatorContext, gatewayId: string): void {
  for (const deployment of allDeployments(context.state)) {
    const target = targetOf(context, deployment);
    if (target && normalizeResourceId(target.gatewayId) === normalizeResourceId(gatewayId))
      scheduleTokenEvents(context, deployment.extensionId);
  }
}

function raise(context: EmulatorContext, extensionId: string, tokenPrint: string, eventType: string): void {
  const world = worldOf(context.state);
  const deployment = deploymentOf(context.state, extensionId);
  // Only for the token still running there, still signed by a current key.
  if (!deployment || fingerprint(deployment.protectedSettings["gateway.auth.token"] ?? "") !== tokenPrint)
    return;
  const target = targetOf(context, deployment);
  if (!target || target.token.keyType === undefined || world.options.drop) return;
  const ambient = ambientWorldOf(context.state, context.clock);
  const gateway = findApimGateway(context, target.gatewayId);
  if (!gateway) return;
  const serviceId = target.gatewayId.slice(0, target.gatewayId.toLowerCase().lastIndexOf("/gateways/"));
  ambient.publishEvent({
    id: context.random.uuid(),
    topic: serviceId,
    subject: `/gateways/${String(gateway.body.name)}`,
    eventType,
    eventTime: formatEventTime(ambient.clock.now()),
    data: {
      gateway: { gatewayId: gateway.id, instanceId: instanceIdOf(deployment.extensionId) },
      token: { expiresOn: new Date(target.token.expiresAt).toISOString() },
    },
    dataVersion: "1",
    metadataVersion: "1",
  });
}
