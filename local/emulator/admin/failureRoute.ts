// One admin route shape for "make the next N operations of a kind end Failed": {count, code?, message?}.
import { z } from "zod";

import type { EmulatorState } from "../state";
import { parseAdminBody } from "../validation";
import type { AdminRoute } from "./adminApi";

const failureBodySchema = z.strictObject({
  count: z.number().int().min(1).max(100),
  code: z.string().min(1).optional(),
  message: z.string().min(1).optional(),
});

interface Failure {
  code: string;
  message: string;
}

/**
 * A POST route queueing `count` failures with `failNext`. Neither code nor message: the provider's
 * own default failure; one of them: the other from `partialDefaults`.
 */
export function failNextRoute(
  path: string,
  summary: string,
  failNext: (state: EmulatorState, count: number, failure?: Failure) => void,
  partialDefaults: Failure,
): AdminRoute {
  return {
    method: "POST",
    path,
    summary,
    handle: (emulator, body) => {
      const input = parseAdminBody(failureBodySchema, body);
      failNext(
        emulator.state,
        input.count,
        input.code || input.message
          ? { code: input.code ?? partialDefaults.code, message: input.message ?? partialDefaults.message }
          : undefined,
      );
      return input;
    },
  };
}
