// Request-body and name validation for the emulator's providers, answering as ARM does
// (400 InvalidRequestContent / InvalidResourceName) instead of throwing.
import { z } from "zod";

import { isResourceId } from "../../shared/resourceId";
import { armErrors, ArmHttpError } from "./armError";

/** The first few zod issues as `path: message`, the way ARM lists what was wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(body)"}: ${issue.message}`)
    .join("; ");
}

/** Validates a parsed JSON body against a zod schema; ARM's 400 lists what was wrong. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined) throw armErrors.invalidBody("the request body is required.");
  const result = schema.safeParse(body);
  if (!result.success) throw armErrors.invalidBody(describeIssues(result.error));
  return result.data;
}

/** Validates an admin API body (absent means `{}`); 400 InvalidAdminRequest lists what was wrong. */
export function parseAdminBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw armErrors.badRequest("InvalidAdminRequest", describeIssues(result.error));
  return result.data;
}

/** An admin body's field naming a resource by its full id. */
export const adminResourceIdSchema = z.string().refine(isResourceId, "must be an Azure resource id");

/** ARM resource names: the spec's pattern plus ARM's general limits. */
export function checkName(kind: string, name: string, pattern: RegExp, maxLength = 260): void {
  if (name.length === 0 || name.length > maxLength || !pattern.test(name)) {
    throw armErrors.invalidName(
      kind,
      name,
      `It must match ${pattern.source} and be at most ${maxLength} characters.`,
    );
  }
}

export function isArmHttpError(value: unknown): value is ArmHttpError {
  return value instanceof ArmHttpError;
}
