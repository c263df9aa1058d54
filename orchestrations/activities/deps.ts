// What onboarding activities are built over: one ARM context and the validated settings.
// Injected, so tests point them at the emulator and the Function App builds them once.
import type { ArmContext } from "../../shared/azure/armContext";
import type { Settings } from "../../shared/config";

export interface OnboardingActivityDeps {
  readonly arm: ArmContext;
  readonly settings: Settings;
}
