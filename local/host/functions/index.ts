// The local host's Functions side: loads the app through a stand-in for the worker's
// `@azure/functions-core`, invokes it through @azure/functions' own programming model, and serves
// its triggers (HTTP routes, Event Grid webhook, timers, admin API) on 127.0.0.1.
// Import this before anything requires @azure/functions (it installs nothing until used).
export type { NcrontabSchedule } from "../../../shared/schedule/ncrontab";
export { parseNcrontab, ScheduleError } from "../../../shared/schedule/ncrontab";
export type { AdminInvokeContext } from "./adminApi";
export type { AppSource, LoadedApp, LoadFunctionAppOptions } from "./appLoader";
export { loadedFunctionApp, loadFunctionApp } from "./appLoader";
export type { CapturedFunction } from "./coreModule";
export { coreRegistry } from "./coreModule";
export { coreModuleReachable, installCoreModule } from "./coreShim";
export { EntryPointPatternError, resolveEntryPoints } from "./entryPoints";
export type { FunctionsHost, FunctionsHostOptions, TimerTriggerSettings } from "./functionsHost";
export { startFunctionsHost } from "./functionsHost";
export type { HostKeys, HostKeysInit, KeyRequirement } from "./hostKeys";
export { durableTaskSystemKeyName, eventGridSystemKeyName, isAuthorized, resolveHostKeys } from "./hostKeys";
export type { HostLog, HostLogEntry } from "./hostLog";
export { CollectedHostLog, consoleHostLog, silentHostLog } from "./hostLog";
export type { HttpAnswer } from "./httpAnswer";
export type { AuthLevel, HttpRoute, RouteLookup } from "./httpRoutes";
export { HttpRoutes } from "./httpRoutes";
export type { WebhookAuth } from "./httpServer";
export { InvocationTracker } from "./invocationTracker";
export type { InvokerOptions } from "./invoker";
export { AppInvoker, createInvoker, toRegisteredFunction } from "./invoker";
export type { ContractMode, LibraryContractReport, PinnedLibrary } from "./libraryContract";
export {
  checkInstalledLibraries,
  checkProgrammingModel,
  LibraryContractError,
  pinnedLibraryVersions,
} from "./libraryContract";
export type { RouteMatch, RouteTemplate } from "./routeTemplate";
export { parseRouteTemplate, RouteTemplateError } from "./routeTemplate";
export type { ScheduleStatus, ScheduleStatusStore } from "./scheduleStatusStore";
export { FileScheduleStatusStore, MemoryScheduleStatusStore, neverFired } from "./scheduleStatusStore";
export type { TimerFiringReason, TimerTriggersOptions } from "./timerTriggers";
export { timerPayload, TimerTriggers } from "./timerTriggers";
