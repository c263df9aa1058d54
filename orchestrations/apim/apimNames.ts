// The API Management gateway capability's orchestrator names (versioned: a shipped name never
// changes) and instance ids: one deployment, one rotation and one removal per cluster at a time,
// under `runbook-apim-…` ids so the operations routes show and cancel them.
import { runbookInstanceId } from "../../shared/onboarding/instanceIds";

export const apimOrchestratorNames = {
  /** Prerequisites → token + extension in one activity → install waited out → heartbeat → tag. */
  deploy: "deployApimGateway_v1",
  /** A new token from the other key → protected setting PATCHed → heartbeat kept → tag. */
  rotate: "rotateApimGatewayToken_v1",
  /** Finds the due tokens (timer backstop or a token event) and starts their rotations. */
  sweep: "sweepApimGatewayTokens_v1",
  /** Deletes the extension and its tags. */
  remove: "removeApimGateway_v1",
} as const;

export type ApimRun = "deploy" | "rotate" | "remove";

const kinds: Record<ApimRun, string> = {
  deploy: "apim-gateway",
  rotate: "apim-rotate",
  remove: "apim-remove",
};

/** `runbook-apim-gateway-<cluster>-<16 hex>` and the like: one run of each kind per cluster. */
export function apimInstanceId(run: ApimRun, clusterId: string): string {
  return runbookInstanceId(kinds[run], { resourceId: clusterId });
}
