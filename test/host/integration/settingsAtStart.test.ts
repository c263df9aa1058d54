// Issue 10: a bad setting stops the app at start, naming the variable and what is expected —
// not at the first Event Grid delivery. The app's own modules on the local host.
import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { startLocalHost } from "../../../local/host";

const root = resolve(__dirname, "../../..");

test("ARC_OS_POLICY=maybe and ARC_SSH_PORT=abc refuse to start, each named with what is expected", async () => {
  const started = startLocalHost({
    app: {
      modules: [resolve(root, "functions/settingsCheck.ts"), resolve(root, "functions/machineEvents.ts")],
    },
    clock: new VirtualClock(Date.UTC(2026, 10, 23, 8)),
    timers: false,
    log: () => undefined,
    appSettings: {
      ARC_SCOPES: "/subscriptions/00000000-0000-4000-8000-0000000a1101",
      ARC_OS_POLICY: "maybe",
      ARC_SSH_PORT: "abc",
    },
  });
  await expect(started).rejects.toThrow(/ARC_OS_POLICY \('maybe'\): .*warn.*skip/);
  await expect(started).rejects.toThrow(/ARC_SSH_PORT \('abc'\): must be a whole number from 1 to 65535/);
});
