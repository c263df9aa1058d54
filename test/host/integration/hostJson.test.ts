// The app's host.json as the local host honours it: the durable limits the app declares for
// Azure, and a hub name that is an app setting reference.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { readHostJson } from "../../../local/host/hostJson";

const projectRoot = resolve(__dirname, "../../..");

test("the project's host.json: its concurrency limits, and the hub named by ARC_TASK_HUB_NAME", () => {
  expect(readHostJson(projectRoot, { ARC_TASK_HUB_NAME: "arcautopilot" })).toEqual({
    taskHubName: "arcautopilot",
    maxConcurrentActivityFunctions: 10,
    maxConcurrentOrchestratorFunctions: 10,
  });
  // Unset, the reference names no hub and the host's default applies.
  expect(readHostJson(projectRoot, {}).taskHubName).toBeUndefined();
});

describe("other host.json files", () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "arc-hostjson-"));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  test("none at all means the defaults", () => {
    expect(readHostJson(folder, {})).toEqual({});
  });

  test("a literal hub name and a route prefix", () => {
    writeFileSync(
      join(folder, "host.json"),
      JSON.stringify({ extensions: { http: { routePrefix: "" }, durableTask: { hubName: "LocalHub" } } }),
    );
    expect(readHostJson(folder, {})).toEqual({ routePrefix: "", taskHubName: "LocalHub" });
  });

  test("a limit that is not a positive whole number is refused with its path", () => {
    writeFileSync(
      join(folder, "host.json"),
      JSON.stringify({ extensions: { durableTask: { maxConcurrentActivityFunctions: 0 } } }),
    );
    expect(() => readHostJson(folder, {})).toThrow(
      "extensions.durableTask.maxConcurrentActivityFunctions must be a whole number of at least 1",
    );
  });
});
