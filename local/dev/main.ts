// `npm run dev`: the app on the local host with the Azure emulator, on one clock running faster
// than real time, the emulator's Event Grid subscribed to the app's Event Grid functions and a
// demo fleet connected — so a machine joining Arc shows up as orchestrations progressing on
// screen. Prints where everything listens and the keys to call it with, a progress bar per
// running orchestration, a table when all is quiet, and stops cleanly on Ctrl-C.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ScaledClock } from "../clock";
import { adminPrefix } from "../emulator/admin/adminApi";
import { connectDemoFleet, demoFleet, demoSubscriptionIds } from "../emulator/demoFleet";
import {
  type AppSettings,
  findFunctionAppRoot,
  type LocalHost,
  type RegisteredFunction,
  startLocalHost,
} from "../host";
import { type ActivityView, createActivityView, instanceTable } from "./activityView";
import { type DevOptions, devUsage, DevUsageError, parseDevArgs } from "./devArgs";
import { type LocalSettings, LocalSettingsError, readLocalSettings } from "./localSettings";

/** Real milliseconds of quiet (nothing running) before the table is printed. */
const quietMs = 1500;

export async function main(args: readonly string[]): Promise<void> {
  let options: DevOptions;
  try {
    options = parseDevArgs(args);
  } catch (error) {
    if (!(error instanceof DevUsageError)) throw error;
    console.error(`npm run dev: ${error.message}\n\n${devUsage}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(devUsage);
    return;
  }

  const clock = new ScaledClock(options.timeScale);
  const view = createActivityView({ stream: process.stdout, clock });
  const root = findFunctionAppRoot(__dirname);
  let localSettings: LocalSettings;
  try {
    localSettings = readLocalSettings(root);
  } catch (error) {
    if (!(error instanceof LocalSettingsError)) throw error;
    console.error(`npm run dev: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  const host = await startLocalHost({
    app: { packageJson: root },
    clock,
    port: options.port,
    emulator: options.azure ? false : { trafficLog: null },
    appSettings: { ...demoSettings(options), ...localSettings.values },
    keys: localSettings.keys,
    log: (entry) => view.hostLog(entry),
    engineLog: (line) => view.log(line),
  });

  const watcher = watchForQuiet(host, view);
  printBanner(host, options, root);
  if (options.demo && host.emulator) {
    const machines = connectDemoFleet(host.emulator.context());
    view.log(
      `demo fleet: ${machines.length} machines connected in ${demoSubscriptionIds.length} subscriptions` +
        (host.eventGrid.length === 0
          ? " (no Event Grid function is registered, so nothing starts from it)"
          : ""),
    );
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: the user wants out now.
      process.exit(130);
    }
    stopping = true;
    watcher.stop();
    view.stop();
    console.log(`\n${signal}: stopping…`);
    printTable(host);
    host
      .stop()
      .then(() => host.app.terminate())
      .then(() => {
        console.log("Stopped.");
        process.exitCode = 0;
        // Everything is closed, so the process ends by itself; this only guards against a
        // straggling socket of the app's own keeping it alive.
        setTimeout(() => process.exit(0), 3000).unref();
      })
      .catch((error: unknown) => {
        console.error(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

/** Scopes the demo subscriptions, unless the developer chose scopes: ARC_SCOPES empty onboards nothing. */
function demoSettings(options: DevOptions): AppSettings {
  if (!options.demo || (process.env.ARC_SCOPES ?? "").trim() !== "") return {};
  return { ARC_SCOPES: demoSubscriptionIds.map((id) => `/subscriptions/${id}`).join(",") };
}

function printBanner(host: LocalHost, options: DevOptions, root: string): void {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(21)} ${value}`);
  lines.push(
    options.azure
      ? "arc-autopilot local host against real Azure (time x1)"
      : `arc-autopilot local host with the Azure emulator (time x${options.timeScale}: 1 real second = ${formatDuration(options.timeScale * 1000)} of host time)`,
  );
  row("Functions host", host.origin);
  if (host.emulator) {
    const caFile = join(tmpdir(), "arc-autopilot-dev-emulator-ca.pem");
    writeFileSync(caFile, host.emulator.caPem);
    row("Azure emulator", `${host.emulator.url}  (CA certificate: ${caFile})`);
    row("emulator admin", `curl --cacert ${caFile} ${host.emulator.url}${adminPrefix}/state`);
  } else {
    row(
      "Azure",
      `${process.env.AZURE_RESOURCE_MANAGER_ENDPOINT || "https://management.azure.com"} with DefaultAzureCredential (no emulator, no demo fleet)`,
    );
  }
  row("Durable API", host.durableManagementUrl);
  row("master key", host.keys.master);
  row(
    "function key",
    `${host.keys.host.default ?? ""}  (host key "default": x-functions-key header or ?code=)`,
  );
  for (const [name, key] of Object.entries(host.keys.system)) row(`${name}`, key);

  const functions = host.functionsHost.invoker.functions();
  if (functions.length === 0) {
    row(
      "functions",
      `none registered — ${root}/package.json "main" matches no compiled file yet; the host runs anyway`,
    );
  } else {
    for (const fn of functions) row(triggerLabel(fn), describeFunction(host, fn));
  }
  for (const { functionName, subscription } of host.eventGrid) {
    row(
      "Event Grid",
      `emulator subscription ${subscription.name} -> ${functionName} (${subscription.endpointUrl.replace(/code=[^&]+/, "code=…")})`,
    );
  }
  if (options.demo && host.emulator)
    row("demo fleet", `${demoFleet.length} machines (--no-demo leaves them out)`);
  lines.push("Press Ctrl-C to stop.");
  // Straight to stdout, before any bar is drawn.
  console.log(lines.join("\n"));
}

function triggerLabel(fn: RegisteredFunction): string {
  const type = fn.trigger.type.replace(/Trigger$/, "");
  return type === "orchestration" ? "orchestrator" : type;
}

function describeFunction(host: LocalHost, fn: RegisteredFunction): string {
  const trigger = fn.trigger as Record<string, unknown>;
  switch (fn.trigger.type.toLowerCase()) {
    case "httptrigger": {
      const methods = Array.isArray(trigger.methods) ? (trigger.methods as string[]).join(",") : "GET,POST";
      const route = typeof trigger.route === "string" ? trigger.route : fn.name;
      return `${fn.name}: ${methods.toUpperCase()} ${host.apiUrl(route)} (auth ${typeof trigger.authLevel === "string" ? trigger.authLevel : "anonymous"})`;
    }
    case "timertrigger":
      return `${fn.name}: ${String(trigger.schedule)}`;
    default:
      return fn.name;
  }
}

/** Prints the table whenever every orchestration has finished and nothing changed for a moment. */
function watchForQuiet(host: LocalHost, view: ActivityView): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const unsubscribe = host.engine.onInstanceChanged((status) => {
    view.instanceChanged(status);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const statuses = host.statuses();
      if (
        statuses.length === 0 ||
        statuses.some((s) => s.runtimeStatus === "Running" || s.runtimeStatus === "Pending")
      ) {
        return;
      }
      view.log(`all ${statuses.length} orchestration(s) finished:\n${instanceTable(statuses)}`);
    }, quietMs);
    timer.unref();
  });
  return {
    stop: () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}

function printTable(host: LocalHost): void {
  const statuses = host.statuses();
  console.log(statuses.length === 0 ? "No orchestrations ran." : instanceTable(statuses));
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(2)} min`;
  return `${+(ms / 3_600_000).toFixed(2)} h`;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`npm run dev failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
