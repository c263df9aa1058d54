// Errors the emulator answers with, in ARM's envelope: {"error":{"code","message"}}.
// Handlers throw these; the server turns them into responses. Codes are ARM's own.

export class ArmHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const armErrors = {
  notFound: (type: string, name: string, resourceGroup?: string) =>
    new ArmHttpError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}'${resourceGroup ? ` under resource group '${resourceGroup}'` : ""} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  parentNotFound: (what: string) =>
    new ArmHttpError(
      404,
      "ParentResourceNotFound",
      `Failed to perform the operation: parent resource '${what}' was not found.`,
    ),
  routeNotFound: (method: string, path: string) =>
    new ArmHttpError(
      404,
      "NotFound",
      `No HTTP resource was found that matches the request URI '${method} ${path}'.`,
    ),
  methodNotAllowed: (method: string, path: string) =>
    new ArmHttpError(
      405,
      "MethodNotAllowed",
      `The requested resource does not support http method '${method}' on '${path}'.`,
    ),
  missingApiVersion: () =>
    new ArmHttpError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    ),
  unsupportedApiVersion: (apiVersion: string, resourceType: string, supported: readonly string[]) =>
    new ArmHttpError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${resourceType}'. The supported api-versions are '${supported.join(", ")}'.`,
    ),
  invalidJson: (detail: string) =>
    new ArmHttpError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${detail}'.`,
    ),
  invalidBody: (detail: string) =>
    new ArmHttpError(400, "InvalidRequestContent", `The request content was invalid: ${detail}`),
  invalidName: (kind: string, name: string, rule: string) =>
    new ArmHttpError(400, "InvalidResourceName", `The ${kind} name '${name}' is invalid. ${rule}`),
  badRequest: (code: string, message: string) => new ArmHttpError(400, code, message),
  conflict: (code: string, message: string) => new ArmHttpError(409, code, message),
  unauthenticated: (why: string) =>
    new ArmHttpError(401, "AuthenticationFailed", `Authentication failed. ${why}`),
  authorizationFailed: (principalId: string, action: string, scope: string) =>
    new ArmHttpError(
      403,
      "AuthorizationFailed",
      `The client '${principalId}' with object id '${principalId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ),
  missingRegistration: (namespace: string) =>
    new ArmHttpError(
      409,
      "MissingSubscriptionRegistration",
      `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`,
    ),
  quotaExceeded: (message: string) => new ArmHttpError(409, "QuotaExceeded", message),
  throttled: (retryAfterSeconds: number, subscriptionId: string, headers: Record<string, string>) =>
    new ArmHttpError(
      429,
      "SubscriptionRequestsThrottled",
      `Number of requests for subscription '${subscriptionId}' exceeded the limit. Please try again after '${retryAfterSeconds}' seconds.`,
      { ...headers, "retry-after": String(retryAfterSeconds) },
    ),
  payloadTooLarge: (limit: number) =>
    new ArmHttpError(
      413,
      "RequestEntityTooLarge",
      `The request content exceeds the limit of ${limit} bytes.`,
    ),
  internal: () =>
    new ArmHttpError(500, "InternalServerError", "Encountered internal server error. Please try again."),
  unavailable: () =>
    new ArmHttpError(
      503,
      "ServiceUnavailable",
      "The service is currently unavailable. Please try again later.",
      {
        "retry-after": "5",
      },
    ),
};
