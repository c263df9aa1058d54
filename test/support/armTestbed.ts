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
import { machineResourceId } from "../../shared/resourceId";

export const testSubscriptionId = "00000000-0000-4000-8000-00000000a001";
export const testResourceGroup = "rg-arc";
export const testLocation = "westeurope";

export interface ArmTestbed {
  readonly clock: VirtualClock;
  readonly emulator: Emulator;
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

export async function startArmTestbed(options: ArmTestbedOptions = {}): Promise<ArmTestbed> {
  const clock = new VirtualClock();
  const emulator = await startEmulator({ seed: 1, throttling: false, ...options.emulator, clock });
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

/** `azcmagent connect` for a test machine; returns its resource id. */
export function connectTestMachine(
  testbed: ArmTestbed,
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
