import { createHttpHeaders } from "@azure/core-rest-pipeline";

import { createArmContext } from "../../shared/azure/armContext";
import { operationStateOf } from "../../shared/azure/azureStates";
import { operationHandleFrom, startFromPut } from "../../shared/azure/longRunningOperation";

const resourceId = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/gateways/gw1";
const statusUrl = `https://management.azure.com/subscriptions/s1/providers/Microsoft.HybridCompute/locations/eastus/operationstatus/op1?api-version=2025-01-13&t=1&c=${"x".repeat(4000)}`;
const resultUrl =
  "https://management.azure.com/subscriptions/s1/providers/Microsoft.HybridCompute/locations/eastus/operationresults/op1?api-version=2025-01-13";

const response = (headers: Record<string, string>) => ({ headers: createHttpHeaders(headers) });

describe("operation handles from a 201/202", () => {
  test("Azure-AsyncOperation is preferred over Location, and the URL is kept whole", () => {
    const handle = operationHandleFrom(
      response({ "Azure-AsyncOperation": statusUrl, Location: resultUrl, "Retry-After": "200" }),
      resourceId,
    );
    expect(handle).toEqual({
      resourceId,
      monitorUrl: statusUrl,
      monitorKind: "azure-asyncoperation",
      retryAfterSeconds: 200,
    });
    expect(handle?.monitorUrl).toHaveLength(statusUrl.length);
  });

  test("Location alone gives a location monitor", () => {
    expect(operationHandleFrom(response({ location: resultUrl }), resourceId)).toEqual({
      resourceId,
      monitorUrl: resultUrl,
      monitorKind: "location",
    });
  });

  test("a Retry-After given as an HTTP date becomes whole seconds from now", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const handle = operationHandleFrom(
      response({ location: resultUrl, "retry-after": new Date(now + 29_500).toUTCString() }),
      resourceId,
      now,
    );
    expect(handle?.retryAfterSeconds).toBe(29);
  });

  test("a response without monitor headers has no handle", () => {
    expect(operationHandleFrom(response({ "retry-after": "10" }), resourceId)).toBeUndefined();
  });

  test("a handle survives a JSON round trip, as it must across a Durable activity", () => {
    const handle = operationHandleFrom(response({ "azure-asyncoperation": statusUrl }), resourceId);
    expect(JSON.parse(JSON.stringify(handle))).toEqual(handle);
  });
});

describe("operation states", () => {
  test.each([
    ["Succeeded", "succeeded"],
    ["succeeded", "succeeded"],
    ["Failed", "failed"],
    ["Canceled", "canceled"],
    ["Cancelled", "canceled"],
    ["Queued", "running"],
    ["InProgress", "running"],
    ["Accepted", "running"],
    ["Creating", "running"],
    ["Deleting", "running"],
    ["SomethingNew", "running"],
  ])("%s is %s", (raw, state) => {
    expect(operationStateOf(raw)).toBe(state);
  });
});

describe("how a long-running PUT started", () => {
  // Never sends anything: startFromPut only reads the response and the context's endpoint and clock.
  const context = createArmContext({
    endpoint: "https://management.azure.com",
    credential: { getToken: () => Promise.resolve(null) },
    now: () => Date.UTC(2026, 0, 1),
  });
  const put = (
    status: number,
    provisioningState: string | undefined,
    headers: Record<string, string> = {},
  ) => ({
    status,
    headers: createHttpHeaders(headers),
    body: provisioningState ? { properties: { provisioningState } } : {},
  });

  test("a 201 with a monitor is running, polled through that monitor", () => {
    const start = startFromPut(
      context,
      put(201, "Creating", { "azure-asyncoperation": statusUrl }),
      resourceId,
      "2025-01-13",
      "gw",
    );
    expect(start).toMatchObject({
      done: false,
      operation: { monitorKind: "azure-asyncoperation" },
      result: "gw",
    });
  });

  test("a 200 whose resource has Succeeded, or has no provisioningState at all, is done", () => {
    expect(startFromPut(context, put(200, "Succeeded"), resourceId, "2025-01-13", "gw")).toEqual({
      done: true,
      result: "gw",
    });
    expect(startFromPut(context, put(200, undefined), resourceId, "2025-01-13", "gw")).toEqual({
      done: true,
      result: "gw",
    });
  });

  test("a resource still Creating with no monitor header is polled through its own provisioningState", () => {
    const start = startFromPut(context, put(200, "Creating"), resourceId, "2025-01-13", "gw");
    expect(start).toEqual({
      done: false,
      result: "gw",
      operation: {
        resourceId,
        monitorKind: "provisioning-state",
        monitorUrl: `https://management.azure.com${resourceId}?api-version=2025-01-13`,
      },
    });
  });
});
