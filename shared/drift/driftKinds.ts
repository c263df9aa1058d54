// What a drift sweep finds on one machine, as a pure function of what it observed: the plan the
// onboarding planner made (shared/onboarding/plan.ts, the same rules onboarding uses), the state
// of the gateway the machine's settings name, whether an onboarding was ever recorded for it, and
// what the previous sweep found. Every machine gets exactly one kind, so the kinds' counts add up
// to the fleet, and whether the sweep may repair it.
//
// Order (the first that applies): excluded (out of scope, opted out, gone, OS skipped) → stranded
// (its gateway no longer exists or is retiring; repaired like the rest unless a retirement runs
// for it, which moves it) → not connected (a repair would only wait) →
// cannot be planned (unknown OS, no placement) → needs local action (only a command on the
// machine helps: reported, and never retried by the sweep, which would only stop at the same
// point again) → the steps still missing: a `pending` machine now connected; never onboarded;
// not attached; provider not registered; endpoint missing; SSH configuration missing or on the
// wrong port → direct by an operator's choice (tagged ARC_CONNECTION_TAG: direct, nothing else
// missing: compliant, never put back behind a gateway; still linked to a gateway: reported with
// code StillAttached, for the detach runbook) → in its desired state.
import type { OsType } from "../azure/agentCommands";
import { connectionTypeCommand, type LocalAction } from "../onboarding/localActions";
import type { OnboardingPlan } from "../onboarding/onboardingPlan";
import type { OnboardingStep } from "../onboarding/steps";

export const driftKinds = [
  "in-desired-state",
  "direct-by-choice",
  "never-onboarded",
  "not-attached",
  "stranded",
  "endpoint-missing",
  "ssh-configuration",
  "provider-not-registered",
  "pending-now-connected",
  "needs-local-action",
  "not-connected",
  "unplannable",
  "excluded",
] as const;

export type DriftKind = (typeof driftKinds)[number];

/** Kinds that are drift the sweep repairs by starting the machine's onboarding. */
export const repairableKinds: ReadonlySet<DriftKind> = new Set<DriftKind>([
  "never-onboarded",
  "not-attached",
  "stranded",
  "endpoint-missing",
  "ssh-configuration",
  "provider-not-registered",
  "pending-now-connected",
]);

/** Direct by choice, yet still linked to a gateway (a detach that stopped half-way, or a tag set by hand). */
export const stillAttachedCode = "StillAttached";

/** In its desired state: the desired state itself, or direct by an operator's choice with nothing else missing. */
export function isCompliant(kind: DriftKind, code?: string): boolean {
  return kind === "in-desired-state" || (kind === "direct-by-choice" && code !== stillAttachedCode);
}

/** Kinds left out of a scope's compliance: the machine is not the app's to keep (out of scope, opted out, deleted). */
export const uncountedKinds: ReadonlySet<DriftKind> = new Set<DriftKind>(["excluded"]);

/** The gateway the machine's settings name, as the sweep's gateway inventory shows it. */
export type LinkedGatewayState = "live" | "missing" | "retiring";

export interface DriftFacts {
  readonly plan: OnboardingPlan;
  /** The gateway link the machine's settings hold (absent: not attached). */
  readonly gatewayLink?: string;
  /** That gateway's state; absent when the machine has no link or its state is unknown. */
  readonly linkedGateway?: LinkedGatewayState;
  /**
   * For a `retiring` gateway: whether its retirement (retireGateway_v1 under the gateway's key)
   * runs, as the durable store showed it. Running or unknown (absent): the machine is left to it.
   */
  readonly retirementRunning?: boolean;
  /** Whether an onboarding run was ever recorded for the machine (its durable instance exists). */
  readonly onboardingRecorded: boolean;
  /** What the previous sweep found, when it read the machine. */
  readonly previous?: { readonly kind: DriftKind; readonly code?: string };
}

export interface DriftFinding {
  readonly kind: DriftKind;
  /** The planner's stop code (or follow-up code) behind the kind, when there is one. */
  readonly code?: string;
  /** Whether the sweep starts the machine's onboarding for it. */
  readonly repairable: boolean;
  /** A needs-local-action finding the previous sweep already reported with the same code. */
  readonly unchanged?: boolean;
}

export function classifyDrift(facts: DriftFacts): DriftFinding {
  const { plan } = facts;
  const found = (kind: DriftKind, code?: string): DriftFinding => ({
    kind,
    ...(code !== undefined ? { code } : {}),
    repairable: repairableKinds.has(kind),
  });
  if (plan.kind === "stop" && plan.outcome === "skipped") return found("excluded", plan.code);
  // A link to a gateway that is gone (or going): the machine cannot stay on it. A deleted
  // gateway's machines are repaired once connected: onboarding links them to a live gateway
  // (placement never picks a deleted or retiring one). While disconnected the agent cannot be
  // reached at all (it still routes through the deleted gateway), so the report gives the local
  // command instead (strandedLocalAction). A retiring gateway's machines are its running
  // retirement's to move (to direct, or onto the gateway the operator chose): reported, not
  // repaired. With no retirement running (it aborted, or someone tagged the gateway by hand)
  // nothing else would ever move them: repaired like a deleted gateway's, once connected (the
  // planner, told so, links them to a live gateway).
  if (
    facts.gatewayLink !== undefined &&
    (facts.linkedGateway === "missing" || facts.linkedGateway === "retiring")
  ) {
    const code = plan.kind === "stop" ? plan.code : undefined;
    const leftToRetirement = facts.linkedGateway === "retiring" && facts.retirementRunning !== false;
    return {
      ...found("stranded", code),
      repairable: !leftToRetirement && plan.kind === "steps" && plan.steps.length > 0,
    };
  }
  if (plan.kind === "stop") {
    // Stranded last time and still unreachable (its cloud link may be fixed by now): the agent
    // needs the same local command, so it stays stranded.
    if (plan.outcome === "pending" && facts.previous?.kind === "stranded")
      return { ...found("stranded", plan.code), repairable: false };
    if (plan.outcome === "pending") return found("not-connected", plan.code);
    if (plan.outcome === "failed") return found("unplannable", plan.code);
    return localAction(plan.code, facts.previous);
  }
  const kinds = new Set(plan.steps.map((s: OnboardingStep) => s.kind));
  if (kinds.size === 0 && plan.directByChoice !== undefined) {
    return facts.gatewayLink === undefined
      ? found("direct-by-choice")
      : { ...found("direct-by-choice", stillAttachedCode), repairable: false };
  }
  if (kinds.size === 0) {
    // Nothing the app can do, but not its desired state either (an agent too old for a gateway).
    return plan.followUp ? localAction(plan.followUp.code, facts.previous) : found("in-desired-state");
  }
  if (facts.previous?.kind === "not-connected") return found("pending-now-connected");
  if (kinds.has("attachGateway") || kinds.has("createGateway") || kinds.has("waitForGateway")) {
    return found(facts.onboardingRecorded ? "not-attached" : "never-onboarded");
  }
  if (kinds.has("switchAgentToGateway")) return found("not-attached");
  if (kinds.has("registerProvider") || kinds.has("waitForProvider")) return found("provider-not-registered");
  if (kinds.has("createDefaultEndpoint")) return found("endpoint-missing");
  return found("ssh-configuration");
}

function localAction(code: string, previous: DriftFacts["previous"]): DriftFinding {
  const unchanged = previous?.kind === "needs-local-action" && previous.code === code;
  return { kind: "needs-local-action", code, repairable: false, ...(unchanged ? { unchanged } : {}) };
}

/**
 * What recovers a stranded agent that cannot reach Azure: its gateway is gone, so it is told to go
 * direct (docs/azure-facts.md §4); once it is Connected again the next sweep links it to a live
 * gateway, and agents 1.51 and later switch to that gateway by themselves.
 */
export function strandedLocalAction(osType: OsType): LocalAction {
  return {
    osType,
    commands: [connectionTypeCommand(osType, "direct")],
    explanation:
      "The machine's gateway no longer exists, so its agent cannot reach Azure through it. Switch the agent to direct connection" +
      `${osType === "windows" ? " in an elevated PowerShell" : ""}; once it shows Connected the next drift sweep links it to a live gateway.`,
  };
}
