// Resource provider registration as Azure does it: a register answers `Registering` at once and
// the provider only becomes `Registered` minutes later, so callers must poll.
import type { VirtualClock } from "../../local/clock";
import type { Emulator } from "../../local/emulator";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import { startVirtualEmulator } from "../support/armTestbed";

const subscriptionId = "00000000-0000-4000-8000-00000000d001";
const api = "api-version=2025-04-01";
const providerPath = (namespace: string, action = "") =>
  `/subscriptions/${subscriptionId}/providers/${namespace}${action}?${api}`;

interface ProviderBody {
  readonly id?: string;
  readonly namespace?: string;
  readonly registrationState?: string;
  readonly registrationPolicy?: string;
  readonly resourceTypes?: { resourceType: string; apiVersions: string[]; locations: string[] }[];
  readonly error?: { code: string; message: string };
}

const bodyOf = (response: EmulatorResponse) => response.body as ProviderBody;

describe("resource provider registration", () => {
  let clock: VirtualClock;
  let emulator: Emulator;

  beforeEach(async () => {
    ({ clock, emulator } = await startVirtualEmulator({ seed: 1 }));
  });

  afterEach(() => emulator.close());

  const registrationState = async (namespace: string) =>
    bodyOf(await emulator.request("GET", providerPath(namespace))).registrationState;

  test("HybridConnectivity is Registering for three virtual minutes after register, then Registered", async () => {
    expect(await registrationState("Microsoft.HybridConnectivity")).toBe("NotRegistered");

    const register = await emulator.request(
      "POST",
      providerPath("Microsoft.HybridConnectivity", "/register"),
    );
    expect(register.status).toBe(200);
    expect(bodyOf(register)).toMatchObject({
      id: `/subscriptions/${subscriptionId}/providers/Microsoft.HybridConnectivity`,
      namespace: "Microsoft.HybridConnectivity",
      registrationState: "Registering",
      registrationPolicy: "RegistrationRequired",
    });

    await clock.advance(3 * 60_000 - 1000);
    expect(await registrationState("Microsoft.HybridConnectivity")).toBe("Registering");
    await clock.advance(1000);
    expect(await registrationState("Microsoft.HybridConnectivity")).toBe("Registered");
  });

  test("registering again while Registering does not restart the wait, and once Registered stays so", async () => {
    await emulator.request("POST", providerPath("Microsoft.HybridConnectivity", "/register"));
    await clock.advance(2 * 60_000);
    const again = await emulator.request("POST", providerPath("Microsoft.HybridConnectivity", "/register"));
    expect(bodyOf(again).registrationState).toBe("Registering");

    await clock.advance(60_000);
    expect(await registrationState("Microsoft.HybridConnectivity")).toBe("Registered");
    const registered = await emulator.request(
      "POST",
      providerPath("Microsoft.HybridConnectivity", "/register"),
    );
    expect(bodyOf(registered).registrationState).toBe("Registered");
  });

  test("register emits the provider's register action for Event Grid", async () => {
    await emulator.request("POST", providerPath("microsoft.hybridconnectivity", "/register"));
    expect(emulator.publishedEvents()).toContainEqual(
      expect.objectContaining({
        kind: "action",
        operationName: "Microsoft.HybridConnectivity/register/action",
        resourceUri: `/subscriptions/${subscriptionId}/providers/Microsoft.HybridConnectivity`,
      }),
    );
  });

  test("a deny rule on the register action answers 403 naming the action and the subscription scope", async () => {
    emulator.state.denyRules = [{ action: "Microsoft.HybridConnectivity/register/action" }];
    const denied = await emulator.request("POST", providerPath("Microsoft.HybridConnectivity", "/register"));
    expect(denied.status).toBe(403);
    expect(bodyOf(denied).error?.code).toBe("AuthorizationFailed");
    expect(bodyOf(denied).error?.message).toContain("'Microsoft.HybridConnectivity/register/action'");
    expect(bodyOf(denied).error?.message).toContain(`over scope '/subscriptions/${subscriptionId}'`);
    expect(await registrationState("Microsoft.HybridConnectivity")).toBe("NotRegistered");
    expect(emulator.publishedEvents()).toHaveLength(0);
  });

  test("the namespace matches in any casing and is answered in its canonical casing with its resource types", async () => {
    const provider = bodyOf(await emulator.request("GET", providerPath("MICROSOFT.hybridcompute")));
    expect(provider.namespace).toBe("Microsoft.HybridCompute");
    expect(provider.registrationState).toBe("Registered");
    const types = provider.resourceTypes?.map((t) => t.resourceType);
    expect(types).toEqual(
      expect.arrayContaining(["machines", "gateways", "settings", "machines/runCommands"]),
    );
    const machines = provider.resourceTypes?.find((t) => t.resourceType === "machines");
    expect(machines?.apiVersions).toContain("2025-01-13");
    expect(machines?.locations).toContain("West Europe");

    const connectivity = bodyOf(await emulator.request("GET", providerPath("Microsoft.HybridConnectivity")));
    expect(connectivity.resourceTypes?.map((t) => t.resourceType)).toEqual(
      expect.arrayContaining(["endpoints", "endpoints/serviceConfigurations"]),
    );
  });

  test("an unknown namespace is refused with 404 InvalidResourceNamespace", async () => {
    const unknown = await emulator.request("GET", providerPath("Microsoft.Contoso"));
    expect(unknown.status).toBe(404);
    expect(bodyOf(unknown).error).toEqual({
      code: "InvalidResourceNamespace",
      message: "The resource namespace 'Microsoft.Contoso' is invalid.",
    });
    const register = await emulator.request("POST", providerPath("NoDotsHere", "/register"));
    expect(register.status).toBe(404);
  });

  test("unregister goes through Unregistering to NotRegistered", async () => {
    const unregister = await emulator.request("POST", providerPath("Microsoft.HybridCompute", "/unregister"));
    expect(unregister.status).toBe(200);
    expect(bodyOf(unregister).registrationState).toBe("Unregistering");
    await clock.advance(emulator.timings.providerRegistrationMs);
    expect(await registrationState("Microsoft.HybridCompute")).toBe("NotRegistered");
  });

  test("a preset registration state wins over a registration still in flight", async () => {
    await emulator.request("POST", providerPath("Microsoft.HybridConnectivity", "/register"));
    presetProviderRegistration(
      emulator.state,
      subscriptionId,
      "microsoft.hybridconnectivity",
      "NotRegistered",
    );
    await clock.advance(emulator.timings.providerRegistrationMs);
    expect(await registrationState("Microsoft.HybridConnectivity")).toBe("NotRegistered");
  });
});
