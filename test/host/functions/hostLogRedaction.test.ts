// Issue 8: no log line of the host carries a key, a `code=` value or a bearer token. The host
// redacts at its one log sink, so every writer — the app's log lines, a function's failure, the
// host's own "request failed inside the host" line that names the URL — is covered.
import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { type FunctionsHost, startFunctionsHost } from "../../../local/host/functions/functionsHost";
import { CollectedHostLog, redactSecrets } from "../../../local/host/functions/hostLog";

const keys = {
  master: "master-key-0123456789",
  host: { default: "host-key-0123456789" },
  functions: { LogsItsUrl: { default: "function-key-0123456789" } },
};
const log = new CollectedHostLog();
let host: FunctionsHost;

beforeAll(async () => {
  host = await startFunctionsHost({
    app: { modules: [resolve(__dirname, "../fixtures/functionsLoggingApp.ts")] },
    clock: new VirtualClock(Date.UTC(2026, 0, 1)),
    port: 0,
    keys,
    timers: false,
    log: log.log,
  });
});

afterAll(async () => {
  await host.stop();
});

test("URLs with keys and bearer tokens in the app's log lines and failures reach the log redacted", async () => {
  const key = keys.host.default;
  const token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiJhcmMifQ.c2lnbmF0dXJl";
  const logged = await fetch(`${host.origin}/api/logs-its-url?code=${key}&machine=m-1`, {
    headers: { "x-functions-key": key },
  });
  expect(logged.status).toBe(200);
  const failed = await fetch(`${host.origin}/api/fails-with-its-url?code=${key}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(failed.status).toBe(500);

  const messages = log.entries.map((e) => e.message);
  expect(messages).toContainEqual(
    expect.stringMatching(
      /called at http:\/\/[^ ]+\/api\/logs-its-url\?code=\[redacted\]&machine=m-1 with x-functions-key: \[redacted\]/,
    ),
  );
  expect(messages).toContainEqual(
    expect.stringMatching(/could not serve [^ ]+\?code=\[redacted\] \(Authorization: Bearer \[redacted\]\)/),
  );
  const everything = JSON.stringify(log.entries);
  for (const secret of [keys.master, keys.host.default, keys.functions.LogsItsUrl.default, token]) {
    expect(everything).not.toContain(secret);
  }
});

test.each([
  [
    "https://app.azurewebsites.net/runtime/webhooks/EventGrid?functionName=f&code=abc%3D%3D",
    "?functionName=f&code=[redacted]",
  ],
  ["GET /api/x?CODE=k1&b=2", "?CODE=[redacted]&b=2"],
  ["https://x.blob.core.windows.net/c?sv=2024&sig=AbC%2Bd%3D", "&sig=[redacted]"],
  ['{"x-functions-key":"k2"}', '{"x-functions-key":"[redacted]"}'],
  ["authorization: Bearer eyJ0eXAiOiJKV1Qi.eyJzdWIi.c2ln", "Bearer [redacted]"],
])("redacts %s", (message, expected) => {
  const redacted = redactSecrets(message);
  expect(redacted).toContain(expected);
  expect(redactSecrets(redacted)).toBe(redacted);
});

test("leaves a message without secrets as it was", () => {
  const message = "Request POST /api/onboard?machine=m-1 failed inside the host: boom (code 42)";
  expect(redactSecrets(message)).toBe(message);
});
