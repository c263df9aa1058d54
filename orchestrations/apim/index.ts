// API Management self-hosted gateways on Arc-enabled Kubernetes: deploying the
// `Microsoft.ApiManagement.Gateway` extension with a generated token, verifying the gateway's
// heartbeat, rotating its token before it expires, and removing it.
import type { Capability } from "../capability";
import {
  installApimGateway,
  prepareApimDeployment,
  readApimDeployment,
  recordApimToken,
  removeApimExtension,
  rotateApimToken,
} from "./apimActivities";
import { findDueApimTokens, publishApimOutcome, startApimRotations } from "./apimFleetActivities";
import { apimOrchestratorNames } from "./apimNames";
import { deployApimGatewayOrchestrator } from "./deployApimGateway.orchestrator";
import { removeApimGatewayOrchestrator } from "./removeApimGateway.orchestrator";
import { rotateApimGatewayTokenOrchestrator } from "./rotateApimGatewayToken.orchestrator";
import { sweepApimGatewayTokensOrchestrator } from "./sweepApimGatewayTokens.orchestrator";

export const apim: Capability = {
  name: "apim",
  orchestrators: [
    { name: apimOrchestratorNames.deploy, handler: deployApimGatewayOrchestrator },
    { name: apimOrchestratorNames.rotate, handler: rotateApimGatewayTokenOrchestrator },
    { name: apimOrchestratorNames.sweep, handler: sweepApimGatewayTokensOrchestrator },
    { name: apimOrchestratorNames.remove, handler: removeApimGatewayOrchestrator },
  ],
  activities: [
    prepareApimDeployment,
    installApimGateway,
    rotateApimToken,
    readApimDeployment,
    recordApimToken,
    removeApimExtension,
    findDueApimTokens,
    startApimRotations,
    publishApimOutcome,
  ],
};
