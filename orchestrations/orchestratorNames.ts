// Orchestrator names, versioned like activity names: a shipped name never changes, so histories
// in flight still find their code after a deployment. The events they exchange are named where
// they are used (sharedOperation.ts and the shared operations' modules).
export const orchestratorNames = {
  /** Onboards one machine: observe → plan → act (one instance per machine). */
  onboardMachine: "onboardMachine_v1",
  /** Creates one gateway and waits it out, once, for every machine that needs it. */
  gatewayCreation: "gatewayCreation_v1",
  /** Registers one resource provider in one subscription and waits until it is Registered. */
  providerRegistration: "providerRegistration_v1",
  /** The onboard runbook: plans (dry run) or onboards a list or scope of machines, paced. */
  onboardFleet: "onboardFleet_v1",
  /** Takes one machine off its gateway: the agent to direct first, then the cloud link. */
  detachMachine: "detachMachine_v1",
  /** Retires one gateway: every machine off it, none left on re-read, then the DELETE. */
  retireGateway: "retireGateway_v1",
  /** Moves one machine from a retiring gateway onto another: the cloud link, then the agent. */
  moveMachineGateway: "moveMachineGateway_v1",
  /** The drift sweep: reads the fleet, classifies each machine's drift, repairs it (or only reports). */
  driftSweep: "driftSweep_v1",
  /** Points at the last finished drift sweep: its output is that sweep's instance id. */
  driftLatest: "driftLatest_v1",
} as const;
