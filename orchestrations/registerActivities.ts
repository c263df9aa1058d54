// Registers the onboarding activities with the Functions host under their versioned names from
// the activity map. Importing this file does no I/O: the settings, the credential and the ARM
// context are built once, on the first activity invocation, and shared by every activity after.
import type { FunctionInput, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";

import { armContextFromSettings } from "../shared/azure/armContext";
import { getSettings } from "../shared/config";
import { createCoordinationActivities } from "./activities/coordinationActivities";
import {
  type ArmActivityKey,
  coordinationActivityKeys,
  createOnboardingActivities,
  type OnboardingActivities,
  type OnboardingActivityDeps,
} from "./activities/onboardingActivities";
import { type ActivityKey, activityMap, type ActivityResult } from "./activityMap";

/** The deps of the running Function App: validated settings and one ARM context over them. */
export function depsFromSettings(): OnboardingActivityDeps {
  const settings = getSettings();
  return { settings, arm: armContextFromSettings(settings) };
}

/**
 * `df.app.activity(name, { handler })` for every entry of the activity map. `deps` is called at
 * most once, on the first invocation (tests pass their own; the app uses its settings). The
 * coordination activities get a durable client binding and build their client per invocation.
 */
export function registerOnboardingActivities(deps: () => OnboardingActivityDeps = depsFromSettings): void {
  let activities: OnboardingActivities | undefined;
  const built = () => (activities ??= createOnboardingActivities(deps()));
  const coordination = new Set<ActivityKey>(coordinationActivityKeys);
  for (const key of Object.keys(activityMap) as ActivityKey[]) {
    if (coordination.has(key)) continue;
    const armKey = key as ArmActivityKey;
    register(activityMap[armKey].name, (input) =>
      (built()[armKey] as (input: unknown) => Promise<ActivityResult<unknown>>)(input),
    );
  }
  for (const key of coordinationActivityKeys) {
    register(
      activityMap[key].name,
      (input, context) =>
        (
          createCoordinationActivities(df.getClient(context))[key] as (
            input: unknown,
          ) => Promise<ActivityResult<unknown>>
        )(input),
      [df.input.durableClient()],
    );
  }
}

function register(
  name: string,
  run: (input: unknown, context: InvocationContext) => Promise<ActivityResult<unknown>>,
  extraInputs: FunctionInput[] = [],
): void {
  df.app.activity(name, {
    extraInputs,
    handler: async (input: unknown, context: InvocationContext) => {
      const result = await run(input, context);
      if (!result.ok) {
        context.warn(
          `${name} failed (not retried): ${result.error.kind} ${result.error.code}: ${result.error.message}`,
        );
      }
      return result;
    },
  });
}
