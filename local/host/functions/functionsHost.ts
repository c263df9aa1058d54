// The Functions side of the local host, assembled: the app loaded through the core module, the
// invoker, the HTTP front door on 127.0.0.1, timer triggers on the injected clock, and the
// durable engine plugged in through DurableEndpoints.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { type Clock, ScaledClock } from "../../clock";
import type { DurableEndpoints, DurableEndpointsFactory } from "../types";
import { type AppSource, type LoadedApp, loadFunctionApp } from "./appLoader";
import {
  durableTaskSystemKeyName,
  eventGridSystemKeyName,
  type HostKeys,
  type HostKeysInit,
  resolveHostKeys,
} from "./hostKeys";
import { consoleHostLog, type HostLog, redactingHostLog } from "./hostLog";
import { HttpRoutes } from "./httpRoutes";
import { createFrontDoorListener, type WebhookAuth } from "./httpServer";
import { InvocationTracker } from "./invocationTracker";
import { AppInvoker } from "./invoker";
import type { ContractMode } from "./libraryContract";
import type { ScheduleStatusStore } from "./scheduleStatusStore";
import { TimerTriggers } from "./timerTriggers";

export interface TimerTriggerSettings {
  /** Share one store between host instances to model a restart (default: a fresh in-memory store). */
  readonly statusStore?: ScheduleStatusStore;
  /** IANA zone schedules are read in (default UTC, the host's default). */
  readonly timeZone?: string;
  /** A firing later than this (or past the following occurrence) is past due; default 60 s. */
  readonly pastDueToleranceMs?: number;
  /** App settings for `%Name%` schedules; default process.env. */
  readonly appSettings?: Readonly<Record<string, string | undefined>>;
}

export interface FunctionsHostOptions {
  /** The app, already loaded, or where to load it from (package.json `main`, or module paths). */
  readonly app: LoadedApp | AppSource;
  /** All waiting (timer schedules) goes through it; default real time (ScaledClock(1)). */
  readonly clock?: Clock;
  /** Default 7071, like Core Tools; 0 picks a free port. */
  readonly port?: number;
  /** Function, host, master and system keys; whatever is missing is generated (see `host.keys`). */
  readonly keys?: HostKeysInit;
  /** The durable engine, or a factory called once the port is known. */
  readonly durable?: DurableEndpoints | DurableEndpointsFactory;
  /** host.json `extensions.http.routePrefix`; default "api". */
  readonly routePrefix?: string;
  /** Larger bodies get 413; default 100 MiB, the host's limit. */
  readonly maxRequestBodyBytes?: number;
  /** `/runtime/webhooks/EventGrid` needs the `eventgrid_extension` system key (default) or nothing. */
  readonly eventGridWebhookAuth?: WebhookAuth;
  /** `/runtime/webhooks/durabletask/` needs the `durabletask_extension` system key (default) or nothing. */
  readonly durableWebhookAuth?: WebhookAuth;
  /** Timer trigger settings, or false to never fire timers (the admin API still runs them). */
  readonly timers?: TimerTriggerSettings | false;
  /** What to do when the libraries' internal contract moved: "strict" (default) throws. */
  readonly contract?: ContractMode;
  readonly log?: HostLog;
}

export interface FunctionsHost {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  readonly keys: HostKeys;
  readonly app: LoadedApp;
  readonly invoker: AppInvoker;
  readonly durable: DurableEndpoints | undefined;
  readonly timers: TimerTriggers | undefined;
  /** Where Event Grid should deliver events for `functionName`, system key included (as on Azure). */
  eventGridWebhookUrl(functionName: string): string;
  /** Resolves once every invocation the host started (HTTP, timers, Event Grid, admin) has finished. */
  settled(): Promise<void>;
  /** Stops listening and cancels timers; invocations already running finish in the background. */
  stop(): Promise<void>;
}

const defaultMaxRequestBodyBytes = 100 * 1024 * 1024;

export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  const log = redactingHostLog(options.log ?? consoleHostLog);
  const app = isLoadedApp(options.app)
    ? options.app
    : await loadFunctionApp(options.app, {
        log,
        ...(options.contract !== undefined && { contract: options.contract }),
      });
  const clock = options.clock ?? new ScaledClock(1);
  const keys = resolveHostKeys(options.keys);
  const tracker = new InvocationTracker();
  const track = <T>(work: Promise<T>) => tracker.track(work);

  let durable: DurableEndpoints | undefined;
  const invoker = new AppInvoker(app, { log, durableClientPayload: () => durable?.clientPayload() });
  // Bad route templates and schedules fail here, before a port is taken.
  const routes = new HttpRoutes(invoker.functions());
  const timers =
    options.timers === false
      ? undefined
      : new TimerTriggers({ invoker, clock, log, track, ...options.timers });

  let origin = "";
  const server = createServer(
    createFrontDoorListener({
      invoker,
      routes,
      keys,
      routePrefix: (options.routePrefix ?? "api").replace(/^\/+|\/+$/g, ""),
      maxBodyBytes: options.maxRequestBodyBytes ?? defaultMaxRequestBodyBytes,
      durable: () => durable,
      eventGridWebhookAuth: options.eventGridWebhookAuth ?? "systemKey",
      durableWebhookAuth: options.durableWebhookAuth ?? "systemKey",
      admin: { invoker, timers, now: () => clock.now(), track, log },
      track,
      log,
      origin: () => origin,
    }),
  );
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  const port = await listen(server, options.port ?? 7071);
  origin = `http://127.0.0.1:${port}`;
  ensureWebsiteHostname(`127.0.0.1:${port}`);

  const stop = async () => {
    timers?.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };

  try {
    durable =
      typeof options.durable === "function"
        ? await options.durable({ origin, invoker, systemKey: keys.system[durableTaskSystemKeyName] ?? "" })
        : options.durable;
    timers?.start();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    origin,
    port,
    keys,
    app,
    invoker,
    durable,
    timers,
    eventGridWebhookUrl: (functionName) => {
      const query = new URLSearchParams({ functionName });
      if ((options.eventGridWebhookAuth ?? "systemKey") === "systemKey") {
        query.set("code", keys.system[eventGridSystemKeyName] ?? "");
      }
      return `${origin}/runtime/webhooks/EventGrid?${query.toString()}`;
    },
    settled: () => tracker.settled(),
    stop,
  };
}

function isLoadedApp(app: LoadedApp | AppSource): app is LoadedApp {
  return "entryPoints" in app && typeof app.functions === "function";
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`Port ${port} on 127.0.0.1 is in use; choose another port (0 picks a free one)`, {
              cause: error,
            })
          : error,
      );
    };
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * df.getClient rewrites the client payload's URLs to http://localhost:7071 unless WEBSITE_HOSTNAME
 * is set (and not 0.0.0.0) — set it to this host, as Core Tools sets it to its own. Only its
 * presence matters to the library (the URLs come from the durable engine's payload), so a value
 * someone already set is kept, and it is left in place when the host stops.
 */
function ensureWebsiteHostname(hostname: string): void {
  const current = process.env.WEBSITE_HOSTNAME;
  if (current === undefined || current === "" || current.includes("0.0.0.0"))
    process.env.WEBSITE_HOSTNAME = hostname;
}
