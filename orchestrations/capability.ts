// A capability (onboarding, gateways, and later drift and API Management) is what the app can
// do, as one list: its orchestrators and its activities. functions/durableFunctions.ts registers
// the capabilities; nothing else names an activity twice.
//
// Importing a capability does no I/O. Activities that talk to Azure share one set of
// dependencies — the validated settings, one ARM context over them, and the subscription facts —
// built on the first invocation of any of them; durable-client activities get the
// `durableClient` binding and build their client per invocation (`azureAndDurableClient`: both).
import type { FunctionInput, InvocationContext } from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";
import * as df from "durable-functions";

import { armContextFromSettings } from "../shared/azure/armContext";
import { getSettings } from "../shared/config";
import {
  type ActivityDefinition,
  type ActivityResult,
  type AzureDeps,
  type DurableClientDeps,
  runActivity,
} from "./activity";
import { SubscriptionFacts } from "./subscriptionFacts";

export interface OrchestratorDefinition {
  readonly name: `${string}_v${number}`;
  readonly handler: OrchestrationHandler;
}

export interface Capability {
  readonly name: string;
  readonly orchestrators: readonly OrchestratorDefinition[];
  readonly activities: readonly ActivityDefinition[];
}

/** What the Azure activities are built over; the facts are added once, here. */
export type AzureDepsSource = () => Omit<AzureDeps, "facts">;

/** The deps of the running Function App: validated settings and one ARM context over them. */
export function azureDepsFromSettings(): Omit<AzureDeps, "facts"> {
  const settings = getSettings();
  return { settings, arm: armContextFromSettings(settings) };
}

/** The Azure deps over `base`, with the subscription facts their activities share. */
export function azureDeps(base: Omit<AzureDeps, "facts">): AzureDeps {
  return { ...base, facts: new SubscriptionFacts(base.arm) };
}

/**
 * `df.app.orchestration` and `df.app.activity` for everything the capabilities list. `source` is
 * called at most once, on the first Azure activity's invocation (tests pass their own).
 */
export function registerCapabilities(
  capabilities: readonly Capability[],
  source: AzureDepsSource = azureDepsFromSettings,
): void {
  let built: AzureDeps | undefined;
  const azure = () => (built ??= azureDeps(source()));
  for (const capability of capabilities) {
    for (const orchestrator of capability.orchestrators)
      df.app.orchestration(orchestrator.name, orchestrator.handler);
    for (const activity of capability.activities) {
      if (activity.needs === "durableClient") {
        const run = (input: unknown, context: InvocationContext) =>
          runActivity(activity, { client: df.getClient(context) } satisfies DurableClientDeps, input);
        registerActivity(activity.name, run, [df.input.durableClient()]);
      } else if (activity.needs === "azureAndDurableClient") {
        const run = (input: unknown, context: InvocationContext) =>
          runActivity(activity, { ...azure(), client: df.getClient(context) }, input);
        registerActivity(activity.name, run, [df.input.durableClient()]);
      } else {
        registerActivity(activity.name, (input) => runActivity(activity, azure(), input));
      }
    }
  }
}

function registerActivity(
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
