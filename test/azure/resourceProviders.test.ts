import { getProviderRegistration, registerProvider } from "../../shared/azure/resourceProviders";
import { PermissionError } from "../../shared/errors";
import { testSubscriptionId, useArmTestbed } from "../support/armTestbed";

describe("resource provider registration", () => {
  const testbed = useArmTestbed();

  test("registering Microsoft.HybridConnectivity goes NotRegistered → Registering → Registered on virtual time", async () => {
    const namespace = "Microsoft.HybridConnectivity";
    await expect(getProviderRegistration(testbed.context, testSubscriptionId, namespace)).resolves.toBe(
      "NotRegistered",
    );

    await expect(registerProvider(testbed.context, testSubscriptionId, namespace)).resolves.toBe(
      "Registering",
    );
    await expect(getProviderRegistration(testbed.context, testSubscriptionId, namespace)).resolves.toBe(
      "Registering",
    );

    await testbed.clock.advance(testbed.emulator.timings.providerRegistrationMs);
    await expect(getProviderRegistration(testbed.context, testSubscriptionId, namespace)).resolves.toBe(
      "Registered",
    );
  });

  test("a provider already registered stays Registered when registered again", async () => {
    await expect(
      getProviderRegistration(testbed.context, testSubscriptionId, "Microsoft.HybridCompute"),
    ).resolves.toBe("Registered");
    await expect(
      registerProvider(testbed.context, testSubscriptionId, "Microsoft.HybridCompute"),
    ).resolves.toBe("Registered");
  });

  test("without register/action the SDK's 403 becomes a PermissionError naming the action and the subscription", async () => {
    testbed.emulator.state.denyRules = [
      {
        action: "Microsoft.HybridConnectivity/register/action",
        scope: `/subscriptions/${testSubscriptionId}`,
      },
    ];
    const registration = registerProvider(
      testbed.context,
      testSubscriptionId,
      "Microsoft.HybridConnectivity",
    );
    await expect(registration).rejects.toBeInstanceOf(PermissionError);
    await expect(registration).rejects.toMatchObject({
      action: "Microsoft.HybridConnectivity/register/action",
      scope: `/subscriptions/${testSubscriptionId}`,
      statusCode: 403,
      isRetryable: false,
    });
    await expect(registration).rejects.toThrow(/Microsoft\.HybridConnectivity\/register\/action/);
  });
});
