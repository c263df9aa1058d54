// Gateways: creating one once for every machine that needs it, attaching machines to it, taking
// a machine off it (detach, or a move onto another gateway), and retiring a gateway (every
// machine off, none left on re-read, then delete) under the same per-gateway key as its creation
// (gatewayCreation.ts, gatewayRetirement.ts).
import type { Capability } from "../capability";
import { orchestratorNames } from "../orchestratorNames";
import { clearGatewayLink, planDetach, recordDirectChoice } from "./detachActivities";
import { detachMachineOrchestrator } from "./detachMachine.orchestrator";
import {
  attachGateway,
  beginCreateGateway,
  readGatewayOperation,
  readGatewayState,
} from "./gatewayActivities";
import { joinGatewayCreation } from "./gatewayCreation";
import { gatewayCreationOrchestrator } from "./gatewayCreation.orchestrator";
import { moveMachineGatewayOrchestrator } from "./moveMachineGateway.orchestrator";
import { retireGatewayOrchestrator } from "./retireGateway.orchestrator";
import {
  beginGatewayDeletion,
  findAttachedMachines,
  markGatewayRetiring,
  planGatewayMoveActivity,
  readGatewayForRetirement,
} from "./retirementActivities";

export const gateways: Capability = {
  name: "gateways",
  orchestrators: [
    { name: orchestratorNames.gatewayCreation, handler: gatewayCreationOrchestrator },
    { name: orchestratorNames.detachMachine, handler: detachMachineOrchestrator },
    { name: orchestratorNames.retireGateway, handler: retireGatewayOrchestrator },
    { name: orchestratorNames.moveMachineGateway, handler: moveMachineGatewayOrchestrator },
  ],
  activities: [
    beginCreateGateway,
    readGatewayOperation,
    readGatewayState,
    joinGatewayCreation,
    attachGateway,
    planDetach,
    recordDirectChoice,
    clearGatewayLink,
    readGatewayForRetirement,
    markGatewayRetiring,
    findAttachedMachines,
    planGatewayMoveActivity,
    beginGatewayDeletion,
  ],
};
