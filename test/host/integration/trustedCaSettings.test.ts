// How the in-process app comes to trust the emulator: ARC_TRUSTED_CA_PEM / ARC_TRUSTED_CA_FILE
// (NODE_EXTRA_CA_CERTS is read only when a process starts). The settings are checked up front,
// armContextFromSettings adds the CA to Node's roots, and verification stays on: without the
// setting, the same call to the emulator fails on its self-signed certificate.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { VirtualClock } from "../../../local/clock";
import { type Emulator, startEmulator } from "../../../local/emulator";
import { connectMachine } from "../../../local/emulator/providers/hybridCompute/machines";
import { armContextFromSettings } from "../../../shared/azure/armContext";
import { getMachine } from "../../../shared/azure/machines";
import { readSettings } from "../../../shared/config";
import { ConfigurationError } from "../../../shared/errors";

const machineId =
  "/subscriptions/00000000-0000-4000-8000-00000000e003/resourceGroups/rg-ca/providers/Microsoft.HybridCompute/machines/ca-01";

let emulator: Emulator;
let folder: string;

beforeAll(async () => {
  emulator = await startEmulator({ clock: new VirtualClock() });
  connectMachine(emulator.context(), {
    subscriptionId: "00000000-0000-4000-8000-00000000e003",
    resourceGroup: "rg-ca",
    name: "ca-01",
    location: "eastus",
    agentVersion: "1.55.02941.1840",
    osType: "linux",
    osName: "Ubuntu",
    osVersion: "22.04",
  });
  folder = mkdtempSync(join(tmpdir(), "arc-ca-"));
});

afterAll(async () => {
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
});

test("ARC_TRUSTED_CA_PEM makes the emulator's certificate trusted by the app's ARM client", async () => {
  const settings = readSettings({
    AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.url,
    ARC_TRUSTED_CA_PEM: emulator.caPem,
  });
  const machine = await getMachine(armContextFromSettings(settings, emulator.credential), machineId);
  expect(machine.name).toBe("ca-01");
});

test("ARC_TRUSTED_CA_FILE does the same from a file", async () => {
  const file = join(folder, "emulator-ca.pem");
  writeFileSync(file, emulator.caPem);
  const settings = readSettings({ AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.url, ARC_TRUSTED_CA_FILE: file });
  expect(settings.ARC_TRUSTED_CA_FILE).toBe(emulator.caPem);
  const machine = await getMachine(armContextFromSettings(settings, emulator.credential), machineId);
  expect(machine.status).toBe("Connected");
});

test("without either, verification refuses the self-signed certificate", async () => {
  const settings = readSettings({ AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.url, ARC_ARM_MAX_RETRIES: "0" });
  await expect(getMachine(armContextFromSettings(settings, emulator.credential), machineId)).rejects.toThrow(
    /certificate/i,
  );
});

test.each([
  [
    { ARC_TRUSTED_CA_FILE: "/nonexistent/ca.pem" },
    /ARC_TRUSTED_CA_FILE \('\/nonexistent\/ca.pem'\): cannot be read/,
  ],
  [
    { ARC_TRUSTED_CA_PEM: "not a certificate" },
    /ARC_TRUSTED_CA_PEM \('not a certificate'\): must be PEM text/,
  ],
])("a bad CA setting stops the app at start: %j", (env, message) => {
  expect(() => readSettings(env)).toThrow(ConfigurationError);
  expect(() => readSettings(env)).toThrow(message);
});

test("a file that is not PEM is refused", () => {
  const file = join(folder, "not-a-cert.txt");
  writeFileSync(file, "hello");
  expect(() => readSettings({ ARC_TRUSTED_CA_FILE: file })).toThrow(
    /must be a PEM file with at least one certificate/,
  );
});
