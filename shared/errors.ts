// One hierarchy for every failure arc-autopilot reasons about. Each error says whether trying
// again can help (`isRetryable`); activities and retry policies decide on that alone.
// Messages never carry secrets: ARM error messages do not echo request bodies, and nothing here
// copies headers or bodies into a message.

export abstract class ArcAutopilotError extends Error {
  abstract readonly isRetryable: boolean;
  /** A stable machine-readable code: ARM's error code when the error came from ARM. */
  readonly code: string;
  /** HTTP status when the error came from an HTTP exchange. */
  readonly statusCode?: number;
  /** ARM's `x-ms-correlation-request-id`, to quote in a support case. */
  correlationId?: string;

  constructor(message: string, code: string, statusCode?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (statusCode !== undefined) this.statusCode = statusCode;
  }
}

/** Bad input: a request, an id, a setting. Never retryable as it is. */
export class ValidationError extends ArcAutopilotError {
  readonly isRetryable = false;
  constructor(message: string, code = "ValidationFailed", statusCode?: number) {
    super(message, code, statusCode);
  }
}

export class ConfigurationError extends ValidationError {
  constructor(message: string) {
    super(message, "InvalidConfiguration");
  }
}

export class NotFoundError extends ArcAutopilotError {
  readonly isRetryable = false;
}

export class ConflictError extends ArcAutopilotError {
  readonly isRetryable: boolean;
  constructor(message: string, code: string, statusCode?: number, isRetryable = false) {
    super(message, code, statusCode);
    this.isRetryable = isRetryable;
  }
}

/** The caller lacks an RBAC action. Names the action and scope so an operator can grant it. */
export class PermissionError extends ArcAutopilotError {
  readonly isRetryable = false;
  readonly action?: string;
  readonly scope?: string;
  constructor(
    message: string,
    code: string,
    statusCode?: number,
    details: { action?: string; scope?: string } = {},
  ) {
    super(message, code, statusCode);
    if (details.action !== undefined) this.action = details.action;
    if (details.scope !== undefined) this.scope = details.scope;
  }
}

export class QuotaError extends ArcAutopilotError {
  readonly isRetryable = false;
}

/** Something must be true first (a resource provider registered, a machine connected…). */
export class PreconditionError extends ArcAutopilotError {
  readonly isRetryable = false;
}

export class ThrottledError extends ArcAutopilotError {
  readonly isRetryable = true;
  readonly retryAfterMs?: number;
  constructor(message: string, code: string, statusCode?: number, retryAfterMs?: number) {
    super(message, code, statusCode);
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** A 5xx, a timeout or a dropped connection: the same request may well succeed later. */
export class TransientArmError extends ArcAutopilotError {
  readonly isRetryable = true;
}

/** An ARM answer we cannot classify more precisely (an unexpected 4xx). */
export class UnexpectedArmError extends ArcAutopilotError {
  readonly isRetryable = false;
}

/** Anything thrown becomes an Error, so boundaries can log and classify it. */
export function ensureErrorType(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return new Error(`Non-error value thrown: ${text}`);
}

export function isRetryableError(value: unknown): boolean {
  if (value instanceof ArcAutopilotError) return value.isRetryable;
  return false;
}
