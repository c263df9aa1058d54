import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";

import { fromRestError } from "../../shared/azure/sdkErrors";
import { PermissionError, ThrottledError, TransientArmError } from "../../shared/errors";

const request = createPipelineRequest({
  url: "https://management.azure.com/subscriptions/s1/providers/Microsoft.HybridConnectivity/register?api-version=2025-04-01",
  method: "POST",
});

function sdkError(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  asText = true,
): RestError {
  const error = body as { error?: { code?: string; message?: string } };
  return new RestError(error.error?.message ?? "failed", {
    statusCode: status,
    ...(error.error?.code ? { code: error.error.code } : {}),
    request,
    response: {
      status,
      request,
      headers: createHttpHeaders(headers),
      ...(asText ? { bodyAsText: JSON.stringify(body) } : {}),
    },
  });
}

describe("Azure SDK errors as typed errors", () => {
  test("a 403 names the missing action and its scope, and where it happened without the query", () => {
    const error = fromRestError(
      sdkError(403, {
        error: {
          code: "AuthorizationFailed",
          message:
            "The client 'x' with object id 'x' does not have authorization to perform action 'Microsoft.HybridConnectivity/register/action' over scope '/subscriptions/s1' or the scope is invalid.",
        },
      }),
      0,
    );
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({
      action: "Microsoft.HybridConnectivity/register/action",
      scope: "/subscriptions/s1",
    });
    expect((error as Error).message).not.toContain("api-version");
  });

  test("a client that keeps only code and message (the REST-level clients) still maps by code and status", () => {
    const error = fromRestError(
      sdkError(
        429,
        { error: { code: "RateLimiting", message: "Too many requests" } },
        { "retry-after": "5" },
        false,
      ),
      0,
    );
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ code: "RateLimiting", retryAfterMs: 5_000 });
  });

  test("a request that never got an answer is transient", () => {
    const error = fromRestError(new RestError("socket hang up", { code: "ECONNRESET", request }), 0);
    expect(error).toBeInstanceOf(TransientArmError);
    expect(error).toMatchObject({ code: "ECONNRESET", isRetryable: true });
  });

  test("anything that is not a RestError passes through unchanged", () => {
    const original = new TypeError("bug");
    expect(fromRestError(original, 0)).toBe(original);
  });
});
