// Starts the Azure emulator: ARM over HTTPS on loopback, in memory, on an injectable clock, with
// Event Grid custom topics' data plane beside it (`/eventgrid/topics/{name}/api/events`).
// Tests start it in-process on a VirtualClock; `npm run emulator` starts it standalone.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

import type { TokenCredential } from "@azure/core-auth";

import { type Clock, ScaledClock } from "../clock";
import { handleAdminRequest } from "./admin/adminApi";
import {
  CustomTopics,
  EventGridSystemTopic,
  type EventLogSnapshot,
  type ReceivedTopicEvent,
} from "./eventGrid";
import { type FaultConfig, FaultInjector } from "./faults";
import { emulatorCredential, localPrincipal, mintToken } from "./principal";
import { allRoutes } from "./providers";
import { type AmbientWorld, attachAmbientWorld } from "./providers/apiManagement/ambient";
import { SeededRandom } from "./random";
import { Router } from "./router";
import { type ArmServerParts, createArmRequestListener, createContext } from "./server";
import { EmulatorState } from "./state";
import { type EmulatorResponse, type RawRequestOptions, sendToEmulator } from "./testClient";
import { ArmThrottle, armThrottlingLimits, type ThrottlingLimits } from "./throttling";
import { createLoopbackCertificate, type TlsMaterial } from "./tls";
import { type TrafficExchange, TrafficLog, withoutSecrets } from "./trafficLog";
import { defaultTimings, type EmulatorContext, type EmulatorTimings, type ResourceEventInput } from "./types";

export { ScaledClock, VirtualClock } from "../clock";
export type { ReceivedTopicEvent } from "./eventGrid";
export type { EmulatorContext, EmulatorTimings, ResourceEventInput } from "./types";

export interface EmulatorOptions {
  readonly clock?: Clock;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly seed?: number;
  readonly timings?: Partial<EmulatorTimings>;
  /** ARM's documented limits by default; `false` keeps the buckets (and headers) but never refuses. */
  readonly throttling?: boolean | Partial<ThrottlingLimits>;
  readonly faults?: FaultConfig;
  /** JSON-lines traffic log; defaults to ARC_EMULATOR_TRAFFIC_LOG; `null` turns it off. */
  readonly trafficLog?: string | null;
  readonly tls?: TlsMaterial;
}

export interface Emulator {
  readonly url: string;
  /** PEM of the certificate to trust (NODE_EXTRA_CA_CERTS or a `ca` option). */
  readonly caPem: string;
  readonly clock: Clock;
  readonly state: EmulatorState;
  readonly timings: EmulatorTimings;
  /** A credential whose tokens the emulator reads as the local automation principal. */
  readonly credential: TokenCredential;
  /** A context for in-process admin operations (providers' exported functions take it). */
  context(): EmulatorContext;
  request(
    method: string,
    path: string,
    body?: unknown,
    options?: RawRequestOptions & { token?: string | null },
  ): Promise<EmulatorResponse>;
  publishedEvents(): readonly ResourceEventInput[];
  /** The subscription system topic: webhook subscribers, deliveries, the event log. */
  readonly eventGrid: EventGridSystemTopic;
  eventLog(): EventLogSnapshot;
  onPublish(listener: (event: ResourceEventInput) => void): void;
  configureFaults(config: FaultConfig): void;
  configureThrottling(throttling: boolean | Partial<ThrottlingLimits>): void;
  /**
   * A custom topic's publish endpoint, `{url}/eventgrid/topics/{name}/api/events`, for
   * EventGridPublisherClient. Topics come into being with their first accepted publish.
   */
  topicEndpoint(topicName: string): string;
  /** The topic's access key for the `aeg-sas-key` header (AzureKeyCredential); fixed by the seed. */
  topicKey(topicName: string): string;
  /** Events a custom topic accepted, oldest first, with when (on the emulator's clock) and how. */
  topicEvents(topicName: string): readonly ReceivedTopicEvent[];
  /**
   * Every ARM exchange this emulator answered, oldest first (admin API calls and custom topic
   * publishes are not ARM's).
   */
  exchanges(): readonly TrafficExchange[];
  /**
   * The clock for what the emulated world does on its own over days (gateway tokens nearing
   * expiry): the local host passes its schedule-tracking clock, so these count as schedules and
   * never keep `runUntilIdle` jumping ahead by themselves.
   */
  useAmbientClock(clock: Clock): void;
  close(): Promise<void>;
}

function throttlingSettings(
  throttling: boolean | Partial<ThrottlingLimits> | undefined,
): [ThrottlingLimits, boolean] {
  if (throttling === false) return [armThrottlingLimits, false];
  if (throttling === true || throttling === undefined) return [armThrottlingLimits, true];
  return [{ ...armThrottlingLimits, ...throttling }, true];
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? new ScaledClock(1);
  const state = new EmulatorState();
  const random = new SeededRandom(options.seed ?? 1);
  const timings: EmulatorTimings = { ...defaultTimings, ...options.timings };
  const throttle = new ArmThrottle(...throttlingSettings(options.throttling), () => clock.now());
  const faults = new FaultInjector();
  if (options.faults) faults.configure(options.faults);
  const logFile =
    options.trafficLog === undefined ? process.env.ARC_EMULATOR_TRAFFIC_LOG : options.trafficLog;
  const trafficLog = logFile ? new TrafficLog(logFile) : undefined;
  const exchanges: TrafficExchange[] = [];
  const published: ResourceEventInput[] = [];
  // Its own random sequence, so subscribing a webhook does not shift the ids resources get.
  const eventGrid = new EventGridSystemTopic({ clock, random: new SeededRandom((options.seed ?? 1) + 7919) });
  const onInternalError = (error: unknown) => {
    console.error("[emulator] internal error:", error);
  };
  const topics = new CustomTopics({ clock, seed: options.seed ?? 1, onInternalError });
  const listeners: ((event: ResourceEventInput) => void)[] = [];
  const router = new Router();
  router.add(...allRoutes());
  const tls = options.tls ?? (await createLoopbackCertificate());
  let baseUrl = "";

  const parts: ArmServerParts = {
    router,
    state,
    clock,
    random,
    timings,
    throttle,
    faults,
    recordExchange: (raw) => {
      const exchange = withoutSecrets(raw);
      exchanges.push(exchange);
      trafficLog?.append(exchange);
    },
    baseUrl: () => baseUrl,
    publish: (event) => {
      published.push(event);
      eventGrid.publish(event);
      for (const listener of listeners) listener(event);
    },
    dataPlane: (request, response, body) => topics.handle(request, response, body),
    admin: (request, response, body) => handleAdminRequest(emulator, request, response, body),
    onInternalError,
  };

  const ambient: AmbientWorld = {
    clock,
    publishEvent: (event) => eventGrid.publishEvent(event),
  };
  attachAmbientWorld(state, ambient);

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, createArmRequestListener(parts));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `https://${address.address === "::1" ? "[::1]" : address.address}:${address.port}`;
  const localToken = () => mintToken(localPrincipal, clock.now() + 3600_000);

  const emulator: Emulator = {
    url: baseUrl,
    caPem: tls.cert,
    clock,
    state,
    timings,
    credential: emulatorCredential(localPrincipal, () => clock.now()),
    context: () => createContext(parts, randomUUID()),
    request: (method, path, body, requestOptions = {}) => {
      const token = requestOptions.token === undefined ? localToken() : (requestOptions.token ?? undefined);
      return sendToEmulator(baseUrl, tls.cert, token, method, path, body, requestOptions);
    },
    publishedEvents: () => published,
    eventGrid,
    eventLog: () => eventGrid.eventLog(),
    onPublish: (listener) => listeners.push(listener),
    configureFaults: (config) => faults.configure(config),
    configureThrottling: (throttling) => throttle.configure(...throttlingSettings(throttling)),
    topicEndpoint: (topicName) => topics.endpoint(baseUrl, topicName),
    topicKey: (topicName) => topics.key(topicName),
    topicEvents: (topicName) => topics.events(topicName),
    exchanges: () => exchanges,
    useAmbientClock: (ambientClock) => {
      ambient.clock = ambientClock;
    },
    close: () =>
      new Promise<void>((resolve) => {
        eventGrid.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return emulator;
}
