// Gateways: creating one once for every machine that needs it, attaching machines to it, and
// taking a machine off it (detach). Later: retiring a gateway (detach all, verify, delete), under
// the same per-gateway key as its creation (gatewayCreation.ts).
import type { Capability } from "../capability";
import { orchestratorNames } from "../orchestratorNames";
import { clearGatewayLink, planDetach } from "./detachActivities";
import { detachMachineOrchestrator } from "./detachMachine.orchestrator";
import {
  attachGateway,
  beginCreateGateway,
  readGatewayOperation,
  readGatewayState,
} from "./gatewayActivities";
import { joinGatewayCreation } from "./gatewayCreation";
import { gatewayCreationOrchestrator } from "./gatewayCreation.orchestrator";

export const gateways: Capability = {
  name: "gateways",
  orchestrators: [
    { name: orchestratorNames.gatewayCreation, handler: gatewayCreationOrchestrator },
    { name: orchestratorNames.detachMachine, handler: detachMachineOrchestrator },
  ],
  activities: [
    beginCreateGateway,
    readGatewayOperation,
    readGatewayState,
    joinGatewayCreation,
    attachGateway,
    planDetach,
    clearGatewayLink,
  ],
};
