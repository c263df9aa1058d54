// A function app of arc-autopilot's own registrations on the local host, against the emulator:
// what the end-to-end onboarding stories share. Nothing is mocked: Event Grid delivers the
// emulator's resource events to functions/machineEvents.ts, the durable engine replays the real
// orchestrators, the activities call the emulator through shared/azure.
import { resolve } from "node:path";

import { VirtualClock } from "../../local/clock";
import {
  connectMachine,
  type ConnectMachineInput,
} from "../../local/emulator/providers/hybridCompute/machines";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import type { TrafficExchange } from "../../local/emulator/trafficLog";
import { CollectedHostLog, type KillPoint, type LocalHost, startLocalHost } from "../../local/host";
import type { EventSubscriptionFilters, LocalEmulatorSettings } from "../../local/host/localHost";
import type { DriftSweepOutput } from "../../shared/drift/report";
import { manualSweepInstanceId } from "../../shared/drift/schedule";
import { machineInstanceId } from "../../shared/onboarding/instanceIds";
import type { OnboardingResult } from "../../shared/onboarding/onboardingResult";

const root = resolve(__dirname, "../..");

export const appModules = [
  resolve(root, "functions/machineEvents.ts"),
  resolve(root, "functions/durableFunctions.ts"),
  resolve(root, "functions/runbooks.ts"),
];

export interface HarnessOptions {
  readonly subscriptionId: string;
  readonly appSettings?: Record<string, string>;
  /** Modules loaded besides the app's own (test fixtures registering more functions). */
  readonly extraModules?: readonly string[];
  readonly emulator?: LocalEmulatorSettings;
  readonly eventSubscription?: EventSubscriptionFilters;
  /** The Durable engine's hook at each kill point: a test steps in at an exact moment of a run. */
  readonly onKillPoint?: (point: KillPoint) => void;
}

export interface Harness {
  readonly host: LocalHost;
  readonly clock: VirtualClock;
  readonly log: CollectedHostLog;
  readonly subscriptionId: string;
  machineId(name: string, resourceGroup?: string): string;
  gatewayId(name: string): string;
  /** `azcmagent connect` in the emulator: the machine appears and its write event goes out. */
  connect(input: Partial<ConnectMachineInput> & { name: string }): string;
  /**
   * A machine as onboarding leaves it, set up by ARM requests of the test's own (no onboarding
   * runs): connected and linked to the gateway, its `default` endpoint, SSH on port 22.
   */
  onboardedBehindTheBack(
    input: Partial<ConnectMachineInput> & { name: string; gatewayResourceId: string },
  ): Promise<string>;
  /** An ARM request of the test's own (an operator's, behind the app's back): throws unless it succeeds. */
  armRequest(method: string, path: string, body?: unknown): Promise<EmulatorResponse>;
  /** PUTs a gateway through ARM and runs the host until its creation has finished. */
  readyGateway(name: string, location: string): Promise<string>;
  registerHybridConnectivity(): void;
  /** Runs everything until the machine's onboarding has ended, and returns its result. */
  outcome(machineId: string): Promise<OnboardingResult & { runtimeStatus: string }>;
  /** A drift sweep as the runbook starts it (each under a new manual id), run until it completes. */
  driftSweep(options?: { readonly dryRun?: boolean }): Promise<DriftSweepOutput>;
  /** Every key the host holds (master, host, function and system keys), to look for where none may be. */
  hostKeys(): string[];
  /** ARM requests under one machine's resource id since `from`. */
  machineRequests(machineId: string, from?: number): TrafficExchange[];
  /**
   * Requests other than GETs since `from`: what was written. `exceptResourceGraph` leaves out the
   * Resource Graph queries too, POSTs that only read.
   */
  writesSince(from: number, options?: { readonly exceptResourceGraph?: boolean }): TrafficExchange[];
  /** The gateway the machine's settings link it to, read from the emulator's state (no ARM request). */
  gatewayLink(machineId: string): string | undefined;
  stop(): Promise<void>;
}

export const defaultResourceGroup = "rg-fleet";
export const gatewayResourceGroup = "arc-gateways";

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const log = new CollectedHostLog();
  const { subscriptionId } = options;
  const clock = new VirtualClock(Date.UTC(2026, 10, 23, 8));
  const host = await startLocalHost({
    app: { modules: [...appModules, ...(options.extraModules ?? [])] },
    clock,
    log: log.log,
    // The engine's own reports join the host's log, so a test can read (and scan) one log.
    engineLog: (message) => log.log({ level: "error", category: "system", message: `durable: ${message}` }),
    timers: false,
    appSettings: {
      ARC_SCOPES: `/subscriptions/${subscriptionId}`,
      ARC_GATEWAY_RESOURCE_GROUP: gatewayResourceGroup,
      ...options.appSettings,
    },
    ...(options.emulator ? { emulator: options.emulator } : {}),
    ...(options.eventSubscription ? { eventSubscription: () => options.eventSubscription! } : {}),
    ...(options.onKillPoint ? { onKillPoint: options.onKillPoint } : {}),
  });
  const emulator = host.emulator!;
  const machineId = (name: string, resourceGroup = defaultResourceGroup) =>
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.HybridCompute/machines/${name}`;
  let sweeps = 0;
  const armRequest = async (method: string, path: string, body?: unknown) => {
    const answer = await emulator.request(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text}`);
    return answer;
  };
  const connect = (input: Partial<ConnectMachineInput> & { name: string }) => {
    connectMachine(emulator.context(), {
      subscriptionId,
      resourceGroup: defaultResourceGroup,
      location: "eastus",
      agentVersion: "1.55.02941.1840",
      osType: "linux",
      osName: "Ubuntu",
      osVersion: "22.04",
      ...input,
    });
    const group = input.resourceGroup ?? defaultResourceGroup;
    return `/subscriptions/${input.subscriptionId ?? subscriptionId}/resourceGroups/${group}/providers/Microsoft.HybridCompute/machines/${input.name}`;
  };
  const gatewayId = (name: string) =>
    `/subscriptions/${subscriptionId}/resourceGroups/${gatewayResourceGroup}/providers/Microsoft.HybridCompute/gateways/${name}`;
  return {
    host,
    clock,
    log,
    subscriptionId,
    machineId,
    gatewayId,
    connect,
    onboardedBehindTheBack: async (input) => {
      const id = connect(input);
      const endpoint = `${id}/providers/Microsoft.HybridConnectivity/endpoints/default`;
      const connectivity = "?api-version=2024-12-01";
      await armRequest("PUT", endpoint + connectivity, { properties: { type: "default" } });
      await armRequest("PUT", `${endpoint}/serviceConfigurations/SSH${connectivity}`, {
        properties: { serviceName: "SSH", port: 22 },
      });
      return id;
    },
    armRequest,
    readyGateway: async (name, location) => {
      const id = gatewayId(name);
      const put = await emulator.request("PUT", `${id}?api-version=2025-01-13`, {
        location,
        properties: { gatewayType: "Public", allowedFeatures: ["*"] },
      });
      if (put.status >= 300) throw new Error(`gateway PUT answered ${put.status}`);
      await host.runFor(emulator.timings.gatewayCreateMs + 60_000);
      return id;
    },
    registerHybridConnectivity: () =>
      presetProviderRegistration(
        emulator.state,
        subscriptionId,
        "Microsoft.HybridConnectivity",
        "Registered",
      ),
    outcome: async (id) => {
      const status = await host.waitForInstance(machineInstanceId(id));
      return { ...(status.output as OnboardingResult), runtimeStatus: status.runtimeStatus };
    },
    driftSweep: async ({ dryRun = false } = {}) => {
      sweeps++;
      const instanceId = host.engine.start(
        "driftSweep_v1",
        { dryRun, trigger: "runbook" },
        manualSweepInstanceId(String(sweeps).padStart(32, "0")),
      );
      const status = await host.waitForInstance(instanceId);
      expect(status.runtimeStatus).toBe("Completed");
      return status.output as DriftSweepOutput;
    },
    hostKeys: () => {
      const { master, host: hostLevel, functions, system } = host.keys;
      return [
        master,
        ...Object.values(hostLevel),
        ...Object.values(functions).flatMap((byName) => Object.values(byName)),
        ...Object.values(system),
      ].filter((key) => key.length > 0);
    },
    machineRequests: (id, from = 0) =>
      host
        .traffic()
        .slice(from)
        .filter((exchange) => new URL(exchange.url).pathname.toLowerCase().startsWith(id.toLowerCase())),
    writesSince: (from, { exceptResourceGraph = false } = {}) =>
      host
        .traffic()
        .slice(from)
        .filter(
          (exchange) => exchange.method !== "GET" && !(exceptResourceGraph && isResourceGraphQuery(exchange)),
        ),
    gatewayLink: (id) => {
      const settings = emulator.state.getResource(`${id}/providers/Microsoft.HybridCompute/settings/default`);
      return (settings?.body.properties as { gatewayProperties?: { gatewayResourceId?: string } } | undefined)
        ?.gatewayProperties?.gatewayResourceId;
    },
    stop: () => host.stop(),
  };
}

function isResourceGraphQuery(exchange: TrafficExchange): boolean {
  return new URL(exchange.url).pathname.toLowerCase().startsWith("/providers/microsoft.resourcegraph/");
}

export function runFor(h: Harness, ms: number): Promise<void> {
  return h.host.runFor(ms);
}

/** One harness for a test file: started before its tests (handed to `started`), stopped after them. */
export function harnessPerFile(options: HarnessOptions, started: (h: Harness) => void): void {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
    started(harness);
  });
  afterAll(async () => {
    await harness?.stop();
  });
}
