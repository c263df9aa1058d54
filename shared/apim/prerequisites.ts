// Whether a gateway may be deployed on a cluster, from what Azure shows: the cluster exists and is
// Connected, the API Management service runs a tier with self-hosted gateways (Developer or
// Premium), and the gateway exists (or may be created). Pure: the activity and the runbook route
// read Azure and ask this; a refusal writes nothing, so nothing is ever half-installed.
import { z } from "zod";

export const prerequisiteCodes = [
  "ClusterNotFound",
  "ClusterNotConnected",
  "ServiceNotFound",
  "TierWithoutSelfHostedGateways",
  "GatewayNotFound",
  "NotTagged",
] as const;

export type PrerequisiteCode = (typeof prerequisiteCodes)[number];

export const prerequisiteVerdictSchema = z.discriminatedUnion("ok", [
  z.strictObject({ ok: z.literal(true), createGateway: z.boolean() }),
  z.strictObject({ ok: z.literal(false), code: z.enum(prerequisiteCodes), reason: z.string() }),
]);

export type PrerequisiteVerdict = z.output<typeof prerequisiteVerdictSchema>;

export interface ObservedPrerequisites {
  readonly clusterId: string;
  readonly cluster?: { readonly connectivityStatus: string };
  readonly gatewayId: string;
  readonly service?: { readonly skuName: string };
  readonly gatewayExists: boolean;
  readonly mayCreateGateway: boolean;
}

const tiers = ["developer", "premium"];

export function judgePrerequisites(seen: ObservedPrerequisites): PrerequisiteVerdict {
  if (!seen.cluster) {
    return {
      ok: false,
      code: "ClusterNotFound",
      reason: `The connected cluster ${seen.clusterId} does not exist`,
    };
  }
  if (seen.cluster.connectivityStatus.toLowerCase() !== "connected") {
    return {
      ok: false,
      code: "ClusterNotConnected",
      reason: `The cluster is ${seen.cluster.connectivityStatus}, not Connected: its agents cannot install an extension; nothing was written`,
    };
  }
  if (!seen.service) {
    return {
      ok: false,
      code: "ServiceNotFound",
      reason: `The API Management service of ${seen.gatewayId} does not exist; nothing was written`,
    };
  }
  if (!tiers.includes(seen.service.skuName.toLowerCase())) {
    return {
      ok: false,
      code: "TierWithoutSelfHostedGateways",
      reason: `The API Management service runs the ${seen.service.skuName || "unknown"} tier; self-hosted gateways need Developer or Premium; nothing was written`,
    };
  }
  if (!seen.gatewayExists && !seen.mayCreateGateway) {
    return {
      ok: false,
      code: "GatewayNotFound",
      reason: `The gateway ${seen.gatewayId} does not exist and ARC_APIM_CREATE_GATEWAY is off; nothing was written`,
    };
  }
  return { ok: true, createGateway: !seen.gatewayExists };
}
