// What `npm run dev` shows while it runs: a progress bar per orchestration on a terminal
// (cli-progress), fed by the engine's onInstanceChanged and the instance's custom status
// `{step, done, total, message}` when it sets one; plain lines when stdout is not a terminal
// (CI, a pipe), where redrawn bars would be noise. Log lines print above the bars.
import { MultiBar, Presets, type SingleBar } from "cli-progress";

import type { Clock } from "../clock";
import { type InstanceStatus, isTerminal } from "../host";
import type { HostLogEntry } from "../host/functions/hostLog";

/** The custom status shape orchestrations report progress with. */
export interface ProgressStatus {
  readonly step?: string;
  readonly done?: number;
  readonly total?: number;
  readonly message?: string;
}

export interface ActivityView {
  instanceChanged(status: InstanceStatus): void;
  /** A line above the bars (or just a line). */
  log(line: string): void;
  hostLog(entry: HostLogEntry): void;
  /** Stops redrawing and leaves the bars as they are. */
  stop(): void;
}

export interface ActivityViewOptions {
  readonly stream: NodeJS.WriteStream;
  /** Times shown are the host's (scaled) time. */
  readonly clock: Clock;
  /** Bars kept on screen; the oldest finished ones make room. */
  readonly maxBars?: number;
}

export function createActivityView(options: ActivityViewOptions): ActivityView {
  return options.stream.isTTY ? new BarView(options) : new LineView(options);
}

/** `{step, done, total, message}` when the custom status has that shape. */
export function progressOf(customStatus: unknown): ProgressStatus | undefined {
  if (customStatus === null || typeof customStatus !== "object" || Array.isArray(customStatus))
    return undefined;
  const status = customStatus as Record<string, unknown>;
  const progress: { -readonly [K in keyof ProgressStatus]: ProgressStatus[K] } = {};
  if (typeof status.step === "string") progress.step = status.step;
  if (typeof status.message === "string") progress.message = status.message;
  if (typeof status.done === "number" && Number.isFinite(status.done)) progress.done = status.done;
  if (typeof status.total === "number" && Number.isFinite(status.total) && status.total > 0)
    progress.total = status.total;
  return Object.keys(progress).length > 0 ? progress : undefined;
}

/** A short, one-line account of an output, for bars and the final table. */
export function summarize(value: unknown, width = 60): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** What the bar or line says about the instance right now. */
function describeState(status: InstanceStatus): { label: string; done: number; total: number } {
  const progress = progressOf(status.customStatus);
  const total = progress?.total ?? 1;
  const finished = isTerminal(status.runtimeStatus);
  const done = status.runtimeStatus === "Completed" ? total : Math.min(progress?.done ?? 0, total);
  const step = [progress?.step, progress?.message].filter(Boolean).join(": ");
  const label = finished
    ? `${status.runtimeStatus}${status.output !== null ? ` ${summarize(status.output, 50)}` : ""}`
    : `${status.runtimeStatus}${step ? ` · ${step}` : ""}`;
  return { label, done, total };
}

function clockTime(clock: Clock): string {
  return new Date(clock.now()).toISOString().slice(11, 19);
}

function hostLogLine(entry: HostLogEntry): string | undefined {
  // The app's own logs from information up, the host's only when they matter.
  const userLevels = ["information", "warning", "error", "critical"];
  const systemLevels = ["warning", "error", "critical"];
  const levels = entry.category === "user" ? userLevels : systemLevels;
  if (!levels.includes(entry.level)) return undefined;
  const source = entry.functionName ?? "functions";
  return `[${source}] ${entry.level === "information" ? "" : `${entry.level}: `}${entry.message}`;
}

class BarView implements ActivityView {
  readonly #multibar: MultiBar;
  readonly #bars = new Map<string, { bar: SingleBar; finished: boolean }>();
  readonly #clock: Clock;
  readonly #maxBars: number;

  constructor(options: ActivityViewOptions) {
    this.#clock = options.clock;
    this.#maxBars = options.maxBars ?? 12;
    this.#multibar = new MultiBar(
      {
        stream: options.stream,
        format: "{name} [{bar}] {value}/{total} {instance} {label}",
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        // Ctrl-C is the dev command's to handle: it stops the bars first, then prints the table.
        gracefulExit: false,
      },
      Presets.shades_classic,
    );
  }

  instanceChanged(status: InstanceStatus): void {
    const { label, done, total } = describeState(status);
    const payload = {
      name: status.name.padEnd(18).slice(0, 18),
      instance: shortId(status.instanceId),
      label,
    };
    let entry = this.#bars.get(status.instanceId);
    if (!entry) {
      this.#makeRoom();
      entry = { bar: this.#multibar.create(total, done, payload), finished: false };
      this.#bars.set(status.instanceId, entry);
    } else {
      entry.bar.setTotal(total);
      entry.bar.update(done, payload);
    }
    entry.finished = isTerminal(status.runtimeStatus);
  }

  log(line: string): void {
    this.#multibar.log(`${clockTime(this.#clock)} ${line}\n`);
  }

  hostLog(entry: HostLogEntry): void {
    const line = hostLogLine(entry);
    if (line !== undefined) this.log(line);
  }

  stop(): void {
    this.#multibar.stop();
  }

  #makeRoom(): void {
    if (this.#bars.size < this.#maxBars) return;
    for (const [id, entry] of this.#bars) {
      if (!entry.finished) continue;
      this.#multibar.remove(entry.bar);
      this.#bars.delete(id);
      return;
    }
  }
}

class LineView implements ActivityView {
  readonly #stream: NodeJS.WriteStream;
  readonly #clock: Clock;
  readonly #lastLine = new Map<string, string>();

  constructor(options: ActivityViewOptions) {
    this.#stream = options.stream;
    this.#clock = options.clock;
  }

  instanceChanged(status: InstanceStatus): void {
    const { label, done, total } = describeState(status);
    const line = `${status.name} ${status.instanceId} ${done}/${total} ${label}`;
    // History grows on every episode; only a change someone would notice gets a line.
    if (this.#lastLine.get(status.instanceId) === line) return;
    this.#lastLine.set(status.instanceId, line);
    this.log(line);
  }

  log(line: string): void {
    this.#stream.write(`${clockTime(this.#clock)} ${line}\n`);
  }

  hostLog(entry: HostLogEntry): void {
    const line = hostLogLine(entry);
    if (line !== undefined) this.log(line);
  }

  stop(): void {
    // Nothing is redrawn in line mode.
  }
}

function shortId(instanceId: string): string {
  return instanceId.length > 28 ? `${instanceId.slice(0, 27)}…` : instanceId.padEnd(28);
}

/** The final table: one row per instance, oldest first; then onboarding outcomes, machine by machine. */
export function instanceTable(statuses: readonly InstanceStatus[]): string {
  const instances = textTable(
    ["instance", "name", "status", "output"],
    statuses.map((status) => [
      status.instanceId,
      status.name,
      status.runtimeStatus,
      summarize(status.output ?? summarize(progressOf(status.customStatus)?.step ?? ""), 60),
    ]),
  );
  const outcomes = onboardingTable(statuses);
  return outcomes
    ? `${instances}

onboarding outcomes:
${outcomes}`
    : instances;
}

interface OnboardingRow {
  readonly machineId: string;
  readonly outcome: string;
  readonly code?: string;
  readonly reason: string;
  readonly machine?: { readonly location?: string; readonly agentVersion?: string };
}

function isOnboardingRow(output: unknown): output is OnboardingRow {
  const row = output as Partial<OnboardingRow> | null;
  return (
    typeof row === "object" &&
    row !== null &&
    typeof row.machineId === "string" &&
    typeof row.outcome === "string" &&
    typeof row.reason === "string"
  );
}

/** One row per onboarded (or not) machine: where, which agent, what happened and why; undefined when none ran. */
export function onboardingTable(statuses: readonly InstanceStatus[], reasonWidth = 90): string | undefined {
  const rows = statuses.flatMap((status) => {
    const output: unknown = status.output;
    if (status.runtimeStatus === "Terminated") {
      return [
        [
          status.instanceId.replace(/^onboard-/, "").replace(/-[0-9a-f]{16}$/, ""),
          "",
          "",
          "terminated",
          summarize(output, reasonWidth),
        ],
      ];
    }
    if (!isOnboardingRow(output)) return [];
    return [
      [
        output.machineId.split("/").pop() ?? output.machineId,
        output.machine?.location ?? "",
        output.machine?.agentVersion ?? "",
        output.code ? `${output.outcome} (${output.code})` : output.outcome,
        output.reason.length > reasonWidth ? `${output.reason.slice(0, reasonWidth - 1)}…` : output.reason,
      ],
    ];
  });
  return rows.length === 0 ? undefined : textTable(["machine", "region", "agent", "outcome", "reason"], rows);
}

function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
