import { z } from "zod";

import { failNextGatewayCreations } from "../../local/emulator/providers/hybridCompute/gateways";
import {
  type ActivityContract,
  type ActivityDefinition,
  type ActivityOutput,
  type ActivityResult,
  type AzureDeps,
  defineActivity,
  parseActivityResult,
  runActivity,
} from "../../orchestrations/activity";
import { azureDeps } from "../../orchestrations/capability";
import { gateways } from "../../orchestrations/gateways";
import type {
  attachGateway,
  beginCreateGateway,
  readGatewayOperation,
} from "../../orchestrations/gateways/gatewayActivities";
import { machines } from "../../orchestrations/machines";
import { type MachineObservation, observeMachine } from "../../orchestrations/machines/observeMachine";
import type { beginRunCommand, readRunCommand } from "../../orchestrations/machines/runCommandActivities";
import { onboarding } from "../../orchestrations/onboarding";
import type {
  deleteSshServiceConfiguration,
  putDefaultEndpoint,
  putSshServiceConfiguration,
} from "../../orchestrations/onboarding/connectivityActivities";
import type { readProviderState, registerProvider } from "../../orchestrations/onboarding/providerActivities";
import { connectionTypeScript } from "../../shared/azure/agentCommands";
import { readSettings } from "../../shared/config";
import { planOnboarding } from "../../shared/onboarding/plan";
import { hybridConnectivityNamespace } from "../../shared/onboarding/policy";
import { onboardingPolicyFrom } from "../../shared/onboarding/policy";
import { defaultEndpointId, machineSettingsId, serviceConfigurationId } from "../../shared/resourceId";
import { resourceIdField } from "../../shared/validation/fields";
import {
  connectTestMachine,
  testGatewayId,
  testLocation,
  testSubscriptionId,
  useArmTestbed,
} from "../support/armTestbed";
import { recordTraffic, type TrafficRecorder } from "./trafficRecorder";

const settings = readSettings({ ARC_SCOPES: `/subscriptions/${testSubscriptionId}` });

/** The observation the planners share, run at the activity boundary like an activity (it is a function, not one). */
const observe = defineActivity({
  name: "observeMachineUnderTest_v1",
  needs: "azure",
  input: z.strictObject({ machineId: resourceIdField }),
  output: z.custom<MachineObservation>(),
  handler: observeMachine,
});

const definitions: Record<string, ActivityDefinition> = Object.fromEntries(
  [...machines.activities, ...onboarding.activities, ...gateways.activities].map((d) => [
    d.name.replace(/_v\d+$/, ""),
    d,
  ]),
);
definitions.observeMachine = observe;
/** The definition of each activity by its short name, as the tests call them. */
type Definitions = {
  readonly observeMachine: typeof observe;
  readonly beginCreateGateway: typeof beginCreateGateway;
  readonly readGatewayOperation: typeof readGatewayOperation;
  readonly attachGateway: typeof attachGateway;
  readonly beginRunCommand: typeof beginRunCommand;
  readonly readRunCommand: typeof readRunCommand;
  readonly registerProvider: typeof registerProvider;
  readonly readProviderState: typeof readProviderState;
  readonly putDefaultEndpoint: typeof putDefaultEndpoint;
  readonly putSshServiceConfiguration: typeof putSshServiceConfiguration;
  readonly deleteSshServiceConfiguration: typeof deleteSshServiceConfiguration;
};
type ActivityKey = keyof Definitions;
type Activities = {
  readonly [K in ActivityKey]: (input: unknown) => Promise<ActivityResult<ActivityOutput<Definitions[K]>>>;
};

function bind(deps: AzureDeps): Activities {
  return new Proxy({} as Activities, {
    get: (_, key: string) => (input: unknown) => runActivity(definitions[key]!, deps, input),
  });
}

/** The value of a successful result, checked against the activity's contract like an orchestrator would. */
function valueOf<K extends ActivityKey>(key: K, result: unknown): ActivityOutput<Definitions[K]> {
  const checked = parseActivityResult(definitions[key] as ActivityContract as Definitions[K], result);
  if (!checked.ok) throw new Error(`${key} failed: ${checked.error.code} ${checked.error.message}`);
  return checked.value;
}

describe("onboarding activities against the emulator", () => {
  const testbed = useArmTestbed();
  let activities: Activities;
  let traffic: TrafficRecorder;

  beforeEach(() => {
    activities = bind(azureDeps({ arm: testbed.context, settings }));
    traffic = recordTraffic(testbed.emulator);
  });

  const stored = (id: string) => testbed.emulator.state.getResource(id);
  const writes = (mark: number) => traffic.since(mark).filter((e) => e.method !== "GET");

  async function registerHybridConnectivity(): Promise<void> {
    valueOf(
      "registerProvider",
      await activities.registerProvider({
        subscriptionId: testSubscriptionId,
        namespace: hybridConnectivityNamespace,
      }),
    );
    await testbed.clock.advance(testbed.emulator.timings.providerRegistrationMs);
  }

  describe("observeMachine", () => {
    test("a new machine: the fields the planner reads, and the planner accepts them", async () => {
      const machineId = connectTestMachine(testbed, { name: "web-01", incomingConnectionsPorts: ["3389"] });
      const observed = valueOf("observeMachine", await activities.observeMachine({ machineId }));
      expect(observed).toEqual({
        machineId,
        machine: expect.objectContaining({
          id: machineId,
          status: "Connected",
          agentVersion: "1.52.03132.2125",
          osType: "linux",
          location: testLocation,
        }) as unknown,
        providerState: "NotRegistered",
      });
      expect(observed.machine?.agentConfiguration.incomingConnectionsPorts).toEqual(["3389"]);
      // Before the provider is registered the endpoint is not read (ARM would answer 409, not 404).
      expect(traffic.exchanges().filter((e) => e.path.includes("HybridConnectivity/endpoints"))).toEqual([]);

      const plan = planOnboarding(observed, onboardingPolicyFrom(settings));
      expect(plan.kind).toBe("stop"); // no gateway placement observed yet: the planner says so
      expect(plan).toMatchObject({ code: "GatewayNotPlaced" });
    });

    test("a fully onboarded machine: gateway link, endpoint and SSH configuration are observed", async () => {
      const machineId = connectTestMachine(testbed, { name: "web-02" });
      await registerHybridConnectivity();
      const gatewayId = testGatewayId("gw-west");
      const gateway = valueOf(
        "beginCreateGateway",
        await activities.beginCreateGateway({ gatewayId, location: testLocation }),
      );
      expect(gateway.created).toBe(true);
      await testbed.clock.advance(
        testbed.emulator.timings.gatewayCreateMs + testbed.emulator.timings.operationQueuedMs,
      );
      valueOf("attachGateway", await activities.attachGateway({ machineId, gatewayId }));
      valueOf("putDefaultEndpoint", await activities.putDefaultEndpoint({ machineId }));
      valueOf(
        "putSshServiceConfiguration",
        await activities.putSshServiceConfiguration({ machineId, port: 22 }),
      );

      const observed = valueOf("observeMachine", await activities.observeMachine({ machineId }));
      expect(observed).toMatchObject({
        gatewayLink: gatewayId,
        providerState: "Registered",
        defaultEndpoint: {},
        sshServiceConfiguration: { serviceName: "SSH", port: 22 },
      });
      const plan = planOnboarding(observed, onboardingPolicyFrom(settings));
      expect(plan).toMatchObject({ kind: "steps", steps: [] });
    });

    test("a deleted machine is observed as absent, with one GET and nothing else", async () => {
      const machineId = connectTestMachine(testbed, { name: "gone-01" });
      await testbed.emulator.request("DELETE", `${machineId}?api-version=2025-01-13`);
      const mark = traffic.mark();
      const result = await activities.observeMachine({ machineId });
      expect(result).toEqual({ ok: true, value: { machineId } });
      expect(traffic.since(mark)).toEqual([{ method: "GET", path: machineId, status: 404 }]);
      expect(planOnboarding(valueOf("observeMachine", result), onboardingPolicyFrom(settings))).toMatchObject(
        {
          code: "MachineNotFound",
        },
      );
    });

    test("a proxy URL with credentials never reaches the output", async () => {
      const machineId = connectTestMachine(testbed, {
        name: "proxy-01",
        proxyUrl: "http://user:s3cret@proxy.contoso.com:3128",
      });
      const observed = valueOf("observeMachine", await activities.observeMachine({ machineId }));
      expect(JSON.stringify(observed)).not.toContain("s3cret");
      expect(observed.machine?.agentConfiguration.proxyUrl).toContain("proxy.contoso.com:3128");
    });
  });

  describe("gateway creation", () => {
    test("begin PUTs once and never waits; a second begin sends no PUT; reading is one GET each", async () => {
      const gatewayId = testGatewayId("gw-west");
      const mark = traffic.mark();
      const first = valueOf(
        "beginCreateGateway",
        await activities.beginCreateGateway({ gatewayId, location: testLocation }),
      );
      expect(first).toMatchObject({ gatewayId, created: true, done: false });
      expect(writes(mark)).toEqual([{ method: "PUT", path: gatewayId, status: 201 }]);
      const createdAt = stored(gatewayId)!.updatedAt;

      const again = traffic.mark();
      const second = valueOf(
        "beginCreateGateway",
        await activities.beginCreateGateway({ gatewayId, location: testLocation }),
      );
      expect(second).toMatchObject({
        gatewayId,
        created: false,
        done: false,
        operation: { monitorKind: "provisioning-state" },
      });
      expect(writes(again)).toEqual([]);
      expect(stored(gatewayId)!.updatedAt).toBe(createdAt);

      const read = traffic.mark();
      expect(
        valueOf(
          "readGatewayOperation",
          await activities.readGatewayOperation({ operation: first.operation! }),
        ),
      ).toMatchObject({
        state: "running",
      });
      expect(traffic.since(read)).toHaveLength(1);

      await testbed.clock.advance(
        testbed.emulator.timings.gatewayCreateMs + testbed.emulator.timings.operationQueuedMs,
      );
      expect(
        valueOf(
          "readGatewayOperation",
          await activities.readGatewayOperation({ operation: first.operation! }),
        ),
      ).toMatchObject({
        state: "succeeded",
      });
      expect(
        valueOf(
          "readGatewayOperation",
          await activities.readGatewayOperation({ operation: second.operation! }),
        ),
      ).toMatchObject({
        state: "succeeded",
      });
      const done = valueOf(
        "beginCreateGateway",
        await activities.beginCreateGateway({ gatewayId, location: testLocation }),
      );
      expect(done).toEqual({ gatewayId, created: false, provisioningState: "Succeeded", done: true });
    });

    test("a failed creation is reported by the read, and the next begin PUTs again in place", async () => {
      failNextGatewayCreations(testbed.emulator.state, 1);
      const gatewayId = testGatewayId("gw-fail");
      const first = valueOf(
        "beginCreateGateway",
        await activities.beginCreateGateway({ gatewayId, location: testLocation }),
      );
      await testbed.clock.advance(
        testbed.emulator.timings.gatewayCreateMs + testbed.emulator.timings.operationQueuedMs,
      );
      const status = valueOf(
        "readGatewayOperation",
        await activities.readGatewayOperation({ operation: first.operation! }),
      );
      expect(status).toMatchObject({ state: "failed", error: { code: "GatewayProvisioningFailed" } });

      const mark = traffic.mark();
      const retry = valueOf(
        "beginCreateGateway",
        await activities.beginCreateGateway({ gatewayId, location: testLocation }),
      );
      expect(retry).toMatchObject({ created: true, done: false });
      expect(writes(mark)).toHaveLength(1);
    });
  });

  describe("machine writes", () => {
    test("attachGateway links the machine; twice leaves the settings exactly as they were", async () => {
      const machineId = connectTestMachine(testbed, { name: "app-01" });
      const gatewayId = testGatewayId("gw-west");
      valueOf(
        "beginCreateGateway",
        await activities.beginCreateGateway({ gatewayId, location: testLocation }),
      );
      await testbed.clock.advance(
        testbed.emulator.timings.gatewayCreateMs + testbed.emulator.timings.operationQueuedMs,
      );

      expect(valueOf("attachGateway", await activities.attachGateway({ machineId, gatewayId }))).toEqual({
        gatewayResourceId: gatewayId,
      });
      const after = structuredClone(stored(machineSettingsId(machineId))!.body);
      expect(after).toMatchObject({ properties: { gatewayProperties: { gatewayResourceId: gatewayId } } });
      const resources = testbed.emulator.state.allResources().length;

      await activities.attachGateway({ machineId, gatewayId });
      expect(stored(machineSettingsId(machineId))!.body).toEqual(after);
      expect(testbed.emulator.state.allResources()).toHaveLength(resources);
    });

    test("beginRunCommand starts the script once; a second call sees it running or done and starts nothing", async () => {
      const machineId = connectTestMachine(testbed, { name: "old-01", agentVersion: "1.45.02664.1607" });
      const input = {
        machineId,
        runCommandName: "arc-autopilot-connection-type",
        location: testLocation,
        script: connectionTypeScript("linux", "gateway"),
      };
      const mark = traffic.mark();
      const first = valueOf("beginRunCommand", await activities.beginRunCommand(input));
      expect(first).toMatchObject({ started: true, view: { state: "running" } });
      const second = valueOf("beginRunCommand", await activities.beginRunCommand(input));
      expect(second).toMatchObject({ started: false, view: { state: "running" } });
      expect(writes(mark).filter((e) => e.method === "PUT")).toHaveLength(1);

      await testbed.clock.advance(
        testbed.emulator.timings.operationQueuedMs + testbed.emulator.timings.runCommandMs,
      );
      const read = traffic.mark();
      const view = valueOf(
        "readRunCommand",
        await activities.readRunCommand({ machineId, runCommandName: input.runCommandName }),
      );
      expect(view).toMatchObject({ state: "succeeded", exitCode: 0 });
      expect(traffic.since(read)).toHaveLength(1);
      const done = valueOf("beginRunCommand", await activities.beginRunCommand(input));
      expect(done).toMatchObject({ started: false, view: { state: "succeeded" } });
      expect(writes(mark).filter((e) => e.method === "PUT")).toHaveLength(1);

      // Another script under the same name is a new run.
      const other = valueOf(
        "beginRunCommand",
        await activities.beginRunCommand({ ...input, script: connectionTypeScript("linux", "direct") }),
      );
      expect(other.started).toBe(true);
    });

    test("readRunCommand of a command that never ran is a NotFound failure, not retried", async () => {
      const machineId = connectTestMachine(testbed, { name: "none-01" });
      const result = await activities.readRunCommand({ machineId, runCommandName: "arc-autopilot-ssh-port" });
      expect(result).toMatchObject({
        ok: false,
        error: { kind: "NotFoundError", retryable: false, statusCode: 404 },
      });
    });
  });

  describe("provider and SSH", () => {
    test("registerProvider POSTs once; a second call while Registering sends nothing; readProviderState follows it", async () => {
      const input = { subscriptionId: testSubscriptionId, namespace: hybridConnectivityNamespace };
      const mark = traffic.mark();
      expect(valueOf("registerProvider", await activities.registerProvider(input))).toEqual({
        state: "Registering",
        registered: true,
      });
      expect(valueOf("registerProvider", await activities.registerProvider(input))).toEqual({
        state: "Registering",
        registered: false,
      });
      expect(writes(mark)).toEqual([
        {
          method: "POST",
          path: `/subscriptions/${testSubscriptionId}/providers/${hybridConnectivityNamespace}/register`,
          status: 200,
        },
      ]);
      await testbed.clock.advance(testbed.emulator.timings.providerRegistrationMs);
      expect(valueOf("readProviderState", await activities.readProviderState(input))).toEqual({
        state: "Registered",
      });
    });

    test("a 403 on register is a PermissionError naming the action and subscription, returned not thrown", async () => {
      testbed.emulator.state.denyRules = [{ action: "Microsoft.HybridConnectivity/register/action" }];
      const result = await activities.registerProvider({
        subscriptionId: testSubscriptionId,
        namespace: hybridConnectivityNamespace,
      });
      expect(result).toMatchObject({
        ok: false,
        error: {
          kind: "PermissionError",
          retryable: false,
          statusCode: 403,
          action: "Microsoft.HybridConnectivity/register/action",
          scope: expect.stringContaining(testSubscriptionId) as unknown,
        },
      });
      expect(parseActivityResult(definitions.registerProvider!, result).ok).toBe(false);
    });

    test("endpoint and SSH before the provider is registered: a Precondition failure, not retried", async () => {
      const machineId = connectTestMachine(testbed, { name: "early-01" });
      await expect(activities.putDefaultEndpoint({ machineId })).resolves.toMatchObject({
        ok: false,
        error: { kind: "PreconditionError", code: "MissingSubscriptionRegistration", retryable: false },
      });
    });

    test("endpoint and SSH configuration are created, twice changes nothing; a port change replaces; delete twice", async () => {
      const machineId = connectTestMachine(testbed, { name: "ssh-01" });
      await registerHybridConnectivity();
      expect(valueOf("putDefaultEndpoint", await activities.putDefaultEndpoint({ machineId }))).toMatchObject(
        {
          id: defaultEndpointId(machineId),
          type: "default",
        },
      );
      expect(
        valueOf(
          "putSshServiceConfiguration",
          await activities.putSshServiceConfiguration({ machineId, port: 22 }),
        ),
      ).toMatchObject({
        serviceName: "SSH",
        port: 22,
      });
      const sshId = serviceConfigurationId(machineId, "SSH");
      const endpointBody = structuredClone(stored(defaultEndpointId(machineId))!.body);
      const sshBody = structuredClone(stored(sshId)!.body);
      const resources = testbed.emulator.state.allResources().length;

      await activities.putDefaultEndpoint({ machineId });
      await activities.putSshServiceConfiguration({ machineId, port: 22 });
      expect(stored(defaultEndpointId(machineId))!.body).toEqual(endpointBody);
      expect(stored(sshId)!.body).toEqual(sshBody);
      expect(testbed.emulator.state.allResources()).toHaveLength(resources);

      expect(
        valueOf(
          "deleteSshServiceConfiguration",
          await activities.deleteSshServiceConfiguration({ machineId }),
        ),
      ).toEqual({
        outcome: "deleted",
      });
      expect(stored(sshId)).toBeUndefined();
      expect(
        valueOf(
          "deleteSshServiceConfiguration",
          await activities.deleteSshServiceConfiguration({ machineId }),
        ),
      ).toEqual({
        outcome: "alreadyGone",
      });
      valueOf(
        "putSshServiceConfiguration",
        await activities.putSshServiceConfiguration({ machineId, port: 2222 }),
      );
      expect(stored(sshId)!.body).toMatchObject({ properties: { port: 2222 } });
    });
  });

  describe("error classification", () => {
    test("a 503 that outlasts the client's retries is thrown (retryable) for the orchestrator's retry policy", async () => {
      const machineId = connectTestMachine(testbed, { name: "flaky-01" });
      const noRetries = bind(azureDeps({ arm: testbed.createContext({ maxRetries: 0 }), settings }));
      testbed.emulator.configureFaults({ rules: [{ method: "GET", status503Rate: 1 }] });
      await expect(noRetries.observeMachine({ machineId })).rejects.toMatchObject({
        name: "TransientArmError",
        isRetryable: true,
      });
    });

    test("an input outside the contract is a non-retryable validation failure, and nothing is sent", async () => {
      const mark = traffic.mark();
      const result = await activities.putSshServiceConfiguration({
        machineId: "/subscriptions/x/nope",
        port: 70000,
      });
      expect(result).toMatchObject({ ok: false, error: { code: "InvalidActivityInput", retryable: false } });
      expect(traffic.since(mark)).toEqual([]);
    });

    test("a malformed machine id inside the contract is a ValidationError, returned not thrown", async () => {
      const result = await activities.observeMachine({ machineId: "/subscriptions/abc/resourceGroups/rg" });
      expect(result).toMatchObject({ ok: false, error: { code: "InvalidResourceId", retryable: false } });
    });
  });
});
