// Maps ARM's error envelope (`{"error":{"code","message"}}`) onto the typed errors in
// shared/errors.ts. The code decides, not the status alone: ARM returns quota errors as 400 or
// 409 depending on the provider, and MissingSubscriptionRegistration as 409.
import {
  type ArcAutopilotError,
  ConflictError,
  NotFoundError,
  PermissionError,
  PreconditionError,
  QuotaError,
  ThrottledError,
  TransientArmError,
  UnexpectedArmError,
  ValidationError,
} from "../errors";

export interface ArmErrorBody {
  code: string;
  message: string;
}

export interface ArmFailure {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: { get(name: string): string | undefined };
  readonly method?: string;
  readonly url?: string;
}

export function readArmErrorBody(body: unknown): ArmErrorBody | undefined {
  if (!body || typeof body !== "object") return undefined;
  const error = (body as { error?: unknown }).error;
  if (!error || typeof error !== "object") return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" ? code : "Unknown",
    message: typeof message === "string" ? message : "",
  };
}

/** `Retry-After` in seconds or an HTTP date, or `x-ms-retry-after-ms`. */
export function retryAfterMs(
  headers: { get(name: string): string | undefined } | undefined,
  nowMs: number,
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("x-ms-retry-after-ms") ?? headers.get("retry-after-ms");
  if (ms !== undefined && /^\d+$/.test(ms.trim())) return Number(ms);
  const value = headers.get("retry-after");
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const quotaCodes = /quota|limitexceeded|maxnumberof|toomany(?!requests)/i;
const retryableConflictCodes = new Set([
  "anotheroperationinprogress",
  "retryableerror",
  "retryableerrorduetoanotheroperation",
  "operationnotallowedduetoanotheroperation",
]);
const authorizationMessage = /action '([^']+)' over scope '([^']+)'/i;
const missingRegistration = /namespace '([^']+)'/i;

export function toArmError(failure: ArmFailure, nowMs = Date.now()): ArcAutopilotError {
  const parsed = readArmErrorBody(failure.body);
  const code = parsed?.code ?? `Http${failure.status}`;
  const where = failure.method && failure.url ? ` (${failure.method} ${stripQuery(failure.url)})` : "";
  const message = `${parsed?.message || `ARM answered ${failure.status}`}${where}`;
  const status = failure.status;
  const lower = code.toLowerCase();
  let error: ArcAutopilotError;
  if (status === 429) {
    error = new ThrottledError(message, code, status, retryAfterMs(failure.headers, nowMs));
  } else if (status >= 500) {
    error = new TransientArmError(message, code, status);
  } else if (lower === "missingsubscriptionregistration" || lower === "subscriptionnotregistered") {
    const namespace = missingRegistration.exec(parsed?.message ?? "")?.[1];
    error = new PreconditionError(
      namespace
        ? `The subscription is not registered for ${namespace}; register the resource provider first${where}`
        : message,
      code,
      status,
    );
  } else if (quotaCodes.test(code)) {
    error = new QuotaError(message, code, status);
  } else if (status === 401 || status === 403) {
    const match = authorizationMessage.exec(parsed?.message ?? "");
    error = new PermissionError(
      match ? `Missing permission: action '${match[1]}' on scope '${match[2]}'${where}` : message,
      code,
      status,
      match ? { action: match[1], scope: match[2] } : {},
    );
  } else if (status === 404) {
    error = new NotFoundError(message, code, status);
  } else if (status === 409 || status === 412) {
    error = new ConflictError(message, code, status, retryableConflictCodes.has(lower));
  } else if (status === 400 || status === 422) {
    error = new ValidationError(message, code, status);
  } else {
    error = new UnexpectedArmError(message, code, status);
  }
  const correlationId = failure.headers?.get("x-ms-correlation-request-id");
  if (correlationId) error.correlationId = correlationId;
  return error;
}

function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}
