// POST /_emulator/drift: drift behind the app's back over the admin API, as a developer would make
// it by hand against `npm run emulator`. Each change is visible to ARM reads, publishes no event
// and is no ARM exchange; a change to something that does not exist is a 404, a bad body a 400.
import { VirtualClock } from "../../local/clock";
import { type Emulator, startEmulator } from "../../local/emulator";
import { seedReadyGateway } from "../../local/emulator/behindTheBack";

const subscriptionId = "5a0e2c8b-1d2f-4e6a-9b3c-7d8e9f0a1b2d";
const machine = { subscriptionId, resourceGroup: "rg-arc", name: "web-01", location: "eastus" };
const machineId = `/subscriptions/${subscriptionId}/resourceGroups/rg-arc/providers/Microsoft.HybridCompute/machines/web-01`;
const hc = "?api-version=2025-01-13";
const conn = "?api-version=2024-12-01";

describe("POST /_emulator/drift", () => {
  let emulator: Emulator;
  let gatewayId: string;

  beforeEach(async () => {
    emulator = await startEmulator({ clock: new VirtualClock(), throttling: false });
    gatewayId = seedReadyGateway(emulator, {
      subscriptionId,
      resourceGroup: "arc-gateways",
      name: "arc-gw-eastus",
      location: "eastus",
    });
  });
  afterEach(() => emulator.close());

  const drift = (body: unknown) => emulator.request("POST", "/_emulator/drift", body);
  const get = async (path: string) => (await emulator.request("GET", path)).body as Record<string, never>;

  test("an onboarded machine, then its link removed and its SSH port moved: ARM shows each, no event, no ARM exchange", async () => {
    const exchanges = emulator.exchanges().length;
    const onboarded = await drift({ kind: "onboarded", machine, gatewayId });
    expect(onboarded.status).toBe(201);
    expect(onboarded.body).toEqual({ kind: "onboarded", machineId });
    const settings = `${machineId}/providers/Microsoft.HybridCompute/settings/default${hc}`;
    const ssh = `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default/serviceConfigurations/SSH${conn}`;
    const afterSeeding = emulator.exchanges().length;
    expect(afterSeeding).toBe(exchanges);
    expect(await get(settings)).toMatchObject({
      properties: { gatewayProperties: { gatewayResourceId: gatewayId } },
    });
    expect(await get(ssh)).toMatchObject({
      properties: { serviceName: "SSH", port: 22, provisioningState: "Succeeded" },
    });

    expect((await drift({ kind: "linkRemoved", machineId })).status).toBe(201);
    expect((await drift({ kind: "sshPort", machineId, port: 2222 })).status).toBe(201);
    expect(await get(settings)).toMatchObject({ properties: { gatewayProperties: {} } });
    expect((await get(settings)).properties).not.toHaveProperty(["gatewayProperties", "gatewayResourceId"]);
    expect(await get(ssh)).toMatchObject({ properties: { port: 2222 } });
    expect(emulator.publishedEvents()).toEqual([]);
  });

  test("a machine joined unseen and a gateway tagged retiring", async () => {
    const joined = await drift({
      kind: "joinedUnseen",
      machine: { ...machine, name: "web-02", osType: "windows" },
    });
    expect(joined.status).toBe(201);
    const id = (joined.body as { machineId: string }).machineId;
    expect(await get(`${id}${hc}`)).toMatchObject({
      name: "web-02",
      properties: { status: "Connected", osType: "windows" },
    });
    const retiring = await drift({ kind: "gatewayRetiring", gatewayId });
    expect(retiring.status).toBe(201);
    expect((await get(`${gatewayId}${hc}`)).tags).toEqual({
      "arc-autopilot-retiring": expect.any(String) as string,
    });
    expect(emulator.publishedEvents()).toEqual([]);
  });

  test("what does not exist is a 404, a bad body a 400", async () => {
    expect((await drift({ kind: "linkRemoved", machineId })).status).toBe(404);
    expect((await drift({ kind: "sshPort", machineId, port: 2222 })).status).toBe(404);
    expect((await drift({ kind: "gatewayRetiring", gatewayId: `${gatewayId}-x` })).status).toBe(404);
    expect((await drift({ kind: "onboarded", machine, gatewayId: `${gatewayId}-x` })).status).toBe(404);
    expect((await drift({ kind: "sshPort", machineId, port: 70000 })).status).toBe(400);
    expect((await drift({ kind: "teleported", machineId })).status).toBe(400);
    expect((await drift({ kind: "joinedUnseen", machine: { ...machine, name: "bad name!" } })).status).toBe(
      400,
    );
  });
});
