// The emulator's traffic for one local-host run. The emulator appends every ARM exchange to one
// JSON-lines file; a run gets a file of its own, so `traffic()` shows exactly this run's
// exchanges. When the run ends its lines are appended to the suite's traffic log
// (ARC_EMULATOR_TRAFFIC_LOG), so the contract check still sees every exchange the tests made.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import type { TrafficExchange } from "../emulator/trafficLog";

let runs = 0;

export class RunTraffic {
  /** The file the emulator writes this run's exchanges to. */
  readonly file: string;

  constructor(private readonly suiteLog: string | undefined) {
    runs += 1;
    this.file = join(tmpdir(), `arc-autopilot-local-host-${process.pid}-${runs}-${Date.now()}.jsonl`);
  }

  /** Every exchange of this run so far, oldest first. */
  exchanges(): TrafficExchange[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as TrafficExchange);
  }

  /** Hands the run's lines to the suite's log (one append) and removes the run's file. */
  finish(): void {
    if (!existsSync(this.file)) return;
    const lines = readFileSync(this.file, "utf8");
    if (this.suiteLog && lines !== "") {
      mkdirSync(dirname(this.suiteLog), { recursive: true });
      appendFileSync(this.suiteLog, lines);
    }
    rmSync(this.file, { force: true });
  }
}
