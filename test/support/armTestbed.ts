// An ARM emulator on a virtual clock plus an ArmContext pointed at it, for tests of the Azure
// client layer. The context's retry policy sleeps on the same clock, so a Retry-After of minutes
// costs no real time and every sleep is recorded for assertions.
import { VirtualClock } from "../../local/clock";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../local/emulator";
import {
  connectMachine,
  type ConnectMachineInput,
} from "../../local/emulator/providers/hybridCompute/machines";
import { type ArmContext, type ArmContextOptions, createArmContext } from "../../shared/azure/armContext";
import { gatewayResourceId, machineResourceId } from "../../shared/resourceId";

export const testSubscriptionId = "00000000-0000-4000-8000-00000000a001";
export const testResourceGroup = "rg-arc";
export const testLocation = "westeurope";

/** An emulator and the virtual clock it runs on. */
export interface VirtualEmulator {
  readonly clock: VirtualClock;
  readonly emulator: Emulator;
}

export interface ArmTestbed extends VirtualEmulator {
  readonly context: ArmContext;
  /** Every delay the retry policy asked for, in virtual milliseconds. */
  readonly sleeps: number[];
  /** Another context on the same emulator and clock (e.g. with `maxRetries: 0`). */
  createContext(overrides?: Partial<ArmContextOptions>): ArmContext;
  close(): Promise<void>;
}

export interface ArmTestbedOptions {
  readonly emulator?: Omit<EmulatorOptions, "clock">;
  readonly context?: Partial<ArmContextOptions>;
}

/** An emulator on a fresh virtual clock: seed 1 and no throttling unless `options` say otherwise. */
export async function startVirtualEmulator(
  options: Omit<EmulatorOptions, "clock"> = {},
): Promise<VirtualEmulator> {
  const clock = new VirtualClock();
  const emulator = await startEmulator({ seed: 1, throttling: false, ...options, clock });
  return { clock, emulator };
}

export async function startArmTestbed(options: ArmTestbedOptions = {}): Promise<ArmTestbed> {
  const { clock, emulator } = await startVirtualEmulator(options.emulator);
  const sleeps: number[] = [];
  const createContext = (overrides: Partial<ArmContextOptions> = {}) =>
    createArmContext({
      endpoint: emulator.url,
      trustedCaPem: emulator.caPem,
      credential: emulator.credential,
      sleep: (ms) => {
        sleeps.push(ms);
        return clock.sleep(ms);
      },
      now: () => clock.now(),
      random: () => 0.5,
      ...options.context,
      ...overrides,
    });
  return { clock, emulator, context: createContext(), sleeps, createContext, close: () => emulator.close() };
}

/** A fresh testbed for each test of the enclosing `describe`, closed after it. */
export function useArmTestbed(options: ArmTestbedOptions = {}): ArmTestbed {
  return eachTest(
    () => startArmTestbed(options),
    (testbed) => testbed.close(),
    ["clock", "emulator", "context", "sleeps", "createContext", "close"],
  );
}

/** A fresh emulator on its own virtual clock for each test of the enclosing `describe`, closed after it. */
export function useVirtualEmulator(options: Omit<EmulatorOptions, "clock"> = {}): VirtualEmulator {
  return eachTest(
    () => startVirtualEmulator(options),
    (world) => world.emulator.close(),
    ["clock", "emulator"],
  );
}

/**
 * Starts a `T` before each test and stops it after. The object returned stands for the current
 * test's `T`: each of `keys` reads through to it, so describe blocks can hold it in a `const`.
 */
function eachTest<T extends object>(
  start: () => Promise<T>,
  stop: (value: T) => Promise<void>,
  keys: readonly (keyof T)[],
): T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await start();
  });
  afterEach(async () => {
    const value = current;
    current = undefined;
    if (value) await stop(value);
  });
  const view = {} as T;
  for (const key of keys) {
    Object.defineProperty(view, key, {
      enumerable: true,
      get: () => {
        if (!current) throw new Error(`'${String(key)}' is only there while a test runs`);
        return current[key];
      },
    });
  }
  return view;
}

/** `azcmagent connect` for a test machine; returns its resource id. */
export function connectTestMachine(
  testbed: VirtualEmulator,
  input: Partial<ConnectMachineInput> & { name: string },
): string {
  const machine: ConnectMachineInput = {
    subscriptionId: testSubscriptionId,
    resourceGroup: testResourceGroup,
    location: testLocation,
    agentVersion: "1.52.03132.2125",
    osType: "linux",
    osName: "ubuntu",
    osVersion: "22.04",
    ...input,
  };
  connectMachine(testbed.emulator.context(), machine);
  return machineResourceId({
    subscriptionId: machine.subscriptionId,
    resourceGroup: machine.resourceGroup,
    machineName: machine.name,
  });
}

/** The id of a machine in the test subscription. */
export function testMachineId(machineName: string, resourceGroup = testResourceGroup): string {
  return machineResourceId({ subscriptionId: testSubscriptionId, resourceGroup, machineName });
}

/** The id of a gateway in the test subscription. */
export function testGatewayId(gatewayName: string, resourceGroup = testResourceGroup): string {
  return gatewayResourceId({ subscriptionId: testSubscriptionId, resourceGroup, gatewayName });
}

/** Everything an async iterable yields, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
