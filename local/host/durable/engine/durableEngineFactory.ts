// Plugs the engine into the Functions side (`startFunctionsHost({ durable })`): the engine needs
// the host's origin (for the client payload's URLs) and its durabletask_extension system key,
// which are known only once the host listens (local/host/types.ts DurableEndpointsFactory).
import type { DurableEndpointsFactory } from "../../types";
import type { DurableEngine, DurableEngineOptions } from "./durableEngine";
import { createDurableEngine } from "./durableEngine";

export function durableEngineFactory(
  options: Omit<DurableEngineOptions, "invoker" | "baseUrl" | "systemKey">,
  onCreated?: (engine: DurableEngine) => void,
): DurableEndpointsFactory {
  return (host) => {
    const engine = createDurableEngine({
      ...options,
      invoker: host.invoker,
      baseUrl: host.origin,
      systemKey: host.systemKey,
    });
    onCreated?.(engine);
    return engine;
  };
}
