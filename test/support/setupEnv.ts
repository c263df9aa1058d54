// Each test worker inherits the suite's traffic log (globalSetup sets it in the parent process;
// this makes the default explicit for a single file run with `npx jest path`).
import { resolve } from "node:path";

process.env.ARC_EMULATOR_TRAFFIC_LOG ??= resolve("test-results/traffic.jsonl");
