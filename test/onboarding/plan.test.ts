import { runScript } from "../../local/emulator/providers/hybridCompute/simulatedAgent";
import type { OnboardingPlan, OnboardingSteps, OnboardingStop } from "../../shared/onboarding/onboardingPlan";
import { planOnboarding } from "../../shared/onboarding/plan";
import type { OnboardingStep } from "../../shared/onboarding/steps";
import { gatewayResourceId } from "../../shared/resourceId";
import {
  defaultPolicy,
  gatewayId,
  machine,
  machineId,
  observation,
  onboarded,
  policyWith,
  subscriptionId,
} from "./fixtures";

function kinds(plan: OnboardingPlan): string[] {
  return asSteps(plan).steps.map((step) => step.kind);
}

function asSteps(plan: OnboardingPlan): OnboardingSteps {
  if (plan.kind !== "steps") throw new Error(`expected steps, got ${plan.outcome}: ${plan.reason}`);
  return plan;
}

function asStop(plan: OnboardingPlan): OnboardingStop {
  if (plan.kind !== "stop")
    throw new Error(`expected a stop, got steps ${plan.steps.map((s) => s.kind).join(",")}`);
  return plan;
}

function step<K extends OnboardingStep["kind"]>(
  plan: OnboardingPlan,
  kind: K,
): Extract<OnboardingStep, { kind: K }> {
  const found = asSteps(plan).steps.find((s) => s.kind === kind);
  if (!found) throw new Error(`no ${kind} step`);
  return found as Extract<OnboardingStep, { kind: K }>;
}

describe("planning a machine's onboarding: what is still missing", () => {
  test("a fully onboarded machine plans no steps, so nothing is sent to Azure", () => {
    expect(planOnboarding(onboarded(), defaultPolicy)).toEqual({
      kind: "steps",
      machineId,
      steps: [],
      warnings: [],
    });
  });

  test("a new machine in a region with a ready gateway: attach, endpoint and SSH configuration only", () => {
    const plan = planOnboarding(observation(), defaultPolicy);
    expect(kinds(plan)).toEqual(["attachGateway", "createDefaultEndpoint", "createSshServiceConfiguration"]);
    expect(step(plan, "attachGateway")).toEqual({ kind: "attachGateway", machineId, gatewayId });
    expect(step(plan, "createSshServiceConfiguration").port).toBe(22);
  });

  test("no gateway and no provider: both slow operations begin first, then the waits, then the writes", () => {
    const plan = planOnboarding(
      observation({
        gatewayPlacement: { create: { gatewayId, location: "eastus" } },
        targetGateway: undefined,
        providerState: "NotRegistered",
      }),
      defaultPolicy,
    );
    expect(kinds(plan)).toEqual([
      "createGateway",
      "registerProvider",
      "waitForGateway",
      "attachGateway",
      "waitForProvider",
      "createDefaultEndpoint",
      "createSshServiceConfiguration",
    ]);
    expect(step(plan, "createGateway")).toEqual({
      kind: "createGateway",
      gatewayId,
      location: "eastus",
      deadlineMinutes: 120,
    });
    expect(step(plan, "waitForGateway").deadlineMinutes).toBe(120);
    expect(step(plan, "registerProvider")).toEqual({
      kind: "registerProvider",
      subscriptionId,
      namespace: "Microsoft.HybridConnectivity",
    });
  });

  test.each([
    ["Creating", ["waitForGateway", "attachGateway"]],
    ["Accepted", ["waitForGateway", "attachGateway"]],
    ["Updating", ["waitForGateway", "attachGateway"]],
    ["Succeeded", ["attachGateway"]],
    ["Failed", ["createGateway", "waitForGateway", "attachGateway"]],
    ["Canceled", ["createGateway", "waitForGateway", "attachGateway"]],
  ])("a gateway that is %s is waited for or re-created as needed", (state, expected) => {
    const plan = planOnboarding(
      onboarded({ gatewayLink: undefined, targetGateway: { id: gatewayId, provisioningState: state } }),
      defaultPolicy,
    );
    expect(kinds(plan)).toEqual(expected);
  });

  test("a gateway being created by another machine's onboarding is only waited for, never created twice", () => {
    const plan = planOnboarding(
      onboarded({
        gatewayLink: undefined,
        gatewayPlacement: { create: { gatewayId, location: "eastus" } },
        targetGateway: { id: gatewayId.toUpperCase(), provisioningState: "Creating" },
      }),
      defaultPolicy,
    );
    expect(kinds(plan)).toEqual(["waitForGateway", "attachGateway"]);
  });

  test("a placement to use a gateway that was not read is waited for (the wait reads Azure once)", () => {
    const plan = planOnboarding(
      onboarded({ gatewayLink: undefined, targetGateway: undefined }),
      defaultPolicy,
    );
    expect(kinds(plan)).toEqual(["waitForGateway", "attachGateway"]);
  });

  test("a machine attached to any gateway stays on it: it is never moved", () => {
    const other = gatewayResourceId({ subscriptionId, resourceGroup: "ops", gatewayName: "hand-made" });
    expect(
      kinds(planOnboarding(onboarded({ gatewayLink: other, gatewayPlacement: undefined }), defaultPolicy)),
    ).toEqual([]);
  });

  test("a gateway setting that is not a gateway id is replaced, with a warning", () => {
    const plan = asSteps(planOnboarding(onboarded({ gatewayLink: "not-an-id" }), defaultPolicy));
    expect(plan.steps.map((s) => s.kind)).toEqual(["attachGateway"]);
    expect(plan.warnings.join()).toMatch(/not-an-id.*not a gateway id/);
  });

  test("a gateway quota failure stops the plan as failed with the placement's message", () => {
    const stop = asStop(
      planOnboarding(
        observation({
          gatewayPlacement: { failed: { code: "GatewayQuotaExceeded", message: "five gateways already" } },
        }),
        defaultPolicy,
      ),
    );
    expect(stop).toMatchObject({
      outcome: "failed",
      code: "GatewayPlacementFailed",
      reason: "five gateways already",
    });
  });

  test("an unattached machine without an observed placement is a failure, not a guess", () => {
    expect(asStop(planOnboarding(observation({ gatewayPlacement: undefined }), defaultPolicy))).toMatchObject(
      {
        outcome: "failed",
        code: "GatewayNotPlaced",
      },
    );
  });

  describe("the agent's switch to the gateway", () => {
    test("an agent 1.45 machine gets the connection.type Run Command; 1.55 does not", () => {
      const old = planOnboarding(
        observation({ machine: machine({ agentVersion: "1.45.02812.1511" }) }),
        defaultPolicy,
      );
      expect(kinds(old)).toEqual([
        "attachGateway",
        "switchAgentToGateway",
        "createDefaultEndpoint",
        "createSshServiceConfiguration",
      ]);
      expect(step(old, "switchAgentToGateway")).toEqual({
        kind: "switchAgentToGateway",
        machineId,
        gatewayId,
        location: "eastus",
        osType: "linux",
        agentVersion: "1.45.02812.1511",
        runCommandName: "arc-autopilot-connection-type",
        script: "azcmagent config set connection.type gateway",
      });
      expect(kinds(planOnboarding(observation(), defaultPolicy))).not.toContain("switchAgentToGateway");
    });

    test.each([
      ["1.50.99999.9999", true],
      ["1.50", true],
      ["1.51", false],
      ["1.51.00000.0", false],
      ["2.0", false],
    ])(
      "agent %s needs the Run Command: %s (agents ≤ 1.50 do, ≥ 1.51 switch by themselves)",
      (agentVersion, needed) => {
        const plan = planOnboarding(observation({ machine: machine({ agentVersion }) }), defaultPolicy);
        expect(kinds(plan).includes("switchAgentToGateway")).toBe(needed);
      },
    );

    test("a Windows agent gets the PowerShell form of the command", () => {
      const plan = planOnboarding(
        observation({
          machine: machine({
            agentVersion: "1.48",
            osType: "windows",
            osName: "Windows Server 2022 Datacenter",
            osVersion: "10.0.20348",
          }),
        }),
        defaultPolicy,
      );
      expect(step(plan, "switchAgentToGateway").script).toBe(
        '& "$env:ProgramW6432\\AzureConnectedMachineAgent\\azcmagent.exe" config set connection.type gateway',
      );
    });

    test("an attached old agent is assumed switched, unless it is known to still be direct", () => {
      const attachedOld = onboarded({ machine: machine({ agentVersion: "1.45" }) });
      expect(kinds(planOnboarding(attachedOld, defaultPolicy))).toEqual([]);
      const plan = planOnboarding({ ...attachedOld, agentConnectionType: "direct" }, defaultPolicy);
      expect(kinds(plan)).toEqual(["switchAgentToGateway"]);
      expect(step(plan, "switchAgentToGateway").gatewayId).toBe(gatewayId);
    });

    test("the auto-switch version comes from the policy", () => {
      const plan = planOnboarding(observation(), policyWith({ ARC_AGENT_AUTO_SWITCH_VERSION: "1.60" }));
      expect(kinds(plan)).toContain("switchAgentToGateway");
    });
  });

  describe("the provider", () => {
    test.each([
      ["Registered", []],
      ["registered", []],
      ["Registering", ["waitForProvider"]],
      ["NotRegistered", ["registerProvider", "waitForProvider"]],
      ["Unregistering", ["registerProvider", "waitForProvider"]],
      [undefined, ["registerProvider", "waitForProvider"]],
    ])("state %s plans %j", (providerState, expected) => {
      expect(kinds(planOnboarding(onboarded({ providerState }), defaultPolicy))).toEqual(expected);
    });
  });

  describe("the SSH endpoint and service configuration", () => {
    test("an existing SSH configuration on port 2222 is repaired by delete and recreate", () => {
      const plan = planOnboarding(
        onboarded({
          sshServiceConfiguration: { serviceName: "SSH", port: 2222, provisioningState: "Succeeded" },
        }),
        defaultPolicy,
      );
      expect(asSteps(plan).steps).toEqual([
        {
          kind: "repairSshServiceConfiguration",
          machineId,
          port: 22,
          currentPort: 2222,
          reason: "it allows port 2222",
        },
      ]);
    });

    test("with ARC_SSH_PORT 2222 the same configuration is already right", () => {
      const observed = onboarded({ sshServiceConfiguration: { serviceName: "SSH", port: 2222 } });
      expect(kinds(planOnboarding(observed, policyWith({ ARC_SSH_PORT: "2222" })))).toEqual([]);
    });

    test.each([
      [{ serviceName: "SSH" }, "it has no port"],
      [{ serviceName: "SSH", port: 22, provisioningState: "Failed" }, "its provisioning Failed"],
      [{ serviceName: "WAC", port: 22 }, "it is for service WAC"],
    ])("a configuration %j is repaired: %s", (sshServiceConfiguration, reason) => {
      expect(
        step(
          planOnboarding(onboarded({ sshServiceConfiguration }), defaultPolicy),
          "repairSshServiceConfiguration",
        ).reason,
      ).toBe(reason);
    });

    test("a missing endpoint is created together with its configuration, whatever was read for it", () => {
      expect(kinds(planOnboarding(onboarded({ defaultEndpoint: undefined }), defaultPolicy))).toEqual([
        "createDefaultEndpoint",
        "createSshServiceConfiguration",
      ]);
      expect(
        kinds(planOnboarding(onboarded({ defaultEndpoint: { provisioningState: "Failed" } }), defaultPolicy)),
      ).toEqual(["createDefaultEndpoint", "createSshServiceConfiguration"]);
    });

    test("an endpoint without a configuration gets only the configuration", () => {
      expect(kinds(planOnboarding(onboarded({ sshServiceConfiguration: undefined }), defaultPolicy))).toEqual(
        ["createSshServiceConfiguration"],
      );
    });
  });

  describe("the agent's incoming ports (agents that predate service-configuration ports)", () => {
    // Below 1.31 the SSH port must also be in the agent's own incomingconnections.ports.
    const oldAgent = (ports: string[], overrides = {}) =>
      onboarded({
        machine: machine(
          { agentVersion: "1.20.02151.1134", ...overrides },
          { incomingConnectionsPorts: ports },
        ),
      });

    test("old agent with ports [3389] gets ports 3389,22, and the agent really ends with both", () => {
      const plan = planOnboarding(oldAgent(["3389"]), defaultPolicy);
      const open = step(plan, "openSshPort");
      expect(open).toMatchObject({
        currentPorts: ["3389"],
        ports: ["3389", "22"],
        runCommandName: "arc-autopilot-ssh-port",
        script: "azcmagent config set incomingconnections.ports 3389,22",
      });
      const outcome = runScript(open.script, {
        osType: "linux",
        status: "Connected",
        agentVersion: "1.20.02151.1134",
        connectionType: "gateway",
        incomingConnectionsPorts: ["3389"],
      });
      expect(outcome.changes.incomingConnectionsPorts).toEqual(["3389", "22"]);
    });

    test("an old agent that already allows 22 needs nothing", () => {
      expect(kinds(planOnboarding(oldAgent(["22", "3389"]), defaultPolicy))).toEqual([]);
      expect(kinds(planOnboarding(oldAgent(["022"]), defaultPolicy))).toEqual([]);
    });

    test("a new agent takes the port from the service configuration: no Run Command", () => {
      const plan = planOnboarding(
        onboarded({ machine: machine({}, { incomingConnectionsPorts: ["3389"] }) }),
        defaultPolicy,
      );
      expect(kinds(plan)).toEqual([]);
    });

    test("from 1.31 on the agent's ports are never rewritten: agent 1.35 with [3389] gets no Run Command", () => {
      const plan = planOnboarding(oldAgent(["3389"], { agentVersion: "1.35.02478.1194" }), defaultPolicy);
      expect(kinds(plan)).toEqual([]);
    });

    test("an old agent that reports no ports is left alone, with a warning naming the local command", () => {
      const plan = asSteps(planOnboarding(oldAgent([]), defaultPolicy));
      expect(plan.steps).toEqual([]);
      expect(plan.warnings.join()).toContain("sudo azcmagent config set incomingconnections.ports 22 --add");
    });

    test("ports it cannot read are never rewritten: needs-local-action with --add", () => {
      const stop = asStop(planOnboarding(oldAgent(["3389", "5000-6000"]), defaultPolicy));
      expect(stop).toMatchObject({ outcome: "needs-local-action", code: "UnreadablePorts" });
      expect(stop.localAction?.commands).toEqual([
        "sudo azcmagent config set incomingconnections.ports 22 --add",
      ]);
    });

    test("a custom SSH port is what gets added", () => {
      const plan = planOnboarding(oldAgent(["3389"]), policyWith({ ARC_SSH_PORT: "2222" }));
      expect(step(plan, "openSshPort").ports).toEqual(["3389", "2222"]);
    });

    test("the threshold comes from ARC_SERVICE_CONFIG_PORTS_VERSION", () => {
      expect(
        kinds(planOnboarding(oldAgent(["3389"]), policyWith({ ARC_SERVICE_CONFIG_PORTS_VERSION: "1.15" }))),
      ).toEqual([]);
    });
  });
});

describe("planning a machine's onboarding: prerequisites that stop it", () => {
  test.each<[string, Parameters<typeof observation>[0], Record<string, string>, Partial<OnboardingStop>]>([
    [
      "a machine outside every scope is skipped",
      {},
      { ARC_SCOPES: "/subscriptions/00000000-0000-4000-8000-0000000000ff" },
      { outcome: "skipped", code: "OutOfScope" },
    ],
    [
      "a machine outside the scoped resource group is skipped",
      {},
      { ARC_SCOPES: `/subscriptions/${subscriptionId}/resourceGroups/rg-elsewhere` },
      { outcome: "skipped", code: "OutOfScope" },
    ],
    [
      "with no scopes configured nothing is onboarded",
      {},
      { ARC_SCOPES: "" },
      { outcome: "skipped", code: "NoScopes" },
    ],
    [
      "a deleted machine is skipped",
      { machine: undefined },
      {},
      { outcome: "skipped", code: "MachineNotFound" },
    ],
    [
      "a machine tagged arc-autopilot:opt-out is skipped",
      { machine: machine({ tags: { "Arc-Autopilot": "opt-out" } }) },
      {},
      { outcome: "skipped", code: "OptedOut" },
    ],
    [
      "a disconnected machine is pending, and the orchestrator may wait for it first",
      { machine: machine({ status: "Disconnected", lastStatusChange: "2025-05-01T10:00:00Z" }) },
      {},
      {
        outcome: "pending",
        code: "NotConnected",
        waitFor: { condition: "machineConnected", maxMinutes: 15 },
      },
    ],
    [
      "a machine with no agent version yet is pending",
      { machine: machine({ agentVersion: undefined }) },
      {},
      { outcome: "pending", code: "AgentVersionUnknown" },
    ],
    [
      "a machine reporting a garbage agent version fails, never compares NaN",
      { machine: machine({ agentVersion: "latest" }) },
      {},
      { outcome: "failed", code: "InvalidAgentVersion" },
    ],
    [
      "an Ubuntu 22.04 machine is skipped when ARC_OS_POLICY is skip",
      { machine: machine({ osVersion: "22.04", osSku: "Ubuntu 22.04.4 LTS" }) },
      { ARC_OS_POLICY: "skip" },
      { outcome: "skipped", code: "UnsupportedOs" },
    ],
  ])("%s", (_story, overrides, env, expected) => {
    const stop = asStop(planOnboarding(observation(overrides), policyWith(env)));
    expect(stop).toMatchObject(expected);
  });

  test("with ARC_CONNECT_WAIT_MINUTES 0 a machine awaiting connection is pending at once, without a wait", () => {
    const stop = asStop(
      planOnboarding(
        observation({ machine: machine({ status: "AwaitingConnection" }) }),
        policyWith({ ARC_CONNECT_WAIT_MINUTES: "0" }),
      ),
    );
    expect(stop).toMatchObject({ outcome: "pending", code: "NotConnected" });
    expect(stop.waitFor).toBeUndefined();
  });

  test("a disconnected machine is told what resumes it, and the stop carries no steps", () => {
    const stop = asStop(
      planOnboarding(observation({ machine: machine({ status: "Disconnected" }) }), defaultPolicy),
    );
    expect(stop).not.toHaveProperty("steps");
    expect(stop.reason).toBe(
      "The machine is Disconnected, not Connected; onboarding looks again every 5 minutes for up to 15 minutes, and after that the onboard runbook (POST /api/machines/onboard) or a new write to the machine (a tag change, for one) starts it again",
    );
  });

  test("scope comes before existence: an out-of-scope id is never reported as missing", () => {
    const stop = asStop(
      planOnboarding(
        observation({ machine: undefined }),
        policyWith({ ARC_SCOPES: "/subscriptions/00000000-0000-4000-8000-0000000000ff" }),
      ),
    );
    expect(stop.code).toBe("OutOfScope");
  });

  test("an Ubuntu 22.04 machine is onboarded with a warning by default (the current doc has no OS list)", () => {
    const plan = asSteps(
      planOnboarding(
        onboarded({ machine: machine({ osVersion: "22.04", osSku: "Ubuntu 22.04.4 LTS" }) }),
        defaultPolicy,
      ),
    );
    expect(plan.steps).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.stringMatching(/Ubuntu 22\.04 is outside the supported Ubuntu versions \(16\.04–20\.04\)/),
    ]);
  });

  describe("agent below the minimum: needs-local-action with the upgrade", () => {
    test("agent 1.38 cannot use a gateway: SSH over Arc is still set up, and the run asks for the upgrade with apt", () => {
      const plan = asSteps(
        planOnboarding(observation({ machine: machine({ agentVersion: "1.38.02543.1001" }) }), defaultPolicy),
      );
      expect(plan.steps.map((s) => s.kind)).toEqual([
        "createDefaultEndpoint",
        "createSshServiceConfiguration",
      ]);
      expect(plan.followUp).toEqual({
        code: "AgentTooOldForGateway",
        reason:
          "Agent 1.38.02543.1001 is too old: use an Arc gateway needs 1.40 or later; SSH over Arc is set up, and the next onboarding run attaches the gateway once the agent is upgraded",
        localAction: expect.objectContaining({
          osType: "linux",
          commands: ["sudo apt update", "sudo apt upgrade azcmagent"],
        }) as unknown,
      });
    });

    test("agent 1.12 misses both minimums, and both are named", () => {
      const stop = asStop(
        planOnboarding(observation({ machine: machine({ agentVersion: "1.12" }) }), defaultPolicy),
      );
      expect(stop.reason).toBe(
        "Agent 1.12 is too old: use an Arc gateway needs 1.40 or later; serve SSH over Arc needs 1.13.21320.014 or later",
      );
    });

    test("1.40 exactly is enough (1.40 = 1.40.0.0)", () => {
      expect(
        planOnboarding(observation({ machine: machine({ agentVersion: "1.40" }) }), defaultPolicy).kind,
      ).toBe("steps");
    });

    test("a raised SSH minimum stops an agent the gateway minimum allows", () => {
      const stop = asStop(
        planOnboarding(
          observation({ machine: machine({ agentVersion: "1.45" }) }),
          policyWith({ ARC_MIN_AGENT_VERSION_SSH: "1.50" }),
        ),
      );
      expect(stop.reason).toBe("Agent 1.45 is too old: serve SSH over Arc needs 1.50 or later");
    });

    test("a Windows machine gets the MSI upgrade", () => {
      const plan = asSteps(
        planOnboarding(
          observation({
            machine: machine({
              agentVersion: "1.30",
              osType: "windows",
              osName: "Windows Server 2019",
              osVersion: "10.0.17763",
            }),
          }),
          defaultPolicy,
        ),
      );
      expect(plan.followUp?.localAction.commands).toEqual([
        "Invoke-WebRequest -UseBasicParsing -Uri https://aka.ms/AzureConnectedMachineAgent -OutFile AzureConnectedMachineAgent.msi",
        "msiexec.exe /i AzureConnectedMachineAgent.msi /qn /l*v azcmagentupgradesetup.log",
      ]);
    });
  });

  describe("monitor mode and Run Command restrictions", () => {
    test("a machine in monitor mode that needs a Run Command is needs-local-action with `azcmagent config set config.mode full`", () => {
      const stop = asStop(
        planOnboarding(
          observation({ machine: machine({ agentVersion: "1.45" }, { configMode: "monitor" }) }),
          defaultPolicy,
        ),
      );
      expect(stop).toMatchObject({
        outcome: "needs-local-action",
        code: "MonitorMode",
        localAction: { osType: "linux", commands: ["sudo azcmagent config set config.mode full"] },
      });
    });

    test("monitor mode stops even a new agent before any write: it disables remote connectivity", () => {
      const stop = asStop(
        planOnboarding(
          observation({
            machine: machine(
              { osType: "windows", osName: "Windows Server 2022", osVersion: "10.0.20348" },
              { configMode: "Monitor" },
            ),
          }),
          defaultPolicy,
        ),
      );
      expect(stop).toMatchObject({
        code: "MonitorMode",
        localAction: { osType: "windows", commands: ["azcmagent config set config.mode full"] },
      });
    });

    test("an allow-list without the Run Command handler stops an old agent that needs one", () => {
      const stop = asStop(
        planOnboarding(
          observation({
            machine: machine(
              { agentVersion: "1.45" },
              {
                extensionsAllowList: [
                  { publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent" },
                ],
              },
            ),
          }),
          defaultPolicy,
        ),
      );
      expect(stop).toMatchObject({
        outcome: "needs-local-action",
        code: "RunCommandBlocked",
        blockedSteps: ["switchAgentToGateway"],
        localAction: {
          commands: [
            'sudo azcmagent config set extensions.allowlist "Microsoft.CPlat.Core/RunCommandHandlerLinux" --add',
          ],
        },
      });
      expect(stop.reason).toContain("lacks Microsoft.CPlat.Core/RunCommandHandlerLinux");
    });

    test("the same allow-list does not stop a new agent that needs no Run Command", () => {
      const plan = planOnboarding(
        observation({
          machine: machine(
            {},
            {
              extensionsAllowList: [{ publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent" }],
            },
          ),
        }),
        defaultPolicy,
      );
      expect(kinds(plan)).toEqual([
        "attachGateway",
        "createDefaultEndpoint",
        "createSshServiceConfiguration",
      ]);
    });

    test("disabled extensions and a blocked handler are each fixed by their own command", () => {
      const stop = asStop(
        planOnboarding(
          onboarded({
            machine: machine(
              { agentVersion: "1.20" },
              {
                incomingConnectionsPorts: ["3389"],
                extensionsEnabled: false,
                extensionsBlockList: [{ publisher: "microsoft.cplat.core", type: "runcommandhandlerlinux" }],
              },
            ),
          }),
          defaultPolicy,
        ),
      );
      expect(stop.blockedSteps).toEqual(["openSshPort"]);
      expect(stop.localAction?.commands).toEqual([
        "sudo azcmagent config set extensions.enabled true",
        'sudo azcmagent config set extensions.blocklist "Microsoft.CPlat.Core/RunCommandHandlerLinux" --remove',
      ]);
    });

    test("an allow-list naming the handler (in any casing) lets the Run Command through", () => {
      const plan = planOnboarding(
        observation({
          machine: machine(
            { agentVersion: "1.45" },
            { extensionsAllowList: [{ publisher: "Microsoft.Cplat.Core", type: "RunCommandHandlerLinux" }] },
          ),
        }),
        defaultPolicy,
      );
      expect(kinds(plan)).toContain("switchAgentToGateway");
    });

    test("a Run Command for a machine with no OS type fails: there is no shell to write a script for", () => {
      const stop = asStop(
        planOnboarding(
          observation({ machine: machine({ agentVersion: "1.45", osType: undefined }) }),
          policyWith({ ARC_OS_POLICY: "warn" }),
        ),
      );
      expect(stop).toMatchObject({ outcome: "failed", code: "UnknownOsType" });
    });
  });
});
