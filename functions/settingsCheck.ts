// Validates every setting once, when the app starts, so a bad value (ARC_OS_POLICY=maybe,
// ARC_SSH_PORT=abc, a malformed ARC_SCOPES entry) stops the app with the variable's name and what
// is expected, instead of failing every delivery later. An error thrown by an appStart hook keeps
// the Functions worker from starting: the host reports it and no function runs.
import { app } from "@azure/functions";

import { getSettings } from "../shared/config";

app.hook.appStart(() => {
  getSettings();
});
