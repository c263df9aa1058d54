// The durable side of the app: every capability's orchestrators and activities, under their
// versioned names. Registration only; what they do lives in orchestrations/.
import { apim } from "../orchestrations/apim";
import { registerCapabilities } from "../orchestrations/capability";
import { drift } from "../orchestrations/drift";
import { gateways } from "../orchestrations/gateways";
import { machines } from "../orchestrations/machines";
import { onboarding } from "../orchestrations/onboarding";
import { sharedOperations } from "../orchestrations/sharedOperation";

registerCapabilities([sharedOperations, machines, onboarding, gateways, drift, apim]);
