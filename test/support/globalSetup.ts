// One traffic log for the whole suite: every emulator a test starts appends to it, and
// CI's contract check of the traffic against the official specs validates it afterwards (.ci/run).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export default function globalSetup(): void {
  const file = resolve(process.env.ARC_EMULATOR_TRAFFIC_LOG ?? "test-results/traffic.jsonl");
  process.env.ARC_EMULATOR_TRAFFIC_LOG = file;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "");
}
