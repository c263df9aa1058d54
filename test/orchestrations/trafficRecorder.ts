// A view of the emulator's recorded ARM exchanges from a mark on, as `METHOD path` and status,
// for asserting how many requests an activity sent.
import type { Emulator } from "../../local/emulator";

export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface TrafficRecorder {
  /** Every exchange since the recorder was made. */
  exchanges(): RecordedExchange[];
  /** How many exchanges were recorded so far: pass to `since` to see what came after. */
  mark(): number;
  since(mark: number): RecordedExchange[];
}

export function recordTraffic(emulator: Emulator): TrafficRecorder {
  const start = emulator.exchanges().length;
  const since = (mark: number) =>
    emulator
      .exchanges()
      .slice(mark)
      .map((e) => ({ method: e.method, path: new URL(e.url).pathname, status: e.status }));
  return {
    exchanges: () => since(start),
    mark: () => emulator.exchanges().length,
    since,
  };
}
