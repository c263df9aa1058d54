// What `npm run dev` shows while it runs: a progress bar per orchestration on a terminal
// (cli-progress), fed by the engine's onInstanceChanged and the instance's custom status
// `{step, done, total, message}` when it sets one; plain lines when stdout is not a terminal
// (CI, a pipe), where redrawn bars would be noise. Log lines print above the bars, whole (the
// terminal wraps them; only bar rows are cut at its width). Every time shown is the host's
// clock, labelled as such: on `npm run dev` it runs faster than the wall clock.
import { MultiBar, Presets, type SingleBar } from "cli-progress";

import { type Clock, ScaledClock, VirtualClock } from "../clock";
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

/**
 * `{step, done, total, message}` when the custom status has that shape, or a runbook's progress
 * (`{currentStep, stepsDone, stepsTotal, waitingFor}`, orchestrations/runbookProgress.ts) read as it.
 */
export function progressOf(customStatus: unknown): ProgressStatus | undefined {
  if (customStatus === null || typeof customStatus !== "object" || Array.isArray(customStatus))
    return undefined;
  const status = customStatus as Record<string, unknown>;
  const progress: { -readonly [K in keyof ProgressStatus]: ProgressStatus[K] } = {};
  const step = status.step ?? status.currentStep;
  const message = status.message ?? status.waitingFor;
  const done = status.done ?? status.stepsDone;
  const total = status.total ?? status.stepsTotal;
  if (typeof step === "string") progress.step = step;
  if (typeof message === "string") progress.message = message;
  if (typeof done === "number" && Number.isFinite(done)) progress.done = done;
  if (typeof total === "number" && Number.isFinite(total) && total > 0) progress.total = total;
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

/** What kind of time a clock keeps, as a stamp says it: `virtual`, `x60` (scaled), or `UTC` (the wall clock). */
export function clockKind(clock: Clock): string {
  if (clock instanceof VirtualClock) return "virtual";
  if (clock instanceof ScaledClock && clock.scale !== 1) return `x${clock.scale}`;
  return "UTC";
}

/** The stamp in front of every line: `[09:30:00 x60]`, the host's time of day (UTC) and its kind. */
export function clockStamp(clock: Clock): string {
  return `[${new Date(clock.now()).toISOString().slice(11, 19)} ${clockKind(clock)}]`;
}

/** One sentence saying what the stamps mean, for the banner. */
export function hostTimeLegend(clock: Clock): string {
  const kind = clockKind(clock);
  if (kind === "virtual") return "[hh:mm:ss virtual] is the host's virtual time (UTC), not the wall clock";
  if (kind === "UTC") return "[hh:mm:ss UTC] is the wall clock (UTC)";
  return `[hh:mm:ss ${kind}] is host time (UTC), running ${kind.slice(1)} times faster than the wall clock`;
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

/** What the bar view does with one instance's change. */
export type RowDecision =
  { readonly kind: "add"; readonly evict?: string } | { readonly kind: "update" } | { readonly kind: "hide" };

/**
 * Which instances have a bar: one per instance id, at most `maxRows`. A new instance takes the
 * place of the oldest finished one when the rows are full (and waits, without a bar, when none
 * has finished). A finished instance whose bar made way never comes back for a late change; it
 * does when it runs again (rewind, a new run under the same id).
 */
export class ProgressRows {
  readonly #rows = new Map<string, { finished: boolean }>();
  readonly #retired = new Set<string>();

  constructor(private readonly maxRows: number) {}

  /** The instance ids with a bar, oldest first. */
  get shown(): string[] {
    return [...this.#rows.keys()];
  }

  change(instanceId: string, finished: boolean): RowDecision {
    const row = this.#rows.get(instanceId);
    if (row) {
      row.finished = finished;
      return { kind: "update" };
    }
    if (this.#retired.has(instanceId)) {
      if (finished) return { kind: "hide" };
      this.#retired.delete(instanceId);
    }
    let evict: string | undefined;
    if (this.#rows.size >= this.maxRows) {
      evict = [...this.#rows].find(([, candidate]) => candidate.finished)?.[0];
      if (evict === undefined) return { kind: "hide" };
      this.#rows.delete(evict);
      this.#retired.add(evict);
    }
    this.#rows.set(instanceId, { finished });
    return evict === undefined ? { kind: "add" } : { kind: "add", evict };
  }
}

class BarView implements ActivityView {
  readonly #multibar: MultiBar;
  readonly #bars = new Map<string, SingleBar>();
  readonly #rows: ProgressRows;
  readonly #clock: Clock;
  #nameWidth = 0;
  #idWidth = 0;

  constructor(options: ActivityViewOptions) {
    this.#clock = options.clock;
    this.#rows = new ProgressRows(options.maxBars ?? 12);
    this.#multibar = new MultiBar(
      {
        stream: options.stream,
        format: "{name} [{bar}] {value}/{total} {instance} {label}",
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        // Bar rows are cut at the terminal's width; log lines are written whole and wrap.
        linewrap: true,
        // Ctrl-C is the dev command's to handle: it stops the bars first, then prints the table.
        gracefulExit: false,
      },
      Presets.shades_classic,
    );
  }

  instanceChanged(status: InstanceStatus): void {
    const { label, done, total } = describeState(status);
    this.#nameWidth = Math.max(this.#nameWidth, status.name.length);
    this.#idWidth = Math.max(this.#idWidth, status.instanceId.length);
    const payload = {
      name: status.name.padEnd(this.#nameWidth),
      instance: status.instanceId.padEnd(this.#idWidth),
      label,
    };
    const decision = this.#rows.change(status.instanceId, isTerminal(status.runtimeStatus));
    switch (decision.kind) {
      case "hide":
        return;
      case "update": {
        const bar = this.#bars.get(status.instanceId);
        bar?.setTotal(total);
        bar?.update(done, payload);
        return;
      }
      case "add": {
        if (decision.evict !== undefined) {
          const evicted = this.#bars.get(decision.evict);
          if (evicted) this.#multibar.remove(evicted);
          this.#bars.delete(decision.evict);
        }
        this.#bars.set(status.instanceId, this.#multibar.create(total, done, payload));
      }
    }
  }

  log(line: string): void {
    this.#multibar.log(`${clockStamp(this.#clock)} ${line}\n`);
  }

  hostLog(entry: HostLogEntry): void {
    const line = hostLogLine(entry);
    if (line !== undefined) this.log(line);
  }

  stop(): void {
    this.#multibar.stop();
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
    this.#stream.write(`${clockStamp(this.#clock)} ${line}\n`);
  }

  hostLog(entry: HostLogEntry): void {
    const line = hostLogLine(entry);
    if (line !== undefined) this.log(line);
  }

  stop(): void {
    // Nothing is redrawn in line mode.
  }
}

/**
 * The final table: one row per instance, oldest first; then onboarding outcomes, machine by
 * machine; then, whole, what the table had to shorten or could not hold — each machine's reason,
 * the commands to run on it and its warnings.
 */
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
  const parts = [instances];
  const outcomes = onboardingTable(statuses);
  if (outcomes) parts.push(`onboarding outcomes:\n${outcomes}`);
  const details = onboardingDetails(statuses);
  if (details) parts.push(`details:\n${details}`);
  return parts.join("\n\n");
}

interface OnboardingRow {
  readonly machineId: string;
  readonly outcome: string;
  readonly code?: string;
  readonly reason: string;
  readonly warnings?: readonly string[];
  readonly localAction?: {
    readonly osType?: string;
    readonly commands?: readonly string[];
    readonly explanation?: string;
  };
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

/** The reason column's width in the outcomes table; longer reasons are given whole under "details". */
export const reasonColumnWidth = 60;

function machineName(instanceId: string): string {
  return instanceId.replace(/^onboard-/, "").replace(/-[0-9a-f]{16}$/, "");
}

function outcomeText(output: OnboardingRow): string {
  return output.code ? `${output.outcome} (${output.code})` : output.outcome;
}

/** One row per onboarded (or not) machine: where, which agent, what happened and why; undefined when none ran. */
export function onboardingTable(
  statuses: readonly InstanceStatus[],
  reasonWidth = reasonColumnWidth,
): string | undefined {
  const rows = statuses.flatMap((status) => {
    const output: unknown = status.output;
    if (status.runtimeStatus === "Terminated") {
      return [[machineName(status.instanceId), "", "", "terminated", summarize(output, reasonWidth)]];
    }
    if (!isOnboardingRow(output)) return [];
    return [
      [
        output.machineId.split("/").pop() ?? output.machineId,
        output.machine?.location ?? "",
        output.machine?.agentVersion ?? "",
        outcomeText(output),
        summarize(output.reason, reasonWidth),
      ],
    ];
  });
  return rows.length === 0 ? undefined : textTable(["machine", "region", "agent", "outcome", "reason"], rows);
}

/**
 * Per machine that did not simply onboard, or has warnings or a local action, or a reason the
 * table shortened: its id, outcome and reason whole, the commands to run on it, its warnings.
 * Undefined when there is nothing to add to the table.
 */
export function onboardingDetails(
  statuses: readonly InstanceStatus[],
  reasonWidth = reasonColumnWidth,
): string | undefined {
  const blocks = statuses.flatMap((status) => {
    const output: unknown = status.output;
    if (status.runtimeStatus === "Terminated") {
      const reason = typeof output === "string" ? output : JSON.stringify(output ?? "");
      if (reason.length <= reasonWidth) return [];
      return [
        [`${machineName(status.instanceId)} — terminated (${status.instanceId})`, `  reason: ${reason}`],
      ];
    }
    if (!isOnboardingRow(output)) return [];
    const warnings = output.warnings ?? [];
    const commands = output.localAction?.commands ?? [];
    const plain =
      (output.outcome === "onboarded" || output.outcome === "already-onboarded") &&
      warnings.length === 0 &&
      commands.length === 0 &&
      output.reason.length <= reasonWidth;
    if (plain) return [];
    const name = output.machineId.split("/").pop() ?? output.machineId;
    const lines = [
      `${name} — ${outcomeText(output)}`,
      `  machine: ${output.machineId}`,
      `  reason: ${output.reason}`,
    ];
    if (commands.length > 0) {
      const on =
        output.localAction?.osType && output.localAction.osType !== "unknown"
          ? ` (${output.localAction.osType})`
          : "";
      lines.push(`  run on the machine${on}:`, ...commands.map((command) => `    ${command}`));
      if (output.localAction?.explanation) lines.push(`  why: ${output.localAction.explanation}`);
    }
    if (warnings.length > 0) lines.push("  warnings:", ...warnings.map((warning) => `    - ${warning}`));
    return [lines];
  });
  return blocks.length === 0 ? undefined : blocks.map((lines) => lines.join("\n")).join("\n\n");
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
