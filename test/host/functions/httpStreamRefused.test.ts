import { resolve } from "node:path";

import { loadFunctionApp } from "../../../local/host/functions/appLoader";
import { silentHostLog } from "../../../local/host/functions/hostLog";

test("an app that enables HTTP streaming fails to load, saying why", async () => {
  await expect(
    loadFunctionApp(
      { modules: [resolve(__dirname, "../fixtures/functionsHttpStreamApp.ts")] },
      { log: silentHostLog },
    ),
  ).rejects.toThrow(
    /functionsHttpStreamApp\.ts failed: app\.setup\(\{ enableHttpStream: true \}\) is not supported/,
  );
});
