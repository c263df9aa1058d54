// The parts of the app's host.json the local host honours: the HTTP route prefix, and the durable
// task hub name and concurrency limits — so the app runs locally under the limits it declares
// for Azure. Anything else in host.json (logging, bundles, timeouts) has no local meaning.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface HostJsonSettings {
  readonly routePrefix?: string;
  readonly taskHubName?: string;
  readonly maxConcurrentActivityFunctions?: number;
  readonly maxConcurrentOrchestratorFunctions?: number;
}

/**
 * Reads `<directory>/host.json`; absent means the host's defaults. `%NAME%` in the hub name is an
 * app setting, as in the Functions host; an unset one falls back to the default hub, as Core
 * Tools runs with "TestHubName" when nothing names a hub.
 */
export function readHostJson(
  directory: string,
  env: Readonly<Record<string, string | undefined>>,
): HostJsonSettings {
  const file = join(directory, "host.json");
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const extensions = objectAt(json, "extensions");
  const http = objectAt(extensions, "http");
  const durableTask = objectAt(extensions, "durableTask");
  const settings: {
    -readonly [K in keyof HostJsonSettings]: HostJsonSettings[K];
  } = {};
  if (typeof http.routePrefix === "string") settings.routePrefix = http.routePrefix;
  const hubName =
    typeof durableTask.hubName === "string" ? resolveAppSetting(durableTask.hubName, env) : undefined;
  if (hubName) settings.taskHubName = hubName;
  const limit = (name: string, value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new Error(`${file}: extensions.durableTask.${name} must be a whole number of at least 1`);
    }
    return value as number;
  };
  const activities = limit("maxConcurrentActivityFunctions", durableTask.maxConcurrentActivityFunctions);
  const orchestrations = limit(
    "maxConcurrentOrchestratorFunctions",
    durableTask.maxConcurrentOrchestratorFunctions,
  );
  if (activities !== undefined) settings.maxConcurrentActivityFunctions = activities;
  if (orchestrations !== undefined) settings.maxConcurrentOrchestratorFunctions = orchestrations;
  return settings;
}

function resolveAppSetting(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const reference = /^%([^%]+)%$/.exec(text.trim());
  if (!reference) return text.trim() || undefined;
  const value = env[reference[1]!]?.trim();
  return value ? value : undefined;
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const child =
    value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return child !== null && typeof child === "object" ? (child as Record<string, unknown>) : {};
}
