// After the run (whole suite or `npx jest some/file`): every ARM operation the app's code sent to an
// emulator during this run must be in the permissions table (test/support/appTrafficPermissions.ts).
// globalSetup truncated the log, so only this run's traffic is checked, whatever ran and in what order.
import { resolve } from "node:path";

import { checkTrafficLog } from "./appTrafficPermissions";

export default function globalTeardown(): void {
  checkTrafficLog(resolve(process.env.ARC_EMULATOR_TRAFFIC_LOG ?? "test-results/traffic.jsonl"));
}
