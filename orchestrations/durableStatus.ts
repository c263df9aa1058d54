// Reading an instance's status through durable-functions' client, which reports HTTP answers only
// in its error messages: a missing instance is `undefined` here, not an exception.
import type { DurableClient } from "durable-functions";

/** The part of the durable client the coordination activities use. */
export type CoordinationClient = Pick<DurableClient, "getStatus" | "startNew" | "raiseEvent">;

export interface InstanceStatus {
  /** The orchestrator's name (`gatewayCreation_v1`…): which work runs under a shared instance id. */
  readonly name: string;
  readonly runtimeStatus: string;
  readonly createdAt: number;
  readonly lastUpdatedAt: number;
  readonly output: unknown;
}

const endedStatuses = new Set(["Completed", "Failed", "Terminated", "Canceled"]);

/** "Running" means not Completed/Failed/Terminated/Canceled, not merely "exists": a finished instance keeps its id. */
export function hasEnded(runtimeStatus: string): boolean {
  return endedStatuses.has(runtimeStatus);
}

export async function findInstanceStatus(
  client: Pick<DurableClient, "getStatus">,
  instanceId: string,
): Promise<InstanceStatus | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showInput: false });
    return {
      name: String(status.name),
      runtimeStatus: String(status.runtimeStatus),
      createdAt: new Date(status.createdTime).getTime(),
      lastUpdatedAt: new Date(status.lastUpdatedTime).getTime(),
      output: status.output,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return /\bHTTP 404\b|No instance with ID/i.test(messageOf(error));
}

/** startNew refused because an instance with that id is running. */
export function isConflict(error: unknown): boolean {
  return /\bstatus code: 409\b|already exists/i.test(messageOf(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
