// Test wiring for the durable engine: the fixture app loaded through the local host's core module
// and invoked through the Functions side's invoker (the real libraries end to end), an engine on
// a VirtualClock, and a few helpers to read histories.
import { resolve } from "node:path";

import { VirtualClock } from "../../../local/clock";
import type {
  DurableEngine,
  DurableEngineOptions,
  HistoryEvent,
  HistoryEventType,
} from "../../../local/host/durable";
import { createDurableEngine } from "../../../local/host/durable";
import { loadFunctionApp } from "../../../local/host/functions/appLoader";
import { silentHostLog } from "../../../local/host/functions/hostLog";
import { createInvoker } from "../../../local/host/functions/invoker";
import type { FunctionInvoker } from "../../../local/host/types";

export const startOfTest = Date.UTC(2026, 0, 1);

export interface FixtureHost {
  readonly engine: DurableEngine;
  readonly clock: VirtualClock;
  readonly invoker: FunctionInvoker;
}

let engineForClient: DurableEngine | undefined;
let invokerPromise: Promise<FunctionInvoker> | undefined;

/** The fixture app's invoker; loaded once per test file (one app per process, like the worker). */
export function fixtureInvoker(): Promise<FunctionInvoker> {
  invokerPromise ??= loadFunctionApp(
    { modules: [resolve(__dirname, "../fixtures/durableWorkflows.ts")] },
    { log: silentHostLog },
  ).then((app) =>
    createInvoker(app, { log: silentHostLog, durableClientPayload: () => engineForClient?.clientPayload() }),
  );
  return invokerPromise;
}

export async function fixtureHost(
  options: Partial<Omit<DurableEngineOptions, "clock">> & { readonly clock?: VirtualClock } = {},
): Promise<FixtureHost> {
  const invoker = options.invoker ?? (await fixtureInvoker());
  const clock = options.clock ?? new VirtualClock(startOfTest);
  const engine = createDurableEngine({ baseUrl: "http://127.0.0.1:7071", ...options, invoker, clock });
  engineForClient = engine;
  return { engine, clock, invoker };
}

export function eventsOfType<T extends HistoryEventType>(
  history: readonly HistoryEvent[],
  type: T,
): Extract<HistoryEvent, { EventType: T }>[] {
  return history.filter(
    (event): event is Extract<HistoryEvent, { EventType: T }> => event.EventType === type,
  );
}

/** Milliseconds since the start of the test for an ISO timestamp. */
export function offset(iso: string): number {
  return Date.parse(iso) - startOfTest;
}

export const second = 1000;
export const minute = 60 * second;
export const day = 86_400_000;
