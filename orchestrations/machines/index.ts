// What every capability does on one machine through Azure: Run Command (begun and read by
// activities, waited on by agentRunCommand.ts). Observing a machine (observeMachine.ts) is a
// function the planning activities share, not an activity of its own.
import type { Capability } from "../capability";
import { beginRunCommand, readRunCommand } from "./runCommandActivities";

export const machines: Capability = {
  name: "machines",
  orchestrators: [],
  activities: [beginRunCommand, readRunCommand],
};
