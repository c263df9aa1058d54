// What happens in the emulated world on its own, away from any request: self-hosted gateways
// heartbeating, tokens nearing expiry, API Management publishing its own Event Grid events. Timers
// for these run on the "ambient" clock: the emulator's clock by default; the local host hands it
// its schedule-tracking clock, so a 30-day token expiry counts as a schedule (like a timer
// trigger's) and never keeps `runUntilIdle` jumping ahead on its own.
import type { Clock } from "../../../clock";
import type { EventGridEvent } from "../../eventGrid";
import type { EmulatorState } from "../../state";

export interface AmbientWorld {
  clock: Clock;
  /** Hands an event of a non-ARM publisher (API Management) to the Event Grid topic. */
  publishEvent: (event: EventGridEvent<unknown>) => void;
}

const worlds = new WeakMap<EmulatorState, AmbientWorld>();

export function attachAmbientWorld(state: EmulatorState, world: AmbientWorld): void {
  worlds.set(state, world);
}

export function ambientWorldOf(state: EmulatorState, fallbackClock: Clock): AmbientWorld {
  return worlds.get(state) ?? { clock: fallbackClock, publishEvent: () => undefined };
}
