// The detach result's type for callers that still import it from here (the end-to-end detach
// story); its schema, with the detach plan's, lives in shared/gateways/detachPlan.ts.
export type { DetachResult } from "../shared/gateways/detachPlan";
