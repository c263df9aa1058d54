// One `npm run dev` run, without the terminal: the local host with the emulator (or real Azure),
// this run's copy of the emulator's CA certificate, the traffic log when asked for, and the banner
// saying where everything is. main.ts adds the terminal (flags, signals, the demo fleet); tests
// start a run directly.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { Clock } from "../clock";
import { adminPrefix } from "../emulator/admin/adminApi";
import { demoFleet, demoSubscriptionIds } from "../emulator/demoFleet";
import {
  type AppSettings,
  type AppSource,
  type LoadedApp,
  type LocalHost,
  type RegisteredFunction,
  ScaledClock,
  startLocalHost,
} from "../host";
import type { LocalEmulatorSettings } from "../host/localHost";
import { type ActivityView, hostTimeLegend } from "./activityView";
import type { DevOptions } from "./devArgs";
import type { LocalSettings } from "./localSettings";

export interface DevRunInput {
  readonly options: DevOptions;
  readonly clock: Clock;
  readonly view: ActivityView;
  /** The function app's folder (host.json, package.json). */
  readonly root: string;
  /** Default: the app `package.json` "main" names under `root`. */
  readonly app?: AppSource | LoadedApp;
  readonly localSettings?: LocalSettings;
  /** Where ARC_EMULATOR_TRAFFIC_LOG and ARC_SCOPES are read. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface DevRun {
  readonly host: LocalHost;
  /** This run's copy of the emulator's CA certificate (removed when the run stops); none against Azure. */
  readonly caFile: string | undefined;
  /** The file every ARM exchange with the emulator is appended to, when ARC_EMULATOR_TRAFFIC_LOG names one. */
  readonly trafficLog: string | undefined;
  /** Where everything listens and the keys to call it with. */
  banner(): string;
  /** Stops the host and removes this run's files (the traffic log stays); safe to call twice. */
  stop(): Promise<void>;
}

/** The emulator's settings for a dev run: the traffic log when ARC_EMULATOR_TRAFFIC_LOG names a file, else none. */
export function devEmulatorSettings(env: NodeJS.ProcessEnv): LocalEmulatorSettings {
  const file = env.ARC_EMULATOR_TRAFFIC_LOG?.trim();
  return { trafficLog: file ? resolve(file) : null };
}

/** Scopes the demo subscriptions, unless the developer chose scopes: ARC_SCOPES empty onboards nothing. */
export function demoSettings(options: DevOptions, env: NodeJS.ProcessEnv): AppSettings {
  if (!options.demo || (env.ARC_SCOPES ?? "").trim() !== "") return {};
  return { ARC_SCOPES: demoSubscriptionIds.map((id) => `/subscriptions/${id}`).join(",") };
}

/**
 * Writes the CA certificate into a folder of its own under the system temp folder, so two runs
 * (or two users) never overwrite each other's; `remove()` deletes the folder.
 */
export function writeRunCaFile(pem: string): { readonly file: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), "arc-autopilot-dev-"));
  const file = join(folder, "emulator-ca.pem");
  writeFileSync(file, pem, { mode: 0o644 });
  return { file, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export async function startDevRun(input: DevRunInput): Promise<DevRun> {
  const { options, clock, view, root } = input;
  const env = input.env ?? process.env;
  const emulatorSettings = devEmulatorSettings(env);
  const host = await startLocalHost({
    app: input.app ?? { packageJson: root },
    clock,
    port: options.port,
    emulator: options.azure ? false : emulatorSettings,
    appSettings: { ...demoSettings(options, env), ...input.localSettings?.values },
    ...(input.localSettings && { keys: input.localSettings.keys }),
    log: (entry) => view.hostLog(entry),
    engineLog: (line) => view.log(line),
  });
  const ca = host.emulator ? writeRunCaFile(host.emulator.caPem) : undefined;
  // A second Ctrl-C exits at once; the certificate's folder goes anyway.
  const removeOnExit = () => ca?.remove();
  process.once("exit", removeOnExit);
  const trafficLog = host.emulator ? (emulatorSettings.trafficLog ?? undefined) : undefined;
  let stopped = false;
  return {
    host,
    caFile: ca?.file,
    trafficLog,
    banner: () => bannerText(host, options, root, clock, ca?.file, trafficLog),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await host.stop();
      } finally {
        ca?.remove();
        process.removeListener("exit", removeOnExit);
      }
    },
  };
}

function bannerText(
  host: LocalHost,
  options: DevOptions,
  root: string,
  clock: Clock,
  caFile: string | undefined,
  trafficLog: string | undefined,
): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(21)} ${value}`);
  lines.push(
    options.azure
      ? "arc-autopilot local host against real Azure (time x1)"
      : `arc-autopilot local host with the Azure emulator (time x${options.timeScale}: 1 real second = ${formatDuration(options.timeScale * 1000)} of host time)`,
  );
  row("Functions host", host.origin);
  if (host.emulator) {
    row("Azure emulator", `${host.emulator.url}  (CA certificate: ${caFile ?? "none"})`);
    row("emulator admin", `curl --cacert ${caFile ?? "<ca file>"} ${host.emulator.url}${adminPrefix}/state`);
    row(
      "traffic log",
      trafficLog ?? "off (ARC_EMULATOR_TRAFFIC_LOG=<file> appends every ARM exchange as a JSON line)",
    );
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
      `none registered — package.json "main" in ${root} matches no compiled file yet (npm run build); the host runs anyway`,
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
  row("times shown", hostTimeLegend(clock));
  lines.push("Press Ctrl-C to stop.");
  return lines.join("\n");
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

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(2)} min`;
  return `${+(ms / 3_600_000).toFixed(2)} h`;
}

/** The clock `npm run dev` runs on: real time sped up by the time scale. */
export function devClock(options: DevOptions): Clock {
  return new ScaledClock(options.timeScale);
}
