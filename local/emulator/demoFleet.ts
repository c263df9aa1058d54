// A small, varied fleet for `npm run dev` and `npm run emulator -- --demo`: several regions and
// subscriptions, Windows and Linux, and machines that cannot be onboarded for different reasons
// (old agent, monitor mode, an allow-list without Run Command, disconnected, opted out).
import { connectMachine, type ConnectMachineInput } from "./providers/hybridCompute/machines";
import type { EmulatorContext } from "./types";

export const demoSubscriptionIds = [
  "00000000-0000-4000-8000-00000000d001",
  "00000000-0000-4000-8000-00000000d002",
] as const;

const [production, branches] = demoSubscriptionIds;

const linux = { osType: "linux", osName: "Ubuntu", osVersion: "22.04", osSku: "Ubuntu 22.04.4 LTS" } as const;
const windows = {
  osType: "windows",
  osName: "Windows Server 2022 Datacenter",
  osVersion: "10.0.20348",
  osSku: "Windows Server 2022 Datacenter",
} as const;

export const demoFleet: readonly ConnectMachineInput[] = [
  {
    subscriptionId: production,
    resourceGroup: "rg-arc-eastus",
    name: "web-eus-01",
    location: "eastus",
    agentVersion: "1.55.02941.1840",
    ...linux,
  },
  {
    subscriptionId: production,
    resourceGroup: "rg-arc-eastus",
    name: "web-eus-02",
    location: "eastus",
    agentVersion: "1.45.02812.1511",
    ...linux,
    incomingConnectionsPorts: ["3389"],
  },
  {
    subscriptionId: production,
    resourceGroup: "rg-arc-eastus",
    name: "sql-eus-01",
    location: "eastus",
    agentVersion: "1.56.03045.2011",
    ...windows,
  },
  {
    subscriptionId: production,
    resourceGroup: "rg-arc-westeurope",
    name: "app-weu-01",
    location: "westeurope",
    agentVersion: "1.54.02922.1760",
    ...linux,
  },
  {
    subscriptionId: production,
    resourceGroup: "rg-arc-westeurope",
    name: "app-weu-02",
    location: "westeurope",
    agentVersion: "1.38.02543.1001",
    ...linux,
  },
  {
    subscriptionId: production,
    resourceGroup: "rg-arc-westeurope",
    name: "dc-weu-01",
    location: "westeurope",
    agentVersion: "1.55.02941.1840",
    ...windows,
    configMode: "monitor",
  },
  {
    subscriptionId: branches,
    resourceGroup: "rg-branches",
    name: "pos-sea-01",
    location: "southeastasia",
    agentVersion: "1.53.02880.1690",
    ...linux,
  },
  {
    subscriptionId: branches,
    resourceGroup: "rg-branches",
    name: "pos-sea-02",
    location: "southeastasia",
    agentVersion: "1.53.02880.1690",
    ...linux,
    status: "Disconnected",
  },
  {
    subscriptionId: branches,
    resourceGroup: "rg-branches",
    name: "kiosk-sea-01",
    location: "southeastasia",
    agentVersion: "1.55.02941.1840",
    ...windows,
    extensionsAllowList: [{ publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent" }],
  },
  {
    subscriptionId: branches,
    resourceGroup: "rg-branches",
    name: "lab-sea-01",
    location: "southeastasia",
    agentVersion: "1.55.02941.1840",
    ...linux,
    tags: { "arc-autopilot": "opt-out" },
  },
];

/** Connects every demo machine, emitting their write events as `azcmagent connect` would. */
export function connectDemoFleet(context: EmulatorContext): string[] {
  return demoFleet.map((machine) => {
    const body = connectMachine(context, machine);
    return String(body.id);
  });
}
