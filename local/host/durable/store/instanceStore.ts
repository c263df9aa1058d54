// The task hub's instance store. In memory; `snapshot()` is a plain JSON document, so a host can
// be rebuilt from it (the engine re-derives in-flight work from the histories on start).
import type { InstanceRecord } from "./instanceRecord";

export interface InstanceStoreSnapshot {
  readonly taskHubName: string;
  readonly instances: readonly InstanceRecord[];
}

export interface InstanceStore {
  readonly taskHubName: string;
  get(instanceId: string): InstanceRecord | undefined;
  /** Inserts or replaces the record with this instance id. */
  put(record: InstanceRecord): void;
  delete(instanceId: string): boolean;
  /** Every record, oldest first. */
  all(): readonly InstanceRecord[];
  snapshot(): InstanceStoreSnapshot;
}

export function createInstanceStore(taskHubName: string, snapshot?: InstanceStoreSnapshot): InstanceStore {
  const records = new Map<string, InstanceRecord>();
  if (snapshot) {
    if (snapshot.taskHubName !== taskHubName) {
      throw new Error(`The snapshot belongs to task hub '${snapshot.taskHubName}', not '${taskHubName}'`);
    }
    for (const record of snapshot.instances) records.set(record.instanceId, structuredClone(record));
  }
  return {
    taskHubName,
    get: (instanceId) => records.get(instanceId),
    put: (record) => {
      records.set(record.instanceId, record);
    },
    delete: (instanceId) => records.delete(instanceId),
    all: () => [...records.values()],
    snapshot: () => ({ taskHubName, instances: structuredClone([...records.values()]) }),
  };
}
