// The instance status JSON of the management API (Learn "HTTP API reference" for Durable
// Functions, get instance status). `input` and `output` are
// always present (the JS client's DurableOrchestrationStatus throws on undefined); times use .NET's
// "s" format plus Z, without fractions.
import type { InstanceRecord, RuntimeStatus } from "../store/instanceRecord";
import { projectHistory } from "./historyProjection";

export interface InstanceStatus {
  readonly name: string;
  readonly instanceId: string;
  readonly runtimeStatus: RuntimeStatus;
  readonly input: unknown;
  readonly customStatus: unknown;
  readonly output: unknown;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  readonly historyEvents?: readonly Record<string, unknown>[];
}

export interface StatusOptions {
  readonly showHistory?: boolean;
  readonly showHistoryOutput?: boolean;
  /** Defaults to true, as on the extension's single-instance status route. */
  readonly showInput?: boolean;
}

export function instanceStatus(record: InstanceRecord, options: StatusOptions = {}): InstanceStatus {
  const showInput = options.showInput ?? true;
  return {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.status,
    input: showInput ? parseJson(record.input) : null,
    customStatus: parseJson(record.customStatus),
    output: parseJson(record.output),
    createdTime: statusTime(record.createdAt),
    lastUpdatedTime: statusTime(record.lastUpdatedAt),
    ...(options.showHistory
      ? {
          historyEvents: projectHistory(record.history, {
            showHistoryOutput: options.showHistoryOutput ?? false,
            showInput,
          }),
        }
      : {}),
  };
}

/** `2024-01-01T00:00:05Z`. */
export function statusTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function parseJson(text: string | null): unknown {
  return text == null ? null : (JSON.parse(text) as unknown);
}
