// Records the ARM exchanges of one test from the emulator's own traffic log: the log is pointed
// at a file of the test's, and what it recorded is appended to the suite's log afterwards, so the
// contract check still sees every exchange.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Emulator } from "../../local/emulator";
import type { TrafficExchange } from "../../local/emulator/trafficLog";

export interface TrafficRecorder {
  /** Every exchange so far, as `METHOD path` (no query) plus status. */
  exchanges(): { method: string; path: string; status: number }[];
  /** How many exchanges were recorded so far: pass to `since` to see what came after. */
  mark(): number;
  since(mark: number): { method: string; path: string; status: number }[];
  /** Restores the suite's log and appends this test's exchanges to it. */
  stop(): void;
}

export function recordTraffic(emulator: Emulator): TrafficRecorder {
  const directory = mkdtempSync(join(tmpdir(), "arc-traffic-"));
  const file = join(directory, "traffic.jsonl");
  emulator.setTrafficLog(file);
  const read = (): TrafficExchange[] => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as TrafficExchange);
  };
  const exchanges = () =>
    read().map((e) => ({ method: e.method, path: new URL(e.url).pathname, status: e.status }));
  return {
    exchanges,
    mark: () => read().length,
    since: (mark) => exchanges().slice(mark),
    stop: () => {
      const suiteLog = process.env.ARC_EMULATOR_TRAFFIC_LOG;
      emulator.setTrafficLog(suiteLog ?? null);
      if (suiteLog) {
        try {
          appendFileSync(suiteLog, readFileSync(file, "utf8"));
        } catch {
          // nothing recorded
        }
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
