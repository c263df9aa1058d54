import { readSettings } from "../../shared/config";
import { ConfigurationError } from "../../shared/errors";

describe("settings", () => {
  test("defaults point at public Azure with ARM's audience", () => {
    expect(readSettings({})).toMatchObject({
      AZURE_RESOURCE_MANAGER_ENDPOINT: "https://management.azure.com",
      AZURE_RESOURCE_MANAGER_AUDIENCE: "https://management.azure.com/.default",
      ARC_ARM_MAX_RETRIES: 4,
      ARC_ARM_MAX_RETRY_AFTER_SECONDS: 60,
    });
  });

  test("an endpoint override (the emulator) is accepted without its trailing slash", () => {
    expect(
      readSettings({ AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:8443/" })
        .AZURE_RESOURCE_MANAGER_ENDPOINT,
    ).toBe("https://127.0.0.1:8443");
  });

  test.each([
    [{ AZURE_RESOURCE_MANAGER_ENDPOINT: "http://management.azure.com" }, "AZURE_RESOURCE_MANAGER_ENDPOINT"],
    [{ AZURE_RESOURCE_MANAGER_ENDPOINT: "https://x/path" }, "AZURE_RESOURCE_MANAGER_ENDPOINT"],
    [
      { ARC_ARM_MAX_RETRIES: "eleven" },
      "ARC_ARM_MAX_RETRIES ('eleven'): must be a whole number from 0 to 10",
    ],
    [{ ARC_ARM_MAX_RETRIES: "11" }, "ARC_ARM_MAX_RETRIES"],
    [{ AZURE_RESOURCE_MANAGER_AUDIENCE: "https://management.azure.com" }, "AZURE_RESOURCE_MANAGER_AUDIENCE"],
  ])("a bad value fails with the variable's name: %j", (env, expected) => {
    expect(() => readSettings(env)).toThrow(ConfigurationError);
    expect(() => readSettings(env)).toThrow(expected);
  });

  test("every problem is reported at once", () => {
    expect(() => readSettings({ ARC_ARM_MAX_RETRIES: "-1", ARC_ARM_MAX_RETRY_AFTER_SECONDS: "x" })).toThrow(
      /ARC_ARM_MAX_RETRIES.*ARC_ARM_MAX_RETRY_AFTER_SECONDS/,
    );
  });
});
