// What one API Management gateway deployment on a connected cluster is made of, validated: the
// API Management gateway, where it goes in the cluster (namespace, extension name), how it is
// exposed and scaled, its release train, optional Log Analytics monitoring and the documented
// settings passed through. The runbook's body is `deploymentRequestSchema`; a deployment a
// cluster's tag starts takes every default from the settings (ARC_APIM_*). The ingestion key is
// never a field: it is read from ARC_APIM_MONITORING_INGESTION_KEY inside the activity that
// writes the extension.
import { z } from "zod";

import type { Settings } from "../config";
import { apimServiceResourceId, parseApimGatewayId, parseResourceId } from "../resourceId";
import { refusedSettingReason } from "./settings";

export const serviceTypes = ["LoadBalancer", "NodePort", "ClusterIP"] as const;
export type ServiceType = (typeof serviceTypes)[number];

/** Kubernetes names (DNS labels): namespaces; extension names follow the same rule. */
export const kubernetesNameField = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "a Kubernetes name: lower-case letters, digits and '-', at most 63 characters",
  );

export const apimGatewayIdField = z
  .string()
  .max(2048)
  .superRefine((id, ctx) => {
    try {
      parseApimGatewayId(id);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
    }
  })
  .meta({
    description:
      "The API Management gateway's resource id (…/Microsoft.ApiManagement/service/{service}/gateways/{gateway}).",
    example:
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim/gateways/arc-edge",
  });

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const monitoringSchema = z
  .strictObject({
    customResourceId: z
      .string()
      .max(2048)
      .refine((id) => {
        try {
          parseResourceId(id);
          return id.startsWith("/subscriptions/");
        } catch {
          return false;
        }
      }, "a resource id")
      .optional()
      .meta({
        description:
          "monitoring.customResourceId (the docs disagree whether it is the API Management service's or the workspace's id); defaults to the service's.",
      }),
    workspaceId: z.string().regex(guid, "a Log Analytics workspace id (a GUID)"),
  })
  .meta({
    description:
      "Log Analytics monitoring: the ingestion key is read from ARC_APIM_MONITORING_INGESTION_KEY, never from the request.",
  });

const settingsField = z
  .record(z.string().max(256), z.string().max(4096))
  .superRefine((settings, ctx) => {
    for (const name of Object.keys(settings)) {
      const reason = refusedSettingReason(name);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason, path: [name] });
    }
  })
  .meta({ description: "Other documented settings of the extension, passed through as they are." });

/** A deployment as a request names it: everything but the gateway defaults from ARC_APIM_*. */
export const deploymentRequestSchema = z
  .strictObject({
    gatewayId: apimGatewayIdField,
    namespace: kubernetesNameField.optional(),
    extensionName: kubernetesNameField.optional(),
    serviceType: z
      .enum(serviceTypes, { error: `must be one of ${serviceTypes.join(", ")}` })
      .optional()
      .meta({ description: "service.type of the gateway's Kubernetes service." }),
    replicas: z.number().int().min(1).max(100).optional().meta({ description: "replicaCount." }),
    releaseTrain: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,32}$/, "a release train such as preview or stable")
      .optional(),
    monitoring: monitoringSchema.optional(),
    settings: settingsField.optional(),
  })
  .meta({ id: "ApimGatewayDeployment" });

export type DeploymentRequest = z.output<typeof deploymentRequestSchema>;

/** A deployment with every default filled in: what the orchestration and its activities carry. */
export const deploymentSchema = z.strictObject({
  gatewayId: z.string().min(1).max(2048),
  namespace: kubernetesNameField,
  extensionName: kubernetesNameField,
  serviceType: z.enum(serviceTypes),
  replicas: z.number().int().min(1).max(100),
  releaseTrain: z.string().min(1).max(32),
  monitoring: z.strictObject({ customResourceId: z.string().max(2048), workspaceId: z.string() }).optional(),
  settings: z.record(z.string(), z.string()),
});

export type Deployment = z.output<typeof deploymentSchema>;

export type DeploymentDefaults = Pick<
  Settings,
  | "ARC_APIM_NAMESPACE"
  | "ARC_APIM_EXTENSION_NAME"
  | "ARC_APIM_SERVICE_TYPE"
  | "ARC_APIM_REPLICAS"
  | "ARC_APIM_RELEASE_TRAIN"
>;

export function resolveDeployment(request: DeploymentRequest, defaults: DeploymentDefaults): Deployment {
  const gateway = parseApimGatewayId(request.gatewayId);
  return {
    gatewayId: request.gatewayId,
    namespace: request.namespace ?? defaults.ARC_APIM_NAMESPACE,
    extensionName: request.extensionName ?? defaults.ARC_APIM_EXTENSION_NAME,
    serviceType: request.serviceType ?? defaults.ARC_APIM_SERVICE_TYPE,
    replicas: request.replicas ?? defaults.ARC_APIM_REPLICAS,
    releaseTrain: request.releaseTrain ?? defaults.ARC_APIM_RELEASE_TRAIN,
    ...(request.monitoring
      ? {
          monitoring: {
            customResourceId: request.monitoring.customResourceId ?? apimServiceResourceId(gateway),
            workspaceId: request.monitoring.workspaceId,
          },
        }
      : {}),
    settings: { ...request.settings },
  };
}

/**
 * The extension's public settings: the gateway's configuration endpoint, service type, replicas,
 * monitoring ids and the passed-through settings. The token and the ingestion key are not here.
 */
export function configurationSettings(
  deployment: Deployment,
  configurationUri: string,
): Record<string, string> {
  return {
    ...deployment.settings,
    "gateway.configuration.uri": configurationUri,
    "service.type": deployment.serviceType,
    replicaCount: String(deployment.replicas),
    ...(deployment.monitoring
      ? {
          "monitoring.customResourceId": deployment.monitoring.customResourceId,
          "monitoring.workspaceId": deployment.monitoring.workspaceId,
        }
      : {}),
  };
}

/** `gateway.auth.token` as the extension expects it: the generated token prefixed with `GatewayKey `. */
export function gatewayAuthToken(generated: string): string {
  return generated.startsWith("GatewayKey ") ? generated : `GatewayKey ${generated}`;
}
