// The local host, assembled: the Azure emulator, the Functions host running the app, and the
// Durable engine, on one shared clock, with the emulator's Event Grid subscribed to the app's
// Event Grid functions through the host's real webhook — plus the test API the project's own
// tests drive it with (issue 3, "A test API"). `npm run dev` and the benchmarks start it too.
//
// The app runs in this process and reads its settings from process.env (shared/config.ts), so
// the local host sets them as the Functions host sets application settings: the ARM endpoint is
// the emulator's, its self-signed CA is trusted through ARC_TRUSTED_CA_PEM (NODE_EXTRA_CA_CERTS
// is read only at process start), and the app's managed identity is a loopback App Service
// identity endpoint (managedIdentityEndpoint.ts). Those settings are per process, so only one
// local host runs at a time in a process, and successive ones reuse the emulator's port and
// certificate: an app that cached its settings or its ARM client keeps working after a restart.
// The app's clock is per process too (shared/runtimeClock.ts): the local host installs its own
// clock there before the app loads, so the app's ARM retries wait on host time (hostClock.ts).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import { installRuntimeClock } from "../../shared/runtimeClock";
import { type Clock, VirtualClock } from "../clock";
import { type Emulator, type EmulatorOptions, startEmulator } from "../emulator";
import type {
  EventGridEvent,
  EventSubscriptionOptions,
  EventSubscriptionResource,
} from "../emulator/eventGrid";
import { createLoopbackCertificate, type TlsMaterial } from "../emulator/tls";
import type { TrafficExchange } from "../emulator/trafficLog";
import { AppEnvironment, type AppSettings } from "./appEnvironment";
import {
  type DurableEngine,
  durableEngineFactory,
  type IdleOptions,
  type InstanceFilter,
  type InstanceStatus,
  type KillPoint,
  type RuntimeStatus,
  terminalStatuses,
} from "./durable";
import { type AppSource, type LoadedApp, loadFunctionApp } from "./functions/appLoader";
import { type FunctionsHost, startFunctionsHost, type TimerTriggerSettings } from "./functions/functionsHost";
import { durableTaskSystemKeyName, type HostKeys, type HostKeysInit } from "./functions/hostKeys";
import { consoleHostLog, type HostLog, redactSecrets } from "./functions/hostLog";
import type { ContractMode } from "./functions/libraryContract";
import { MemoryScheduleStatusStore } from "./functions/scheduleStatusStore";
import { appClockOver, durableClockOver, ScheduleTrackingClock } from "./hostClock";
import { readHostJson } from "./hostJson";
import { type ManagedIdentityEndpoint, startManagedIdentityEndpoint } from "./managedIdentityEndpoint";
import type { RegisteredFunction } from "./types";

/** The emulator's options, less what the local host decides (the shared clock, the certificate). */
export type LocalEmulatorSettings = Omit<EmulatorOptions, "clock" | "tls">;

/** Event Grid filters for the subscription of one Event Grid function (the rest is the local host's). */
export type EventSubscriptionFilters = Pick<
  EventSubscriptionOptions,
  | "scope"
  | "includedEventTypes"
  | "operationNameFilters"
  | "subjectBeginsWith"
  | "subjectEndsWith"
  | "maxDeliveryAttempts"
  | "eventTimeToLiveInMinutes"
  | "maxEventsPerBatch"
  | "duplicateRate"
  | "shuffle"
  | "shuffleHoldMs"
>;

export interface LocalHostOptions {
  /** The app: its package.json (`main`), module paths, or an app already loaded. Default: the function app around the working directory. */
  readonly app?: LoadedApp | AppSource;
  /** Shared by the emulator, timer triggers and durable timers. Default: a VirtualClock at 2026-01-01. */
  readonly clock?: Clock;
  /** The emulator's settings, or false to run against real Azure (no emulator, the app's own credential). */
  readonly emulator?: false | LocalEmulatorSettings;
  /** The Functions host's port; 0 (default) picks a free one, `npm run dev` uses 7071 like Core Tools. */
  readonly port?: number;
  readonly keys?: HostKeysInit;
  /** Application settings for the app (environment variables); they win over the local host's own. `{emulator}` in a value is the emulator's URL. */
  readonly appSettings?: AppSettings;
  /** Default: host.json's `extensions.durableTask.hubName`, else "TestHubName". */
  readonly taskHubName?: string;
  /** Default: host.json's maxConcurrentActivityFunctions / maxConcurrentOrchestratorFunctions, else 10 each. */
  readonly concurrency?: { readonly activities?: number; readonly orchestrations?: number };
  /** Timer trigger settings, or false to never fire schedules. */
  readonly timers?: TimerTriggerSettings | false;
  /** Filters for each Event Grid function's subscription, or false to leave that function unsubscribed. Default: every event. */
  readonly eventSubscription?: (fn: RegisteredFunction) => EventSubscriptionFilters | false;
  /** Fault hook of the Durable engine: runs at every kill point (call `crash()` inside it). */
  readonly onKillPoint?: (point: KillPoint) => void;
  /** The Functions side's log (the app's `context.log` and the host's messages). Default: the console. */
  readonly log?: HostLog;
  /** Where the Durable engine reports its own failures. Default: stderr. */
  readonly engineLog?: (message: string) => void;
  /** What to do when the libraries' internal contract moved: "strict" (default) throws. */
  readonly contract?: ContractMode;
}

/** What an HTTP call to one of the app's functions answered. */
export interface HttpCallResult {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the answer is JSON, the text otherwise (undefined when empty). */
  readonly body: unknown;
  /** The check-status payload of `createCheckStatusResponse`, when the answer is one. */
  readonly checkStatus?: CheckStatusLinks;
}

export interface CheckStatusLinks {
  readonly id: string;
  readonly statusQueryGetUri: string;
  readonly sendEventPostUri: string;
  readonly terminatePostUri: string;
  readonly purgeHistoryDeleteUri: string;
  readonly [other: string]: string;
}

export interface EventDelivery {
  readonly functionName: string;
  /** The webhook's answer: 202 delivered, 500 a function failed (Event Grid would retry). */
  readonly status: number;
}

export interface EventGridWiring {
  readonly functionName: string;
  readonly subscription: EventSubscriptionResource;
}

export interface LocalHost {
  /** `http://127.0.0.1:<port>` of the Functions host. */
  readonly origin: string;
  readonly clock: Clock;
  /** Undefined when running against real Azure. */
  readonly emulator: Emulator | undefined;
  /** The app's managed identity against the emulator (IDENTITY_ENDPOINT); undefined against real Azure. */
  readonly managedIdentity: ManagedIdentityEndpoint | undefined;
  /** The Functions host currently up (a new one after `restart()`); throws while crashed. */
  readonly functionsHost: FunctionsHost;
  readonly engine: DurableEngine;
  readonly app: LoadedApp;
  readonly keys: HostKeys;
  readonly taskHubName: string;
  /** The Event Grid subscriptions made for the app's Event Grid functions. */
  readonly eventGrid: readonly EventGridWiring[];
  /** The Durable management API's instance list, with the system key (`GET` it with curl). */
  readonly durableManagementUrl: string;
  /** `<origin>/<route prefix>/<route>`. */
  apiUrl(route: string): string;
  /** Delivers events through the host's Event Grid webhook, to one function or every Event Grid function. */
  sendEvent(
    events: EventGridEvent<unknown> | readonly EventGridEvent<unknown>[],
    options?: { readonly functionName?: string },
  ): Promise<EventDelivery[]>;
  /** Calls an HTTP function (POST with a JSON body by default) with the host's default function key. */
  startViaHttp(
    route: string,
    body?: unknown,
    options?: { readonly method?: string; readonly key?: string | null },
  ): Promise<HttpCallResult>;
  /** Runs the whole host until the instance has one of `statuses` (default: a terminal one). */
  waitForInstance(
    instanceId: string,
    statuses?: readonly RuntimeStatus[],
    options?: IdleOptions,
  ): Promise<InstanceStatus>;
  /**
   * Runs everything runnable — durable work, Event Grid deliveries, invocations — and on a
   * VirtualClock jumps to the next timer whenever nothing is; returns when only timer-trigger
   * schedules (which recur forever) are left. Bounded by `maxVirtualMs` and `maxIterations`.
   */
  runUntilIdle(options?: IdleOptions): Promise<void>;
  /** Runs like runUntilIdle but stops as soon as `until()` holds (checked whenever the host is quiet); true when it did. */
  runUntil(until: () => boolean, options?: IdleOptions): Promise<boolean>;
  /**
   * Runs the host for exactly `ms` of virtual time (a VirtualClock only): a marker timer stops its
   * jumps there rather than at a later durable timer, and with nothing left to run the clock is
   * moved there. Never a bare clock jump, which would fire timers while activities are on the wire.
   */
  runFor(ms: number): Promise<void>;
  statuses(filter?: InstanceFilter): readonly InstanceStatus[];
  /** The emulator's ARM exchanges during this run, oldest first (none against real Azure). */
  traffic(): TrafficExchange[];
  /** Kills the host mid-work: in-flight results, queues and timers are lost, the HTTP port closes; the store survives. */
  crash(): Promise<void>;
  /** Brings a crashed host back on the same port and keys, from the stored history. */
  restart(): Promise<void>;
  /** Stops everything and puts the process's environment back; safe to call twice. */
  stop(): Promise<void>;
}

const defaultStart = Date.UTC(2026, 0, 1);
const defaultEngineLog = (message: string) => console.error(message);
/** In an app setting's value, stands for the emulator's URL (`{emulator}/eventgrid/topics/outcomes/api/events`). */
export const emulatorPlaceholder = "{emulator}";
const day = 86_400_000;

/** What successive local hosts of one process share, so the app's cached settings stay true. */
const processEndpoints: {
  emulatorPort?: number;
  tls?: TlsMaterial;
  identityPort?: number;
  identitySecret?: string;
} = {};
let activeHost = false;

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  if (activeHost) {
    throw new Error(
      "A local host is already running in this process; stop() it first (the app and its settings are per process).",
    );
  }
  activeHost = true;
  const undo: (() => Promise<void> | void)[] = [];
  try {
    return await assemble(options, undo);
  } catch (error) {
    for (const step of undo.reverse()) await step();
    activeHost = false;
    throw error;
  }
}

async function assemble(options: LocalHostOptions, undo: (() => Promise<void> | void)[]): Promise<LocalHost> {
  const clock = options.clock ?? new VirtualClock(defaultStart);
  const log = options.log ?? consoleHostLog;
  const environment = new AppEnvironment();
  undo.push(() => environment.restore());
  // Before the app loads, like its settings: its ARM retries sleep and read time on this clock.
  const uninstallClock = installRuntimeClock(appClockOver(clock));
  undo.push(uninstallClock);

  let emulator: Emulator | undefined;
  let identity: ManagedIdentityEndpoint | undefined;
  if (options.emulator !== false) {
    const settings = options.emulator ?? {};
    emulator = await startEmulatorForRun(settings, clock);
    const startedEmulator = emulator;
    undo.push(() => startedEmulator.close());
    identity = await startIdentityForRun(clock);
    const startedIdentity = identity;
    undo.push(() => startedIdentity.close());
    environment.apply({
      AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.url,
      ARC_TRUSTED_CA_PEM: emulator.caPem,
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.secret,
      // Only the managed identity: a developer's Azure CLI login must not be asked (or sent) here.
      AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential",
    });
  }
  // Before the app loads: an app may read its settings at module load. `{emulator}` in a value
  // is the emulator's URL, for settings that name one of its endpoints (an Event Grid topic).
  const emulatorUrl = emulator?.url;
  environment.apply(
    Object.fromEntries(
      Object.entries(options.appSettings ?? {}).map(([name, value]) => [
        name,
        value !== undefined && emulatorUrl !== undefined
          ? value.split(emulatorPlaceholder).join(emulatorUrl)
          : value,
      ]),
    ),
  );

  const app =
    options.app !== undefined && isLoadedApp(options.app)
      ? options.app
      : await loadFunctionApp(options.app ?? { packageJson: findFunctionAppRoot(process.cwd()) }, {
          log,
          ...(options.contract !== undefined && { contract: options.contract }),
        });
  const hostJson = readHostJson(app.directory, process.env);
  const taskHubName = options.taskHubName ?? hostJson.taskHubName ?? "TestHubName";
  const routePrefix = (hostJson.routePrefix ?? "api").replace(/^\/+|\/+$/g, "");

  // Anything that happens anywhere in the host bumps this; "idle" means a full pass left it alone.
  let changes = 0;
  let functionsHost: FunctionsHost | undefined;
  const settleOthers = async () => {
    await functionsHost?.settled();
    await emulator?.eventGrid.whenIdle();
    await functionsHost?.settled();
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const quietWhileSettling = async () => {
    const before = changes;
    await settleOthers();
    return changes === before;
  };

  const scheduleClock = new ScheduleTrackingClock(clock);
  // Token expiries and the like in the emulated world are schedules too, not work left to run.
  emulator?.useAmbientClock(scheduleClock);
  let engine: DurableEngine | undefined;
  const durable = durableEngineFactory(
    {
      clock: durableClockOver(clock, quietWhileSettling),
      taskHubName,
      concurrency: {
        activities: options.concurrency?.activities ?? hostJson.maxConcurrentActivityFunctions ?? 10,
        orchestrations:
          options.concurrency?.orchestrations ?? hostJson.maxConcurrentOrchestratorFunctions ?? 10,
      },
      ...(options.onKillPoint && { onKillPoint: options.onKillPoint }),
      log: (message) => (options.engineLog ?? defaultEngineLog)(redactSecrets(message)),
    },
    (created) => {
      engine = created;
    },
  );
  const timers: TimerTriggerSettings | false =
    options.timers === false
      ? false
      : { ...options.timers, statusStore: options.timers?.statusStore ?? new MemoryScheduleStatusStore() };
  const startHost = (
    port: number,
    keys: HostKeysInit | undefined,
    durableEndpoints: typeof durable | DurableEngine,
  ) =>
    startFunctionsHost({
      app,
      clock: scheduleClock,
      port,
      ...(keys && { keys }),
      durable: durableEndpoints,
      routePrefix,
      timers,
      log,
      ...(options.contract !== undefined && { contract: options.contract }),
    });

  functionsHost = await startHost(options.port ?? 0, options.keys, durable);
  const firstHost = functionsHost;
  undo.push(() => firstHost.stop());
  if (!engine) throw new Error("The Functions host started without creating the Durable engine");
  const theEngine: DurableEngine = engine;
  undo.push(() => theEngine.stop());
  theEngine.onInstanceChanged(() => {
    changes += 1;
  });
  emulator?.onPublish(() => {
    changes += 1;
  });

  const { origin, port, keys } = functionsHost;
  const eventGridFunctions = functionsHost.invoker
    .functions()
    .filter((fn) => fn.trigger.type.toLowerCase() === "eventgridtrigger");
  const wiring: EventGridWiring[] = [];
  if (emulator) {
    for (const fn of eventGridFunctions) {
      const filters = options.eventSubscription ? options.eventSubscription(fn) : {};
      if (filters === false) continue;
      const subscription = await emulator.eventGrid.addSubscription({
        ...filters,
        name: subscriptionName(fn.name),
        endpointUrl: functionsHost.eventGridWebhookUrl(fn.name),
        schema: "EventGridSchema",
      });
      wiring.push({ functionName: fn.name, subscription });
    }
  }

  const durableSystemKey = keys.system[durableTaskSystemKeyName] ?? "";
  const upHost = (): FunctionsHost => {
    if (!functionsHost) throw new Error("The local host has crashed; restart() it first");
    return functionsHost;
  };

  const drive = async (
    step: () => Promise<void>,
    until: () => boolean,
    idle: IdleOptions = {},
  ): Promise<boolean> => {
    const maxVirtualMs = idle.maxVirtualMs ?? 400 * day;
    const maxIterations = idle.maxIterations ?? 1_000_000;
    const startedAt = clock.now();
    for (let iteration = 0; ; iteration++) {
      if (iteration >= maxIterations) {
        throw new Error(`The local host was still busy after ${maxIterations} rounds of running until idle`);
      }
      const before = changes;
      await settleOthers();
      await step();
      await settleOthers();
      if (until()) return true;
      if (changes !== before) continue;
      // Quiet. Only a VirtualClock can be moved on; schedules alone do not count as work left.
      if (!(clock instanceof VirtualClock)) return false;
      const next = clock.nextTimerAt();
      if (next === undefined || clock.pendingTimers <= scheduleClock.pendingSchedules) return false;
      if (next - startedAt > maxVirtualMs) {
        throw new Error(
          `The local host still had timers after ${Math.round(maxVirtualMs / day)} days of virtual time`,
        );
      }
      await clock.advanceTo(next);
    }
  };

  let stopped = false;
  const localHost: LocalHost = {
    origin,
    clock,
    emulator,
    managedIdentity: identity,
    get functionsHost() {
      return upHost();
    },
    engine: theEngine,
    app,
    keys,
    taskHubName,
    eventGrid: wiring,
    durableManagementUrl: `${origin}/runtime/webhooks/durabletask/instances?${new URLSearchParams({
      taskHub: taskHubName,
      connection: "Storage",
      code: durableSystemKey,
    }).toString()}`,
    apiUrl: (route) => `${origin}/${routePrefix ? `${routePrefix}/` : ""}${route.replace(/^\/+/, "")}`,

    async sendEvent(events, sendOptions = {}) {
      const host = upHost();
      const batch = Array.isArray(events) ? events : [events];
      const targets =
        sendOptions.functionName !== undefined
          ? [sendOptions.functionName]
          : eventGridFunctions.map((fn) => fn.name);
      if (targets.length === 0)
        throw new Error("The app registered no Event Grid function to send events to");
      return Promise.all(
        targets.map(async (functionName) => {
          // What Event Grid sends (webhookClient.ts in the emulator): the same headers, one batch.
          const response = await fetch(host.eventGridWebhookUrl(functionName), {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "aeg-event-type": "Notification",
              "aeg-subscription-name": subscriptionName(functionName).toUpperCase(),
              "aeg-delivery-count": "0",
              "aeg-data-version": dataVersionOf(batch[0]),
              "aeg-metadata-version": "1",
            },
            body: JSON.stringify(batch),
          });
          await response.arrayBuffer();
          return { functionName, status: response.status };
        }),
      );
    },

    async startViaHttp(route, body, callOptions = {}) {
      upHost();
      const method = (callOptions.method ?? "POST").toUpperCase();
      const key = callOptions.key === undefined ? keys.host.default : callOptions.key;
      const headers: Record<string, string> = {};
      if (key) headers["x-functions-key"] = key;
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(localHost.apiUrl(route), {
        method,
        headers,
        ...(body !== undefined && method !== "GET" && method !== "HEAD" && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed = parseBody(text, response.headers.get("content-type"));
      const checkStatus = checkStatusOf(parsed);
      return {
        status: response.status,
        headers: response.headers,
        body: parsed,
        ...(checkStatus && { checkStatus }),
      };
    },

    async waitForInstance(instanceId, statuses = terminalStatuses, idle = {}) {
      let seen = false;
      const unsubscribe = theEngine.onInstanceChanged((status) => {
        if (status.instanceId === instanceId && statuses.includes(status.runtimeStatus)) seen = true;
      });
      const reachedNow = () => {
        const status = theEngine.getStatus(instanceId);
        return seen || (status !== undefined && statuses.includes(status.runtimeStatus));
      };
      try {
        const reached = await drive(
          async () => {
            try {
              await theEngine.waitForInstance(instanceId, statuses, idle);
            } catch (error) {
              // The engine gives up when its own work is done; Event Grid or the emulator may
              // still bring more (the instance may not even exist yet). Anything else is real.
              if (!(error instanceof Error && /nothing is left to run/.test(error.message))) throw error;
            }
          },
          reachedNow,
          idle,
        );
        const status = theEngine.getStatus(instanceId);
        if (!reached || !status) {
          throw new Error(
            `Instance '${instanceId}' is ${status ? status.runtimeStatus : "not there"} and nothing is left to run ` +
              `(waited for ${statuses.join("/")})`,
          );
        }
        return status;
      } finally {
        unsubscribe();
      }
    },

    async runUntilIdle(idle) {
      await drive(
        () => theEngine.runUntilIdle(idle),
        () => false,
        idle,
      );
    },

    runUntil: (until, idle) =>
      drive(
        async () => {
          await theEngine.runUntil(until, idle);
        },
        until,
        idle,
      ),

    async runFor(ms) {
      if (!(clock instanceof VirtualClock)) throw new Error("runFor needs the host to run on a VirtualClock");
      const virtual = clock;
      const until = virtual.now() + ms;
      const marker = virtual.setTimer(ms, () => undefined);
      try {
        if (!(await localHost.runUntil(() => virtual.now() >= until))) await virtual.advanceTo(until);
      } finally {
        marker.cancel();
      }
    },

    statuses: (filter) => theEngine.list(filter),
    traffic: () => [...(emulator?.exchanges() ?? [])],

    async crash() {
      // Synchronous first: called from a kill point, the engine must lose its work right there.
      theEngine.crash();
      const host = functionsHost;
      functionsHost = undefined;
      await host?.stop();
    },

    async restart() {
      if (functionsHost) throw new Error("The local host is running; crash() it before restart()");
      functionsHost = await startHost(port, keys, theEngine);
      theEngine.restart();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      theEngine.stop();
      await functionsHost?.stop();
      functionsHost = undefined;
      await emulator?.close();
      await identity?.close();
      environment.restore();
      uninstallClock();
      activeHost = false;
    },
  };
  return localHost;
}

async function startEmulatorForRun(settings: LocalEmulatorSettings, clock: Clock): Promise<Emulator> {
  processEndpoints.tls ??= await createLoopbackCertificate();
  const start = (port: number) => startEmulator({ ...settings, clock, port, tls: processEndpoints.tls! });
  const wanted = settings.port ?? processEndpoints.emulatorPort ?? 0;
  let emulator: Emulator;
  try {
    emulator = await start(wanted);
  } catch (error) {
    // The port an earlier run of this process used was taken meanwhile: any port will do.
    if (
      settings.port !== undefined ||
      wanted === 0 ||
      (error as NodeJS.ErrnoException).code !== "EADDRINUSE"
    ) {
      throw error;
    }
    emulator = await start(0);
  }
  processEndpoints.emulatorPort = Number(new URL(emulator.url).port);
  return emulator;
}

async function startIdentityForRun(clock: Clock): Promise<ManagedIdentityEndpoint> {
  const start = (port: number) =>
    startManagedIdentityEndpoint({
      clock,
      port,
      ...(processEndpoints.identitySecret !== undefined && { secret: processEndpoints.identitySecret }),
    });
  let identity: ManagedIdentityEndpoint;
  try {
    identity = await start(processEndpoints.identityPort ?? 0);
  } catch (error) {
    if (
      processEndpoints.identityPort === undefined ||
      (error as NodeJS.ErrnoException).code !== "EADDRINUSE"
    ) {
      throw error;
    }
    identity = await start(0);
  }
  processEndpoints.identityPort = Number(new URL(identity.url).port);
  processEndpoints.identitySecret = identity.secret;
  return identity;
}

/** Event Grid's name rule: 3–64 letters, digits and hyphens. */
function subscriptionName(functionName: string): string {
  return `local-${functionName.replace(/[^A-Za-z0-9-]/g, "-")}`.slice(0, 64);
}

/** The function app root: the nearest folder with host.json (and package.json), as the Functions host defines it. */
export function findFunctionAppRoot(from: string): string {
  for (let directory = resolve(from); ; directory = dirname(directory)) {
    if (existsSync(join(directory, "host.json")) && existsSync(join(directory, "package.json")))
      return directory;
    if (dirname(directory) === directory) {
      throw new Error(`No function app (a folder with host.json and package.json) at or above ${from}`);
    }
  }
}

function isLoadedApp(app: LoadedApp | AppSource): app is LoadedApp {
  return "entryPoints" in app && typeof app.functions === "function";
}

function dataVersionOf(event: unknown): string {
  const version = (event as { dataVersion?: unknown } | undefined)?.dataVersion;
  return typeof version === "string" ? version : "";
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === "") return undefined;
  if (contentType?.includes("json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function checkStatusOf(body: unknown): CheckStatusLinks | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const links = body as Record<string, unknown>;
  return typeof links.id === "string" && typeof links.statusQueryGetUri === "string"
    ? (links as CheckStatusLinks)
    : undefined;
}
