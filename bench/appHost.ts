// The local host running the app's own compiled functions for a bench: virtual clock, quiet logs,
// no timers (the bench starts what it measures), the emulator's traffic kept in memory only.
import { resolve } from "node:path";

import type { VirtualClock } from "../local/clock";
import { type LocalHost, silentHostLog, startLocalHost } from "../local/host";

/** Starts the host with `functions/<name>.js` for each name, watching the given subscriptions. */
export function startAppHost(
  clock: VirtualClock,
  functionModules: readonly string[],
  subscriptionIds: readonly string[],
): Promise<LocalHost> {
  return startLocalHost({
    app: { modules: functionModules.map((name) => resolve(__dirname, `../functions/${name}.js`)) },
    clock,
    log: silentHostLog,
    engineLog: () => undefined,
    timers: false,
    emulator: { trafficLog: null },
    appSettings: {
      ARC_SCOPES: subscriptionIds.map((id) => `/subscriptions/${id}`).join(","),
      ARC_GATEWAY_RESOURCE_GROUP: "arc-gateways",
    },
  });
}
