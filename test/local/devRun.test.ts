// `npm run dev`'s run, without the terminal: ARC_EMULATOR_TRAFFIC_LOG is honoured (every ARM
// exchange appended as one JSON line), and the emulator's CA certificate is written to a path of
// this run's own, removed when the run stops — two runs never overwrite each other's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { VirtualClock } from "../../local/clock";
import type { ActivityView } from "../../local/dev/activityView";
import type { DevOptions } from "../../local/dev/devArgs";
import { devEmulatorSettings, type DevRun, startDevRun } from "../../local/dev/devRun";

const appModule = resolve(__dirname, "../host/fixtures/functionsHttpApp.ts");
const root = resolve(__dirname, "../..");
const options: DevOptions = { demo: false, port: 0, timeScale: 60, azure: false, help: false };
const subscriptionId = "00000000-0000-4000-8000-0000000d0001";

const quietView: ActivityView = {
  instanceChanged: () => undefined,
  log: () => undefined,
  hostLog: () => undefined,
  stop: () => undefined,
};

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "arc-dev-run-test-"));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function start(env: NodeJS.ProcessEnv): Promise<DevRun> {
  return startDevRun({
    options,
    clock: new VirtualClock(),
    view: quietView,
    root,
    app: { modules: [appModule] },
    env,
  });
}

test("ARC_EMULATOR_TRAFFIC_LOG: every ARM exchange of the run is appended to the file, and the banner says where", async () => {
  const file = join(scratch, "logs", "traffic.jsonl");
  const run = await start({ ARC_EMULATOR_TRAFFIC_LOG: file });
  try {
    expect(run.trafficLog).toBe(file);
    expect(run.banner()).toContain(`traffic log           ${file}`);
    const machines = `/subscriptions/${subscriptionId}/providers/Microsoft.HybridCompute/machines?api-version=2025-01-13`;
    expect((await run.host.emulator!.request("GET", machines)).status).toBe(200);
  } finally {
    await run.stop();
  }

  const lines = readFileSync(file, "utf8").trim().split("\n");
  const exchanges = lines.map((line) => JSON.parse(line) as { method: string; url: string; status: number });
  expect(exchanges).toEqual([
    expect.objectContaining({
      method: "GET",
      status: 200,
      url: expect.stringContaining(subscriptionId) as string,
    }),
  ]);
});

test("without ARC_EMULATOR_TRAFFIC_LOG no log is written, and the banner says how to turn it on", async () => {
  expect(devEmulatorSettings({})).toEqual({ trafficLog: null });
  expect(devEmulatorSettings({ ARC_EMULATOR_TRAFFIC_LOG: "  " })).toEqual({ trafficLog: null });
  expect(devEmulatorSettings({ ARC_EMULATOR_TRAFFIC_LOG: "t.jsonl" })).toEqual({
    trafficLog: resolve("t.jsonl"),
  });

  const run = await start({});
  try {
    expect(run.trafficLog).toBeUndefined();
    expect(run.banner()).toMatch(/traffic log\s+off \(ARC_EMULATOR_TRAFFIC_LOG=<file>/);
  } finally {
    await run.stop();
  }
});

test("each run writes the emulator's CA certificate to a path of its own and removes it when it stops", async () => {
  const first = await start({});
  const firstFile = first.caFile!;
  try {
    expect(readFileSync(firstFile, "utf8")).toBe(first.host.emulator!.caPem);
    expect(dirname(firstFile).startsWith(join(tmpdir(), "arc-autopilot-dev-"))).toBe(true);
    expect(first.banner()).toContain(`CA certificate: ${firstFile}`);
    expect(first.banner()).toContain(`curl --cacert ${firstFile} `);
  } finally {
    await first.stop();
  }
  expect(existsSync(dirname(firstFile))).toBe(false);

  const second = await start({});
  try {
    expect(second.caFile).not.toBe(firstFile);
    expect(existsSync(second.caFile!)).toBe(true);
  } finally {
    await second.stop();
    await second.stop(); // twice is harmless
  }
  expect(existsSync(dirname(second.caFile!))).toBe(false);
});
