// `npm run emulator`: the Azure emulator on its own, for poking at it with curl, the Azure SDK
// or a locally running Functions host. Ctrl-C stops it cleanly.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { ScaledClock } from "../clock";
import { adminPrefix } from "./admin/adminApi";
import { connectDemoFleet } from "./demoFleet";
import { startEmulator } from "./index";

const usage = `Usage: npm run emulator -- [options]
  --port <n>          HTTPS port on 127.0.0.1 (default 8443; 0 picks a free one)
  --seed <n>          seed for ids and faults (default 1)
  --time-scale <x>    run the clock x times faster than real time (default 1)
  --no-throttling     keep ARM's rate-limit headers but never answer 429
  --traffic-log <f>   append every ARM exchange to <f> as JSON lines
  --ca-file <f>       where to write the certificate to trust (default: the temp folder)
  --demo              connect a demo fleet of machines at start
  --help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8443" },
      seed: { type: "string", default: "1" },
      "time-scale": { type: "string", default: "1" },
      "no-throttling": { type: "boolean", default: false },
      "traffic-log": { type: "string" },
      "ca-file": { type: "string" },
      demo: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  const seed = Number(values.seed);
  const scale = Number(values["time-scale"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, not '${values.port}'`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, not '${values.seed}'`);
  if (!(scale > 0 && scale <= 10_000))
    throw new Error(`--time-scale must be above 0 and at most 10000, not '${values["time-scale"]}'`);

  const emulator = await startEmulator({
    port,
    seed,
    clock: new ScaledClock(scale),
    throttling: !values["no-throttling"],
    trafficLog: values["traffic-log"] ? resolve(values["traffic-log"]) : null,
  });
  const caFile = resolve(values["ca-file"] ?? join(tmpdir(), "arc-autopilot-emulator-ca.pem"));
  writeFileSync(caFile, emulator.caPem);
  const machines = values.demo ? connectDemoFleet(emulator.context()) : [];

  console.log(`Azure emulator listening on ${emulator.url} (time x${scale})`);
  console.log(`  trust its certificate:  export NODE_EXTRA_CA_CERTS=${caFile}`);
  console.log(`  point the app at it:    export AZURE_RESOURCE_MANAGER_ENDPOINT=${emulator.url}`);
  console.log(`  admin API:              curl --cacert ${caFile} ${emulator.url}${adminPrefix}/state`);
  if (machines.length) {
    console.log(`  demo fleet:             ${machines.length} machines connected`);
    console.table(
      emulator.state.listResources({ type: "Microsoft.HybridCompute/machines" }).map(({ body }) => {
        const properties = body.properties as Record<string, unknown>;
        const agent = properties.agentConfiguration as Record<string, unknown>;
        return {
          machine: body.name,
          location: body.location,
          agent: properties.agentVersion,
          os: properties.osName,
          status: properties.status,
          mode: agent.configMode,
        };
      }),
    );
  }
  console.log("Press Ctrl-C to stop.");

  const stop = () => {
    console.log("\nStopping the emulator…");
    emulator
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exit(2);
});
