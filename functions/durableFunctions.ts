// The durable side of the app: the orchestrators and every activity of the activity map, under
// their versioned names. Registration only; what they do lives in orchestrations/.
import * as df from "durable-functions";

import { detachMachineOrchestrator } from "../orchestrations/detachMachine.orchestrator";
import { gatewayCreationOrchestrator } from "../orchestrations/gatewayCreation.orchestrator";
import { onboardMachineOrchestrator } from "../orchestrations/onboardMachine.orchestrator";
import { orchestratorNames } from "../orchestrations/orchestratorNames";
import { providerRegistrationOrchestrator } from "../orchestrations/providerRegistration.orchestrator";
import { registerOnboardingActivities } from "../orchestrations/registerActivities";

df.app.orchestration(orchestratorNames.onboardMachine, onboardMachineOrchestrator);
df.app.orchestration(orchestratorNames.gatewayCreation, gatewayCreationOrchestrator);
df.app.orchestration(orchestratorNames.providerRegistration, providerRegistrationOrchestrator);
df.app.orchestration(orchestratorNames.detachMachine, detachMachineOrchestrator);

registerOnboardingActivities();
