// `npm run dev`: the app on the local host with the Azure emulator, on one clock running faster
// than real time, the emulator's Event Grid subscribed to the app's Event Grid functions and a
// demo fleet connected — so a machine joining Arc shows up as orchestrations progressing on
// screen, and a Kubernetes cluster receiving its API Management gateway (demoApimGateway.ts);
// once the fleet's onboarding is quiet, one gateway is retired through the runbook route
// (demoRetirement.ts), then a little drift made behind the app's back is swept, repaired and
// reported (demoDrift.ts). Prints where everything listens and the keys to call it with, a progress bar per
// running orchestration, a table when all is quiet, and stops cleanly on Ctrl-C.
import { connectDemoFleet, demoSubscriptionIds } from "../emulator/demoFleet";
import { findFunctionAppRoot, type LocalHost } from "../host";
import { type ActivityView, createActivityView, instanceTable } from "./activityView";
import { joinDemoApimCluster } from "./demoApimGateway";
import { runDemoDriftSweep } from "./demoDrift";
import { retireDemoGateway } from "./demoRetirement";
import { type DevOptions, devUsage, DevUsageError, parseDevArgs } from "./devArgs";
import { devClock, startDevRun } from "./devRun";
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

  const clock = devClock(options);
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
  const run = await startDevRun({ options, clock, view, root, localSettings });
  const { host } = run;

  // The demo's last acts, each once everything is quiet: retire one gateway, then make a little
  // drift behind the app's back and sweep it (finding, repairing and reporting it).
  let act: "retire" | "drift" | "done" = "retire";
  const afterQuiet = () => {
    if (!options.demo || !host.emulator || act === "done") return;
    if (act === "retire") {
      act = "drift";
      retireDemoGateway(host, view).catch((error: unknown) =>
        view.log(
          `demo: retiring a gateway failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return;
    }
    act = "done";
    runDemoDriftSweep(host, view).catch((error: unknown) =>
      view.log(`demo: the drift sweep failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  const watcher = watchForQuiet(host, view, afterQuiet);
  // Straight to stdout, before any bar is drawn.
  console.log(run.banner());
  if (options.demo && host.emulator) {
    const machines = connectDemoFleet(host.emulator.context());
    joinDemoApimCluster(host, view);
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
    run
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

/** Prints the table whenever every orchestration has finished and nothing changed for a moment. */
function watchForQuiet(host: LocalHost, view: ActivityView, afterQuiet: () => void): { stop(): void } {
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
      afterQuiet();
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

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`npm run dev failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
