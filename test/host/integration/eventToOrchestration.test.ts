// The assembled local host, end to end: a machine joins Arc in the emulator, the emulator's Event
// Grid delivers the write event through the Functions host's real webhook, the app's Event Grid
// function starts an orchestration with df.getClient, and the orchestration's activity reads the
// machine back from the emulator through shared/azure — with the app's own settings, the
// emulator's CA trusted and the local managed identity, nothing injected into the app.
import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { connectMachine } from "../../../local/emulator/providers/hybridCompute/machines";
import { CollectedHostLog, type LocalHost, startLocalHost } from "../../../local/host";
import { describeInstanceId, type MachineSummary, registrationEvents } from "./fixtures/machineEventsApp";

const subscriptionId = "00000000-0000-4000-8000-00000000e001";
const resourceGroup = "rg-local-host";
const machineId = (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.HybridCompute/machines/${name}`;

const log = new CollectedHostLog();
let host: LocalHost;
let endpointBefore: string | undefined;

beforeAll(async () => {
  endpointBefore = process.env.AZURE_RESOURCE_MANAGER_ENDPOINT;
  host = await startLocalHost({
    app: { modules: [resolve(__dirname, "fixtures/machineEventsApp.ts")] },
    clock: new VirtualClock(Date.UTC(2026, 2, 1)),
    log: log.log,
  });
});

afterAll(async () => {
  await host.stop();
});

test("the app's Event Grid function is subscribed to the emulator's topic, handshake included", () => {
  expect(host.eventGrid).toHaveLength(1);
  expect(host.eventGrid[0]).toMatchObject({
    functionName: "MachineEvents",
    subscription: { schema: "EventGridSchema", provisioningState: "Succeeded" },
  });
  expect(host.eventGrid[0]!.subscription.endpointUrl).toBe(
    host.functionsHost.eventGridWebhookUrl("MachineEvents"),
  );
  expect(host.emulator!.eventLog().handshakes).toEqual([
    expect.objectContaining({ outcome: "Succeeded" }) as unknown,
  ]);
  expect(log.messages({ category: "system" })).toContain(
    "perform handshake with eventGrid for function: MachineEvents",
  );
});

test("a machine connecting in the emulator ends in an orchestration that read it back from the emulator", async () => {
  connectMachine(host.emulator!.context(), {
    subscriptionId,
    resourceGroup,
    name: "web-01",
    location: "westeurope",
    agentVersion: "1.55.02941.1840",
    osType: "linux",
    osName: "Ubuntu",
    osVersion: "22.04",
  });

  const status = await host.waitForInstance(describeInstanceId(machineId("web-01")));

  expect(status).toMatchObject({
    name: "DescribeMachine",
    runtimeStatus: "Completed",
    input: { machineId: machineId("web-01") },
    customStatus: { step: "done", done: 1, total: 1 },
  });
  expect(status.output).toEqual<MachineSummary>({
    name: "web-01",
    status: "Connected",
    agentVersion: "1.55.02941.1840",
    location: "westeurope",
  });
  // The event went through Event Grid's delivery, not around it.
  const attempts = host.emulator!.eventLog().attempts;
  expect(attempts).toContainEqual(
    expect.objectContaining({ subscriptionName: "local-MachineEvents", status: 202 }),
  );
  // The activity's read is in this run's traffic, from the app's own ARM client.
  const reads = host
    .traffic()
    .filter((exchange) => exchange.method === "GET" && exchange.url.includes("/machines/web-01"));
  expect(reads).toHaveLength(1);
  expect(reads[0]).toMatchObject({ status: 200 });
  expect(reads[0]!.requestHeaders["user-agent"]).toMatch(/^arc-autopilot\//);
});

test("the admin API's azcmagent connect reaches the app the same way", async () => {
  const connected = await host.emulator!.request("POST", "/_emulator/machines", {
    subscriptionId,
    resourceGroup,
    name: "sql-02",
    location: "eastus",
    agentVersion: "1.56.03045.2011",
    osType: "windows",
    osName: "Windows Server 2022 Datacenter",
    osVersion: "10.0.20348",
  });
  expect(connected.status).toBeLessThan(300);

  await host.runUntilIdle();

  expect(host.statuses({ instanceIdPrefix: "describe-sql-02" })).toEqual([
    expect.objectContaining({
      runtimeStatus: "Completed",
      output: expect.objectContaining({ name: "sql-02", location: "eastus" }) as unknown,
    }),
  ]);
});

test("sendEvent delivers an event through the webhook like Event Grid would", async () => {
  connectMachine(host.emulator!.context(), {
    subscriptionId,
    resourceGroup,
    name: "kiosk-03",
    location: "southeastasia",
    agentVersion: "1.50.02800.1500",
    osType: "linux",
    osName: "Ubuntu",
    osVersion: "24.04",
  });
  await host.runUntilIdle();
  const id = describeInstanceId(machineId("kiosk-03"));
  expect(host.engine.getStatus(id)?.runtimeStatus).toBe("Completed");
  host.engine.purge(id);

  const deliveries = await host.sendEvent({
    id: "e5c0a9d2-0000-4000-8000-000000000001",
    topic: `/subscriptions/${subscriptionId}`,
    subject: machineId("kiosk-03"),
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    eventTime: new Date(host.clock.now()).toISOString(),
    data: { operationName: "Microsoft.HybridCompute/machines/write", resourceUri: machineId("kiosk-03") },
    dataVersion: "",
    metadataVersion: "1",
  });
  expect(deliveries).toEqual([{ functionName: "MachineEvents", status: 202 }]);

  const status = await host.waitForInstance(id);
  expect(status.output).toMatchObject({ name: "kiosk-03", agentVersion: "1.50.02800.1500" });
});

test("the app reaches the emulator through its settings and the local managed identity", () => {
  expect(endpointBefore).not.toBe(host.emulator!.url);
  expect(process.env.AZURE_RESOURCE_MANAGER_ENDPOINT).toBe(host.emulator!.url);
  expect(process.env.ARC_TRUSTED_CA_PEM).toBe(host.emulator!.caPem);
  expect(process.env.IDENTITY_ENDPOINT).toBe(host.managedIdentity!.url);
  // DefaultAzureCredential asked the App Service-style endpoint (MSAL then caches the token).
  expect(host.managedIdentity!.tokensIssued).toBeGreaterThanOrEqual(1);
});

test("the clock never jumps while an Event Grid delivery is still on the wire", async () => {
  const attemptsBefore = host.emulator!.eventLog().attempts.length;
  const started = await host.startViaHttp("orchestrators/RegisterThenWait", {
    subscriptionId,
    namespace: "Microsoft.HybridConnectivity",
  });

  const status = await host.waitForInstance(started.checkStatus!.id);

  // The emulator's three-minute registration ran on the same clock as the two-hour timer.
  expect(status.output).toEqual({ reported: "Registering", after: "Registered" });
  expect(registrationEvents).toEqual([
    expect.stringMatching(
      new RegExp(`^/subscriptions/${subscriptionId}/providers/Microsoft.HybridConnectivity$`, "i"),
    ),
  ]);
  // One attempt, answered: had the clock jumped two hours meanwhile, Event Grid's 30-second
  // response timeout (on the same clock) would have failed it and delivered the event again.
  expect(host.emulator!.eventLog().attempts.slice(attemptsBefore)).toEqual([
    expect.objectContaining({ attempt: 1, status: 202, outcome: "Success" }),
  ]);
});
