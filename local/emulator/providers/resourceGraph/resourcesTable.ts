// The `Resources` table as ARG shows the emulator's resources: one row per indexed resource with
// ARG's fixed columns. ARG reports `type` (and, in practice, `resourceGroup` and `location`) in lower
// case while `id` and `name` keep their casing, so queries must compare types with `=~`.
import { parseResourceId } from "../../../../shared/resourceId";
import type { EmulatorState, StoredResource } from "../../state";
import type { Row, Table } from "./kqlEvaluator";

/** The table's last columns, the ones ARG types as `dynamic`. */
const dynamicColumns = [
  "sku",
  "plan",
  "properties",
  "tags",
  "identity",
  "zones",
  "extendedLocation",
] as const;

export const resourcesColumns = [
  "id",
  "name",
  "type",
  "tenantId",
  "kind",
  "location",
  "resourceGroup",
  "subscriptionId",
  "managedBy",
  ...dynamicColumns,
] as const;

/** Columns ARG types as `dynamic`: every other one is a string. */
export const dynamicResourceColumns: ReadonlySet<string> = new Set(dynamicColumns);

export const resourceTableNames = ["resources"];

/**
 * Extension resources (machine settings, HybridConnectivity endpoints and service configurations)
 * are not in ARG's Resources table; callers read them with ARM GETs per machine.
 */
function isIndexed(resource: StoredResource): boolean {
  try {
    return parseResourceId(resource.id).providers.length === 1;
  } catch {
    return false;
  }
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function dynamic(value: unknown): unknown {
  return value === undefined ? null : value;
}

export function resourceRow(resource: StoredResource, tenantId: string): Row {
  const parsed = parseResourceId(resource.id);
  const body = resource.body;
  const lastSegment = resource.id.split("/").pop() ?? "";
  return new Map<string, unknown>([
    ["id", resource.id],
    ["name", text(body.name) || lastSegment],
    ["type", resource.type.toLowerCase()],
    ["tenantId", tenantId],
    ["kind", text(body.kind)],
    ["location", text(body.location).toLowerCase().replace(/\s+/g, "")],
    ["resourceGroup", (parsed.resourceGroup ?? "").toLowerCase()],
    ["subscriptionId", parsed.subscriptionId],
    ["managedBy", text(body.managedBy)],
    ["sku", dynamic(body.sku)],
    ["plan", dynamic(body.plan)],
    ["properties", body.properties ?? {}],
    ["tags", body.tags ?? {}],
    ["identity", dynamic(body.identity)],
    ["zones", dynamic(body.zones)],
    ["extendedLocation", dynamic(body.extendedLocation)],
  ]);
}

/**
 * The rows a query over the given subscriptions sees (all subscriptions when none are named), in
 * a stable order so paging by offset never skips or repeats a row. Resources the caller may not
 * read (an admin deny rule on `<type>/read`) are left out, as ARG leaves out what RBAC hides.
 */
export function resourcesTable(
  state: EmulatorState,
  scope: { subscriptions?: readonly string[]; tenantId: string },
): Table {
  const wanted = scope.subscriptions ? new Set(scope.subscriptions.map((s) => s.toLowerCase())) : undefined;
  const rows = state
    .allResources()
    .filter(isIndexed)
    .filter((resource) => !state.isDenied(`${resource.type}/read`, resource.id))
    .map((resource) => resourceRow(resource, scope.tenantId))
    .filter((row) => !wanted || wanted.has(String(row.get("subscriptionId")).toLowerCase()));
  rows.sort((a, b) => {
    const x = String(a.get("id")).toLowerCase();
    const y = String(b.get("id")).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { columns: resourcesColumns, rows };
}
