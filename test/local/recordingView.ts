// The view the demo acts' tests hand them: it keeps every line an act tells, to be read back.
import type { ActivityView } from "../../local/dev/activityView";

/** A view that keeps the lines told to it in `lines` and ignores instance changes and the host's log. */
export function recordingView(): { readonly view: ActivityView; readonly lines: string[] } {
  const lines: string[] = [];
  const view: ActivityView = {
    instanceChanged: () => undefined,
    log: (line) => lines.push(line),
    hostLog: () => undefined,
    stop: () => undefined,
  };
  return { view, lines };
}
