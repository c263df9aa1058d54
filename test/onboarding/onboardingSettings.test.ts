import { readSettings } from "../../shared/config";
import { ConfigurationError } from "../../shared/errors";
import { onboardingPolicyFrom } from "../../shared/onboarding/policy";

describe("onboarding settings and the policy built from them", () => {
  test("with nothing set, every default is the documented one and nothing is in scope", () => {
    expect(onboardingPolicyFrom(readSettings({}))).toEqual({
      scopes: [],
      optOutTag: { name: "arc-autopilot", value: "opt-out" },
      connectionTag: "arc-autopilot-connection",
      gateway: {
        resourceGroup: "arc-gateways",
        nameTemplate: "arc-gw-{location}",
        capacity: 2000,
        deadlineMinutes: 120,
      },
      agentVersions: {
        gatewayMinimum: "1.40",
        sshMinimum: "1.13.21320.014",
        autoSwitch: "1.51",
        serviceConfigurationPorts: "1.31",
      },
      osPolicy: "warn",
      sshPort: 22,
      connectWaitMinutes: 15,
    });
  });

  test("every setting is read, trimmed and typed", () => {
    const policy = onboardingPolicyFrom(
      readSettings({
        ARC_SCOPES:
          " /subscriptions/00000000-0000-4000-8000-0000000000a1 , /SUBSCRIPTIONS/00000000-0000-4000-8000-0000000000a2/resourcegroups/rg-a\n/subscriptions/00000000-0000-4000-8000-0000000000A1 ",
        ARC_OPT_OUT_TAG: "do-not-touch",
        ARC_CONNECTION_TAG: " Gateway-Choice ",
        ARC_GATEWAY_RESOURCE_GROUP: "rg-gw(prod)",
        ARC_GATEWAY_NAME_TEMPLATE: "gw.{location}.prod",
        ARC_GATEWAY_CAPACITY: "500",
        ARC_MIN_AGENT_VERSION_GATEWAY: "1.43",
        ARC_MIN_AGENT_VERSION_SSH: "1.31",
        ARC_AGENT_AUTO_SWITCH_VERSION: "1.51.0.0",
        ARC_SERVICE_CONFIG_PORTS_VERSION: "1.31",
        ARC_OS_POLICY: "SKIP",
        ARC_SSH_PORT: "2222",
        ARC_CONNECT_WAIT_MINUTES: "0",
        ARC_GATEWAY_DEADLINE_MINUTES: "240",
        ARC_OUTCOME_TOPIC_ENDPOINT: "https://outcomes.eastus-1.eventgrid.azure.net/api/events",
      }),
    );
    expect(policy).toEqual({
      scopes: [
        "/subscriptions/00000000-0000-4000-8000-0000000000a1",
        "/subscriptions/00000000-0000-4000-8000-0000000000a2/resourceGroups/rg-a",
      ],
      optOutTag: { name: "do-not-touch" },
      connectionTag: "Gateway-Choice",
      gateway: {
        resourceGroup: "rg-gw(prod)",
        nameTemplate: "gw.{location}.prod",
        capacity: 500,
        deadlineMinutes: 240,
      },
      agentVersions: {
        gatewayMinimum: "1.43",
        sshMinimum: "1.31",
        autoSwitch: "1.51.0.0",
        serviceConfigurationPorts: "1.31",
      },
      osPolicy: "skip",
      sshPort: 2222,
      connectWaitMinutes: 0,
      outcomeTopicEndpoint: "https://outcomes.eastus-1.eventgrid.azure.net/api/events",
    });
  });

  test("the policy is plain data: it survives JSON, as orchestration inputs must", () => {
    const policy = onboardingPolicyFrom(
      readSettings({ ARC_SCOPES: "/subscriptions/00000000-0000-4000-8000-0000000000a1" }),
    );
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
  });

  test.each([
    [
      { ARC_SCOPES: "/subscriptions/s1/providers/Microsoft.HybridCompute/machines/m1" },
      "ARC_SCOPES",
      /is not a scope/,
    ],
    [{ ARC_SCOPES: "s1" }, "ARC_SCOPES", /must start with \/subscriptions/],
    [{ ARC_OPT_OUT_TAG: "bad/name:x" }, "ARC_OPT_OUT_TAG", /is not a tag/],
    [{ ARC_CONNECTION_TAG: "bad?name" }, "ARC_CONNECTION_TAG", /must be a tag name/],
    [{ ARC_GATEWAY_RESOURCE_GROUP: "rg with spaces" }, "ARC_GATEWAY_RESOURCE_GROUP", /resource group name/],
    [{ ARC_GATEWAY_RESOURCE_GROUP: "ends-with-dot." }, "ARC_GATEWAY_RESOURCE_GROUP", /not ending in/],
    [{ ARC_GATEWAY_NAME_TEMPLATE: "arc-gw" }, "ARC_GATEWAY_NAME_TEMPLATE", /must contain \{location\}/],
    [
      { ARC_GATEWAY_NAME_TEMPLATE: "arc-{region}-{location}" },
      "ARC_GATEWAY_NAME_TEMPLATE",
      /only placeholder/,
    ],
    [{ ARC_GATEWAY_NAME_TEMPLATE: "arc gw {location}" }, "ARC_GATEWAY_NAME_TEMPLATE", /letters, digits/],
    [{ ARC_GATEWAY_CAPACITY: "0" }, "ARC_GATEWAY_CAPACITY", /1 to 2000/],
    [{ ARC_GATEWAY_CAPACITY: "2001" }, "ARC_GATEWAY_CAPACITY", /1 to 2000/],
    [{ ARC_MIN_AGENT_VERSION_GATEWAY: "one-forty" }, "ARC_MIN_AGENT_VERSION_GATEWAY", /agent version/],
    [{ ARC_MIN_AGENT_VERSION_SSH: "1.13.x" }, "ARC_MIN_AGENT_VERSION_SSH", /agent version/],
    [{ ARC_AGENT_AUTO_SWITCH_VERSION: "latest" }, "ARC_AGENT_AUTO_SWITCH_VERSION", /agent version/],
    [{ ARC_SERVICE_CONFIG_PORTS_VERSION: "1.2.3.4.5" }, "ARC_SERVICE_CONFIG_PORTS_VERSION", /agent version/],
    [{ ARC_OS_POLICY: "ignore" }, "ARC_OS_POLICY", /warn or skip/],
    [{ ARC_SSH_PORT: "65536" }, "ARC_SSH_PORT", /1 to 65535/],
    [{ ARC_CONNECT_WAIT_MINUTES: "-5" }, "ARC_CONNECT_WAIT_MINUTES", /0 to 1440/],
    [{ ARC_GATEWAY_DEADLINE_MINUTES: "10" }, "ARC_GATEWAY_DEADLINE_MINUTES", /15 to 1440/],
    [
      { ARC_OUTCOME_TOPIC_ENDPOINT: "http://topic.example/api/events" },
      "ARC_OUTCOME_TOPIC_ENDPOINT",
      /https URL/,
    ],
    [
      { ARC_OUTCOME_TOPIC_ENDPOINT: "https://topic.example/api/events?key=x" },
      "ARC_OUTCOME_TOPIC_ENDPOINT",
      /without query/,
    ],
  ])("a bad value fails with the variable's name: %j", (env, variable, message) => {
    expect(() => readSettings(env)).toThrow(ConfigurationError);
    expect(() => readSettings(env)).toThrow(variable);
    expect(() => readSettings(env)).toThrow(message);
  });

  test.each([
    ["/subscriptions/s1", /subscription GUID/],
    ["/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg.", /subscription GUID/],
    [
      "/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/" + "r".repeat(91),
      /subscription GUID/,
    ],
  ])("a scope that could match no machine is refused at start: %s", (scope, message) => {
    expect(() => readSettings({ ARC_SCOPES: scope })).toThrow(ConfigurationError);
    expect(() => readSettings({ ARC_SCOPES: scope })).toThrow(message);
  });

  test("every bad scope is reported, not only the first", () => {
    expect(() => readSettings({ ARC_SCOPES: "/subscriptions/ok,nope,/tenants/x" })).toThrow(
      /ARC_SCOPES.*nope.*ARC_SCOPES.*\/tenants\/x/,
    );
  });

  test("an empty outcome endpoint means none", () => {
    expect(readSettings({ ARC_OUTCOME_TOPIC_ENDPOINT: "  " }).ARC_OUTCOME_TOPIC_ENDPOINT).toBeUndefined();
  });
});
