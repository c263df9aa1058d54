import type { InvocationContext } from "@azure/functions";
import type { OrchestrationContext, Task } from "durable-functions";
import * as df from "durable-functions";

import {
  ActivityContractError,
  activityRetryOptions,
  callActivity,
  parseActivityResult,
} from "../../orchestrations/activity";
import { type Capability, registerCapabilities } from "../../orchestrations/capability";
import { drift } from "../../orchestrations/drift";
import { gateways } from "../../orchestrations/gateways";
import { readGatewayState } from "../../orchestrations/gateways/gatewayActivities";
import { machines } from "../../orchestrations/machines";
import { onboarding } from "../../orchestrations/onboarding";
import { putSshServiceConfiguration } from "../../orchestrations/onboarding/connectivityActivities";
import { planOnboarding } from "../../orchestrations/onboarding/planOnboarding";
import { readProviderState, registerProvider } from "../../orchestrations/onboarding/providerActivities";
import { orchestratorNames } from "../../orchestrations/orchestratorNames";
import { sharedOperations } from "../../orchestrations/sharedOperation";
import { readSettings } from "../../shared/config";
import { testMachineId } from "../support/armTestbed";

const machineId = testMachineId("web-01");

/** Just enough of an orchestration context to see what callActivity schedules. */
function fakeContext() {
  const scheduled: { name: string; retry?: df.RetryOptions; input: unknown }[] = [];
  const task = {} as Task;
  const context = {
    df: {
      callActivity: (name: string, input: unknown) => {
        scheduled.push({ name, input });
        return task;
      },
      callActivityWithRetry: (name: string, retry: df.RetryOptions, input: unknown) => {
        scheduled.push({ name, retry, input });
        return task;
      },
    },
  } as unknown as OrchestrationContext;
  return { context, scheduled, task };
}

/** What functions/durableFunctions.ts registers. */
const capabilities: readonly Capability[] = [sharedOperations, machines, onboarding, gateways, drift];
const activities = capabilities.flatMap((c) => c.activities);

describe("the activity definitions", () => {
  test("every activity has a unique versioned name", () => {
    const names = activities.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][A-Za-z]+_v\d+$/);
  });

  test("shipped names never change (histories replay against them): add a _v2 beside them instead", () => {
    // Every name that has shipped is still registered; a new activity needs no edit here.
    expect(activities.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        "beginCreateGateway_v1",
        "readGatewayOperation_v1",
        "attachGateway_v1",
        "planDetach_v1",
        "clearGatewayLink_v1",
        "beginRunCommand_v1",
        "readRunCommand_v1",
        "registerProvider_v1",
        "readProviderState_v1",
        "putDefaultEndpoint_v1",
        "putSshServiceConfiguration_v1",
        "deleteSshServiceConfiguration_v1",
        "planOnboarding_v1",
        "readGatewayState_v1",
        "joinGatewayCreation_v1",
        "joinProviderRegistration_v1",
        "readSharedOperation_v1",
        "releaseWaiters_v1",
        "publishOutcome_v1",
      ]),
    );
    expect(capabilities.flatMap((c) => c.orchestrators.map((o) => o.name)).sort()).toEqual(
      Object.values(orchestratorNames).sort(),
    );
    expect(orchestratorNames).toMatchObject({
      onboardMachine: "onboardMachine_v1",
      gatewayCreation: "gatewayCreation_v1",
      providerRegistration: "providerRegistration_v1",
      detachMachine: "detachMachine_v1",
    });
  });

  test("only the coordination activities need a durable client (shared operations, the onboard runbook's starts and reads, the drift sweep's memory, records and idle retirements)", () => {
    expect(
      activities
        .filter((a) => a.needs === "durableClient")
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      "joinGatewayCreation_v1",
      "joinProviderRegistration_v1",
      "readIdleRetirements_v1",
      "readOnboardingRecords_v1",
      "readOnboardings_v1",
      "readPreviousSweep_v1",
      "readSharedOperation_v1",
      "recordLatestSweep_v1",
      "releaseWaiters_v1",
      "startOnboardings_v1",
    ]);
  });

  test("a well-formed output passes; malformed ones are rejected naming the path, never the value", () => {
    expect(parseActivityResult(readProviderState, { ok: true, value: { state: "Registered" } })).toEqual({
      ok: true,
      value: { state: "Registered" },
    });
    const malformed = [
      { ok: true, value: { state: 42 } },
      { ok: true, value: { state: "Registered", token: "s3cret-token" } },
      { ok: true },
      { state: "Registered" },
      undefined,
      { ok: false, error: { code: "Throttled", message: "later", kind: "ThrottledError", retryable: true } },
    ];
    for (const raw of malformed) {
      expect(() => parseActivityResult(readProviderState, raw)).toThrow(ActivityContractError);
    }
    try {
      parseActivityResult(readProviderState, {
        ok: true,
        value: { state: "Registered", token: "s3cret-token" },
      });
    } catch (error) {
      expect(error).toMatchObject({
        code: "InvalidActivityOutput",
        isRetryable: false,
        activity: "readProviderState_v1",
      });
      expect((error as Error).message).not.toContain("s3cret-token");
      expect((error as Error).message).toContain("token");
    }
  });

  test("a non-retryable failure envelope is accepted as data", () => {
    const failure = {
      ok: false,
      error: {
        code: "AuthorizationFailed",
        message: "Missing permission",
        kind: "PermissionError",
        retryable: false,
        statusCode: 403,
        action: "Microsoft.HybridConnectivity/register/action",
        scope: "/subscriptions/x",
      },
    };
    expect(parseActivityResult(registerProvider, failure)).toEqual(failure);
  });

  test("callActivity schedules the versioned name with the retry policy and validates what comes back", () => {
    const { context, scheduled, task } = fakeContext();
    const gatewayId = `${machineId.split("/providers/")[0]}/providers/Microsoft.HybridCompute/gateways/gw-1`;
    const call = callActivity(context, readGatewayState, { gatewayId });
    expect(call.next().value).toBe(task);
    expect(scheduled).toEqual([
      { name: "readGatewayState_v1", retry: expect.any(df.RetryOptions) as unknown, input: { gatewayId } },
    ]);
    const done = call.next({ ok: true, value: { exists: false } });
    expect(done).toEqual({ done: true, value: { ok: true, value: { exists: false } } });

    const malformed = callActivity(context, planOnboarding, { machineId });
    malformed.next();
    expect(() => malformed.next({ ok: true, value: { plan: { kind: "steps", machineId } } })).toThrow(
      ActivityContractError,
    );
  });

  test("callActivity refuses an input outside the contract before scheduling anything", () => {
    const { context, scheduled } = fakeContext();
    const call = callActivity(context, putSshServiceConfiguration, { machineId, port: 0 });
    expect(() => call.next()).toThrow(/port/);
    expect(scheduled).toEqual([]);
  });

  test("callActivity without retry uses callActivity", () => {
    const { context, scheduled } = fakeContext();
    callActivity(
      context,
      readProviderState,
      { subscriptionId: "s", namespace: "n" },
      { retry: false },
    ).next();
    expect(scheduled).toEqual([
      { name: "readProviderState_v1", input: { subscriptionId: "s", namespace: "n" } },
    ]);
  });

  test("the retry policy backs off and gives up in minutes (longer waits belong in durable timers)", () => {
    expect(activityRetryOptions()).toMatchObject({
      firstRetryIntervalInMilliseconds: 5_000,
      maxNumberOfAttempts: 5,
      backoffCoefficient: 2,
      maxRetryIntervalInMilliseconds: 120_000,
      retryTimeoutInMilliseconds: 900_000,
    });
  });
});

describe("registerCapabilities", () => {
  afterEach(() => jest.restoreAllMocks());

  test("registers every orchestrator and activity by its versioned name and builds the Azure deps once, on first use", async () => {
    const registered = new Map<string, (input: unknown, context: InvocationContext) => Promise<unknown>>();
    const orchestrations: string[] = [];
    jest.spyOn(df.app, "orchestration").mockImplementation((name) => {
      orchestrations.push(name);
      return {} as ReturnType<typeof df.app.orchestration>;
    });
    jest.spyOn(df.app, "activity").mockImplementation((name, options) => {
      registered.set(
        name,
        options.handler as (input: unknown, context: InvocationContext) => Promise<unknown>,
      );
      return {} as ReturnType<typeof df.app.activity>;
    });
    const deps = jest.fn(() => ({
      settings: readSettings({}),
      arm: { endpoint: "https://example.invalid" } as never,
    }));
    registerCapabilities(capabilities, deps);
    expect([...registered.keys()].sort()).toEqual(activities.map((a) => a.name).sort());
    expect(orchestrations.sort()).toEqual(Object.values(orchestratorNames).sort());
    expect(deps).not.toHaveBeenCalled();

    const warn = jest.fn();
    const context = { warn } as unknown as InvocationContext;
    const handler = registered.get("planOnboarding_v1")!;
    await expect(handler({ machineId: "not-an-id" }, context)).resolves.toMatchObject({
      ok: false,
      error: { code: "InvalidActivityInput" },
    });
    await handler({}, context);
    await registered.get("readGatewayState_v1")!({}, context);
    expect(deps).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("planOnboarding_v1 failed (not retried)"));
  });
});
