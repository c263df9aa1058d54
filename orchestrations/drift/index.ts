// Drift: a sweep that reads the fleet, finds what events missed (settings removed by hand,
// endpoints deleted, machines that joined while the app was down, gateways deleted behind its
// back), repairs it through onboarding or only reports it, and reports compliance.
import type { Capability } from "../capability";
import { orchestratorNames } from "../orchestratorNames";
import { driftSweepOrchestrator } from "./driftSweep.orchestrator";
import { publishDriftReport } from "./publishReport";
import {
  beginDriftSweep,
  driftLatestOrchestrator,
  readDriftInventoryPage,
  readIdleRetirements,
  readOnboardingRecords,
  readPreviousSweep,
  recordLatestSweep,
  verifyDriftBatch,
} from "./sweepActivities";

export const drift: Capability = {
  name: "drift",
  orchestrators: [
    { name: orchestratorNames.driftSweep, handler: driftSweepOrchestrator },
    { name: orchestratorNames.driftLatest, handler: driftLatestOrchestrator },
  ],
  activities: [
    beginDriftSweep,
    readDriftInventoryPage,
    readPreviousSweep,
    readIdleRetirements,
    verifyDriftBatch,
    readOnboardingRecords,
    recordLatestSweep,
    publishDriftReport,
  ],
};
