import type { InvocationContext } from "@azure/functions";
import type { OrchestrationContext, Task } from "durable-functions";
import * as df from "durable-functions";

import {
  ActivityContractError,
  activityMap,
  activityRetryOptions,
  callActivity,
  parseActivityResult,
} from "../../orchestrations/activityMap";
import { registerOnboardingActivities } from "../../orchestrations/registerActivities";
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

describe("the activity map", () => {
  test("every activity has a unique versioned name", () => {
    const names = Object.values(activityMap).map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const [key, definition] of Object.entries(activityMap)) {
      expect(definition.name).toMatch(new RegExp(`^${key}_v\\d+$`));
    }
  });

  test("shipped names never change (histories replay against them): add a _v2 beside them instead", () => {
    expect(Object.fromEntries(Object.entries(activityMap).map(([key, a]) => [key, a.name]))).toEqual({
      observeMachine: "observeMachine_v1",
      beginCreateGateway: "beginCreateGateway_v1",
      readGatewayOperation: "readGatewayOperation_v1",
      attachGateway: "attachGateway_v1",
      planDetach: "planDetach_v1",
      clearGatewayLink: "clearGatewayLink_v1",
      beginRunCommand: "beginRunCommand_v1",
      readRunCommand: "readRunCommand_v1",
      registerProvider: "registerProvider_v1",
      readProviderState: "readProviderState_v1",
      putDefaultEndpoint: "putDefaultEndpoint_v1",
      putSshServiceConfiguration: "putSshServiceConfiguration_v1",
      deleteSshServiceConfiguration: "deleteSshServiceConfiguration_v1",
      planOnboarding: "planOnboarding_v1",
      readGatewayState: "readGatewayState_v1",
      joinGatewayCreation: "joinGatewayCreation_v1",
      joinProviderRegistration: "joinProviderRegistration_v1",
      readSharedOperation: "readSharedOperation_v1",
      releaseWaiters: "releaseWaiters_v1",
      publishOutcome: "publishOutcome_v1",
    });
  });

  test("a well-formed output passes; malformed ones are rejected naming the path, never the value", () => {
    expect(parseActivityResult("readProviderState", { ok: true, value: { state: "Registered" } })).toEqual({
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
      expect(() => parseActivityResult("readProviderState", raw)).toThrow(ActivityContractError);
    }
    try {
      parseActivityResult("readProviderState", {
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
    expect(parseActivityResult("registerProvider", failure)).toEqual(failure);
  });

  test("callActivity schedules the versioned name with the retry policy and validates what comes back", () => {
    const { context, scheduled, task } = fakeContext();
    const call = callActivity(context, "observeMachine", { machineId });
    expect(call.next().value).toBe(task);
    expect(scheduled).toEqual([
      { name: "observeMachine_v1", retry: expect.any(df.RetryOptions) as unknown, input: { machineId } },
    ]);
    const done = call.next({ ok: true, value: { machineId } });
    expect(done).toEqual({ done: true, value: { ok: true, value: { machineId } } });

    const malformed = callActivity(context, "observeMachine", { machineId });
    malformed.next();
    expect(() => malformed.next({ ok: true, value: { machineId, machine: { id: machineId } } })).toThrow(
      ActivityContractError,
    );
  });

  test("callActivity refuses an input outside the contract before scheduling anything", () => {
    const { context, scheduled } = fakeContext();
    const call = callActivity(context, "putSshServiceConfiguration", { machineId, port: 0 });
    expect(() => call.next()).toThrow(/port/);
    expect(scheduled).toEqual([]);
  });

  test("callActivity without retry uses callActivity", () => {
    const { context, scheduled } = fakeContext();
    callActivity(
      context,
      "readProviderState",
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

describe("registerOnboardingActivities", () => {
  afterEach(() => jest.restoreAllMocks());

  test("registers every activity by its versioned name and builds its deps once, on first use", async () => {
    const registered = new Map<string, (input: unknown, context: InvocationContext) => Promise<unknown>>();
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
    registerOnboardingActivities(deps);
    expect([...registered.keys()].sort()).toEqual(
      Object.values(activityMap)
        .map((a) => a.name)
        .sort(),
    );
    expect(deps).not.toHaveBeenCalled();

    const warn = jest.fn();
    const context = { warn } as unknown as InvocationContext;
    const handler = registered.get("observeMachine_v1")!;
    await expect(handler({ machineId: "not-an-id" }, context)).resolves.toMatchObject({
      ok: false,
      error: { code: "InvalidActivityInput" },
    });
    await handler({}, context);
    expect(deps).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("observeMachine_v1 failed (not retried)"));
  });
});
