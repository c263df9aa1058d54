import { retryAfterMs, toArmError } from "../../shared/azure/armErrors";
import {
  ConflictError,
  ensureErrorType,
  isRetryableError,
  NotFoundError,
  PermissionError,
  PreconditionError,
  QuotaError,
  ThrottledError,
  TransientArmError,
  UnexpectedArmError,
  ValidationError,
} from "../../shared/errors";

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] });
const envelope = (code: string, message = "m") => ({ error: { code, message } });

describe("ARM error envelopes become typed errors", () => {
  test("403 AuthorizationFailed names the missing action and its scope, and is not retryable", () => {
    const error = toArmError({
      status: 403,
      body: envelope(
        "AuthorizationFailed",
        "The client 'abc' with object id 'abc' does not have authorization to perform action 'Microsoft.HybridConnectivity/register/action' over scope '/subscriptions/1111' or the scope is invalid.",
      ),
      headers: headers({ "x-ms-correlation-request-id": "corr-7" }),
    });
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({
      action: "Microsoft.HybridConnectivity/register/action",
      scope: "/subscriptions/1111",
      isRetryable: false,
      correlationId: "corr-7",
    });
    expect(error.message).toContain("Microsoft.HybridConnectivity/register/action");
  });

  test("409 MissingSubscriptionRegistration is a precondition naming the namespace", () => {
    const error = toArmError({
      status: 409,
      body: envelope(
        "MissingSubscriptionRegistration",
        "The subscription is not registered to use namespace 'Microsoft.HybridConnectivity'.",
      ),
    });
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error.message).toContain("Microsoft.HybridConnectivity");
  });

  test.each([
    [404, "ResourceNotFound", NotFoundError, false],
    [409, "Conflict", ConflictError, false],
    [409, "AnotherOperationInProgress", ConflictError, true],
    [409, "QuotaExceeded", QuotaError, false],
    [400, "ResourceQuotaExceeded", QuotaError, false],
    [400, "InvalidRequestContent", ValidationError, false],
    [500, "InternalServerError", TransientArmError, true],
    [503, "ServiceUnavailable", TransientArmError, true],
    [418, "Teapot", UnexpectedArmError, false],
  ] as const)("%i %s → %p (retryable: %p)", (status, code, type, retryable) => {
    const error = toArmError({ status, body: envelope(code) });
    expect(error).toBeInstanceOf(type);
    expect(error.isRetryable).toBe(retryable);
    expect(isRetryableError(error)).toBe(retryable);
    expect(error.code).toBe(code);
  });

  test("429 is a retryable ThrottledError carrying Retry-After", () => {
    const error = toArmError({
      status: 429,
      body: envelope("SubscriptionRequestsThrottled"),
      headers: headers({ "retry-after": "17" }),
    });
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(17_000);
  });

  test("a body that is not ARM's envelope still gives a typed error with the status", () => {
    const error = toArmError({ status: 404, body: "<html>", method: "GET", url: "https://x/a?b=c" });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe("Http404");
    expect(error.message).toContain("(GET https://x/a)");
    expect(error.message).not.toContain("b=c");
  });

  test("Retry-After is read in seconds, as an HTTP date, or as x-ms-retry-after-ms", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs(headers({ "retry-after": "5" }), now)).toBe(5000);
    expect(retryAfterMs(headers({ "retry-after": new Date(now + 9000).toUTCString() }), now)).toBe(9000);
    expect(retryAfterMs(headers({ "x-ms-retry-after-ms": "250", "retry-after": "5" }), now)).toBe(250);
    expect(retryAfterMs(headers({ "retry-after": "soon" }), now)).toBeUndefined();
  });

  test("ensureErrorType turns anything thrown into an Error", () => {
    const original = new Error("x");
    expect(ensureErrorType(original)).toBe(original);
    expect(ensureErrorType("boom").message).toContain("boom");
    expect(ensureErrorType({ a: 1 }).message).toContain('{"a":1}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(ensureErrorType(circular)).toBeInstanceOf(Error);
    expect(isRetryableError(new Error("plain"))).toBe(false);
  });
});
