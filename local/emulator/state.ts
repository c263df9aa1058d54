// The emulator's in-memory Azure: ARM resources keyed by their normalised id (ARM ids are
// case-insensitive), async operations, resource-provider registrations and admin deny rules.
// Resource bodies are stored as ARM returns them on GET.
import { normalizeResourceId, parseResourceId } from "../../shared/resourceId";

export interface StoredResource {
  /** The id as first written (ARM keeps the creator's casing). */
  readonly id: string;
  /** `Microsoft.HybridCompute/machines`, `Microsoft.HybridConnectivity/endpoints/serviceConfigurations`… */
  readonly type: string;
  body: Record<string, unknown>;
  readonly createdAt: number;
  updatedAt: number;
}

export type AsyncOperationStatus = "Queued" | "InProgress" | "Succeeded" | "Failed" | "Canceled";

export interface AsyncOperation {
  readonly id: string;
  readonly subscriptionId: string;
  readonly location: string;
  /** Provider namespace serving the monitor URL, e.g. Microsoft.HybridCompute. */
  readonly namespace: string;
  readonly resourceId: string;
  readonly apiVersion: string;
  /** What GET on the Location URL returns once done: the resource (PUT) or nothing (DELETE). */
  readonly finalResult: "resource" | "none";
  status: AsyncOperationStatus;
  readonly startTime: number;
  endTime?: number;
  error?: { code: string; message: string };
}

export type RegistrationState = "NotRegistered" | "Registering" | "Registered" | "Unregistering";

export interface DenyRule {
  /** An RBAC action, `*` wildcards allowed: `Microsoft.HybridConnectivity/register/action`. */
  readonly action: string;
  /** Scope prefix the rule covers; the whole tenant when absent. */
  readonly scope?: string;
}

export class EmulatorState {
  private readonly resources = new Map<string, StoredResource>();
  readonly operations = new Map<string, AsyncOperation>();
  private readonly registrations = new Map<string, RegistrationState>();
  denyRules: DenyRule[] = [];
  /** Registration state of a provider nobody has set: Registered, except these. */
  readonly unregisteredByDefault = new Set(["microsoft.hybridconnectivity"]);

  getResource(id: string): StoredResource | undefined {
    return this.resources.get(normalizeResourceId(id));
  }

  putResource(id: string, type: string, body: Record<string, unknown>, now: number): StoredResource {
    const key = normalizeResourceId(id);
    const existing = this.resources.get(key);
    if (existing) {
      existing.body = body;
      existing.updatedAt = now;
      return existing;
    }
    const created: StoredResource = { id, type, body, createdAt: now, updatedAt: now };
    this.resources.set(key, created);
    return created;
  }

  /** Deletes a resource and everything nested under it (ARM cascades to child and extension resources). */
  deleteResource(id: string): StoredResource[] {
    const key = normalizeResourceId(id);
    const removed: StoredResource[] = [];
    for (const [k, resource] of this.resources) {
      if (k === key || k.startsWith(`${key}/`)) {
        removed.push(resource);
        this.resources.delete(k);
      }
    }
    return removed;
  }

  /** Resources of a type, optionally within a subscription / resource group / under a parent id. */
  listResources(filter: {
    type: string;
    subscriptionId?: string;
    resourceGroup?: string;
    parentId?: string;
  }): StoredResource[] {
    const type = filter.type.toLowerCase();
    const parent = filter.parentId ? `${normalizeResourceId(filter.parentId)}/` : undefined;
    const out: StoredResource[] = [];
    for (const [key, resource] of this.resources) {
      if (resource.type.toLowerCase() !== type) continue;
      if (parent && !key.startsWith(parent)) continue;
      if (filter.subscriptionId || filter.resourceGroup) {
        const parsed = parseResourceId(resource.id);
        if (
          filter.subscriptionId &&
          parsed.subscriptionId.toLowerCase() !== filter.subscriptionId.toLowerCase()
        )
          continue;
        if (
          filter.resourceGroup &&
          parsed.resourceGroup?.toLowerCase() !== filter.resourceGroup.toLowerCase()
        )
          continue;
      }
      out.push(resource);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  allResources(): StoredResource[] {
    return [...this.resources.values()];
  }

  registrationState(subscriptionId: string, namespace: string): RegistrationState {
    const key = `${subscriptionId}/${namespace}`.toLowerCase();
    return (
      this.registrations.get(key) ??
      (this.unregisteredByDefault.has(namespace.toLowerCase()) ? "NotRegistered" : "Registered")
    );
  }

  setRegistrationState(subscriptionId: string, namespace: string, state: RegistrationState): void {
    this.registrations.set(`${subscriptionId}/${namespace}`.toLowerCase(), state);
  }

  registrationEntries(): { subscriptionId: string; namespace: string; state: RegistrationState }[] {
    return [...this.registrations].map(([key, state]) => {
      const [subscriptionId = "", namespace = ""] = key.split("/");
      return { subscriptionId, namespace, state };
    });
  }

  isDenied(action: string, scope: string): boolean {
    const lowerScope = scope.toLowerCase();
    return this.denyRules.some((rule) => {
      const pattern = new RegExp(
        `^${rule.action.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`,
        "i",
      );
      return pattern.test(action) && (!rule.scope || lowerScope.startsWith(rule.scope.toLowerCase()));
    });
  }

  snapshot(): {
    resources: { id: string; type: string; body: Record<string, unknown> }[];
    operations: AsyncOperation[];
    registrations: { subscriptionId: string; namespace: string; state: RegistrationState }[];
    denyRules: DenyRule[];
  } {
    return {
      resources: this.allResources().map((r) => ({ id: r.id, type: r.type, body: r.body })),
      operations: [...this.operations.values()],
      registrations: this.registrationEntries(),
      denyRules: this.denyRules,
    };
  }
}

/**
 * What a provider keeps beside one emulator state and ARM does not show (agents' local state,
 * keys, deployments): made by `create` on first use and gone with the state.
 */
export function perState<T extends object>(create: () => T): (state: EmulatorState) => T {
  const values = new WeakMap<EmulatorState, T>();
  return (state) => {
    let value = values.get(state);
    if (!value) {
      value = create();
      values.set(state, value);
    }
    return value;
  };
}
