// The local Functions + Durable host's public entry points (issue 3): `startLocalHost` runs the
// app with the emulator and the Durable engine on one clock — the engine of `npm run dev`, the
// end-to-end tests and the benchmarks. The parts stay importable for tests that need only one.
export { ScaledClock, VirtualClock } from "../clock";
export type { AppSettings } from "./appEnvironment";
export type {
  DurableEngine,
  IdleOptions,
  InstanceFilter,
  InstanceStatus,
  KillPoint,
  RuntimeStatus,
} from "./durable";
export { createDurableEngine, durableEngineFactory, isTerminal, terminalStatuses } from "./durable";
export type { AppSource, LoadedApp } from "./functions/appLoader";
export { loadFunctionApp } from "./functions/appLoader";
export type { FunctionsHost, FunctionsHostOptions, TimerTriggerSettings } from "./functions/functionsHost";
export { startFunctionsHost } from "./functions/functionsHost";
export type { HostKeys, HostKeysInit } from "./functions/hostKeys";
export type { HostLog, HostLogEntry } from "./functions/hostLog";
export { CollectedHostLog, consoleHostLog, silentHostLog } from "./functions/hostLog";
export type {
  CheckStatusLinks,
  EventDelivery,
  EventGridWiring,
  EventSubscriptionFilters,
  HttpCallResult,
  LocalEmulatorSettings,
  LocalHost,
  LocalHostOptions,
} from "./localHost";
export { findFunctionAppRoot, startLocalHost } from "./localHost";
export type { ManagedIdentityEndpoint } from "./managedIdentityEndpoint";
export { startManagedIdentityEndpoint } from "./managedIdentityEndpoint";
export type { RegisteredFunction } from "./types";
