// Registers the onboarding activities with the Functions host under their versioned names from
// the activity map. Importing this file does no I/O: the settings, the credential and the ARM
// context are built once, on the first activity invocation, and shared by every activity after.
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";

import { armContextFromSettings } from "../shared/azure/armContext";
import { getSettings } from "../shared/config";
import {
  createOnboardingActivities,
  type OnboardingActivities,
  type OnboardingActivityDeps,
} from "./activities/onboardingActivities";
import { type ActivityKey, activityMap } from "./activityMap";

/** The deps of the running Function App: validated settings and one ARM context over them. */
export function depsFromSettings(): OnboardingActivityDeps {
  const settings = getSettings();
  return { settings, arm: armContextFromSettings(settings) };
}

/**
 * `df.app.activity(name, { handler })` for every entry of the activity map. `deps` is called at
 * most once, on the first invocation (tests pass their own; the app uses its settings).
 */
export function registerOnboardingActivities(deps: () => OnboardingActivityDeps = depsFromSettings): void {
  let activities: OnboardingActivities | undefined;
  const built = () => (activities ??= createOnboardingActivities(deps()));
  for (const key of Object.keys(activityMap) as ActivityKey[]) {
    const name = activityMap[key].name;
    df.app.activity(name, {
      handler: async (input: unknown, context: InvocationContext) => {
        const handler = built()[key] as (input: unknown) => ReturnType<OnboardingActivities[ActivityKey]>;
        const result = await handler(input);
        if (!result.ok) {
          context.warn(
            `${name} failed (not retried): ${result.error.kind} ${result.error.code}: ${result.error.message}`,
          );
        }
        return result;
      },
    });
  }
}
