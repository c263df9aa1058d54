// The roles the deployment grants (infra/roles/*.json, which appPermissions.bicep loads) set against
// the operation table (shared/azure/armPermissions.ts): what is missing, what is excess, and the
// README's permissions table rendered from both.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import {
  type ArmOperationPermission,
  armOperationPermissions,
  type DataPlanePermission,
  dataPlanePermissions,
  type PermissionScope,
} from "../../shared/azure/armPermissions";
import { repositoryRoot } from "../support/compiledInfra";

export interface RoleFile {
  readonly roleName: string;
  readonly description: string;
  readonly assignedAt: PermissionScope;
  readonly actions: readonly string[];
  readonly dataActions: readonly string[];
}

export const rolesDirectory = join(repositoryRoot, "infra/roles");

/** infra/roles/*.json by file name without extension (the key appPermissions.bicep uses). */
export function loadRoles(): Record<string, RoleFile> {
  const roles: Record<string, RoleFile> = {};
  for (const file of readdirSync(rolesDirectory)
    .filter((name) => name.endsWith(".json"))
    .sort()) {
    roles[file.replace(/\.json$/, "")] = JSON.parse(
      readFileSync(join(rolesDirectory, file), "utf8"),
    ) as RoleFile;
  }
  return roles;
}

/** A role assigned at the key scope also covers operations at these (narrower) scopes. */
export const coveredScopes: Readonly<Record<PermissionScope, readonly PermissionScope[]>> = {
  managedScope: ["managedScope"],
  managedSubscription: ["managedSubscription", "managedScope"],
  gatewayResourceGroup: ["gatewayResourceGroup"],
  gatewaySubscription: ["gatewaySubscription", "gatewayResourceGroup"],
  apimService: ["apimService"],
  outcomeTopic: ["outcomeTopic"],
  deadLetterContainer: ["deadLetterContainer"],
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export interface Table {
  readonly arm: readonly ArmOperationPermission[];
  readonly dataPlane: readonly DataPlanePermission[];
}

export const appTable: Table = { arm: armOperationPermissions, dataPlane: dataPlanePermissions };

/** Every way the table and the roles disagree; empty when each needed action is granted and each granted one is needed. */
export function tableVersusRoles(table: Table, roles: Readonly<Record<string, RoleFile>>): string[] {
  const problems: string[] = [];
  const grants = (role: RoleFile, scope: PermissionScope, action: string, data: boolean) =>
    role.assignedAt === scope &&
    (data ? role.dataActions : role.actions).some((granted) => same(granted, action));
  const grantedAnywhere = (scope: PermissionScope, action: string, data: boolean) =>
    Object.values(roles).some(
      (role) => coveredScopes[role.assignedAt].includes(scope) && grants(role, role.assignedAt, action, data),
    );

  for (const entry of table.arm) {
    if (entry.action === null) {
      if (!entry.noAction)
        problems.push(`${entry.method} ${entry.path}: no action and no reason why none is needed`);
      continue;
    }
    if (!grantedAnywhere(entry.scope, entry.action, false))
      problems.push(`${entry.method} ${entry.path}: ${entry.action} is not granted at ${entry.scope}`);
  }
  for (const entry of table.dataPlane) {
    if (!grantedAnywhere(entry.scope, entry.dataAction, true))
      problems.push(`${entry.operation}: ${entry.dataAction} is not granted at ${entry.scope}`);
  }
  for (const [key, role] of Object.entries(roles)) {
    const covered = coveredScopes[role.assignedAt];
    for (const action of role.actions) {
      if (action.includes("*")) problems.push(`${key}: wildcard ${action}`);
      const used = table.arm.some(
        (e) => e.action !== null && same(e.action, action) && covered.includes(e.scope),
      );
      if (!used)
        problems.push(`${key}: ${action} is granted at ${role.assignedAt} but no operation there uses it`);
    }
    for (const action of role.dataActions) {
      if (action.includes("*")) problems.push(`${key}: wildcard ${action}`);
      const used = table.dataPlane.some((e) => same(e.dataAction, action) && covered.includes(e.scope));
      if (!used)
        problems.push(
          `${key}: data action ${action} is granted at ${role.assignedAt} but no operation there uses it`,
        );
    }
  }
  return problems;
}

const scopeWords: Readonly<Record<PermissionScope, string>> = {
  managedScope: "each `ARC_SCOPES` entry (subscription or resource group)",
  managedSubscription: "the subscription of each `ARC_SCOPES` entry",
  gatewayResourceGroup: "`ARC_GATEWAY_RESOURCE_GROUP` in each gateway subscription",
  gatewaySubscription: "`ARC_GATEWAY_SUBSCRIPTION`, or each managed subscription without a hub",
  apimService: "each API Management service (`apimServiceIds`)",
  outcomeTopic: "the outcome topic (`ARC_OUTCOME_TOPIC_ENDPOINT`)",
  deadLetterContainer: "the dead-letter container (`ARC_DEAD_LETTER_CONTAINER_URL`)",
};

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** docs/permissions.md: every role assignment (role, scope, actions, why) and every operation with its action. */
export function permissionsMarkdown(table: Table, roles: Readonly<Record<string, RoleFile>>): string {
  const out: string[] = [
    "# Permissions of the app's identity",
    "",
    "Generated from `shared/azure/armPermissions.ts` (every Azure operation the app performs) and",
    "`infra/roles/*.json` (the custom roles `infra/modules/appPermissions.bicep` assigns); a test fails when",
    "this file, the table or the roles drift apart. To regenerate: `ARC_WRITE_PERMISSIONS_DOC=1 npx jest",
    'test/infra/permissionsTable.test.ts`. Action names and sources: `docs/azure-facts.md`, "Permissions".',
    "",
    "## Role assignments",
    "",
    "| role | assigned at | actions | why |",
    "| ---- | ----------- | ------- | --- |",
  ];
  for (const role of Object.values(roles)) {
    const actions = [...role.actions, ...role.dataActions.map((a) => `${a} (data)`)]
      .map((a) => `\`${a}\``)
      .join("<br>");
    out.push(
      `| ${cell(role.roleName)} | ${scopeWords[role.assignedAt]} | ${actions} | ${cell(role.description)} |`,
    );
  }
  out.push(
    "",
    "No built-in role fits exactly: EventGrid Data Sender (`d5a91429-5739-47e2-a06b-3470a27159e7`) also grants",
    "`Microsoft.Authorization/*/read` and five resource reads; Storage Blob Data Contributor also deletes blobs and writes containers; Storage Blob Data Reader grants container reads and",
    "user-delegation keys; Arc Gateway Manager (`f6e92014-8af2-414d-9948-9b1abf559285`) also grants",
    "`Microsoft.Authorization/*/read`, `Microsoft.Insights/alertRules/*` and `Microsoft.Resources/deployments/*`, and",
    "its gateway writes and machine-settings writes at one scope, where the app needs them at two.",
    "",
    "## Operations",
    "",
    "| operation | RBAC action | scope | why |",
    "| --------- | ----------- | ----- | --- |",
  );
  for (const entry of table.arm) {
    const action = entry.action === null ? `none — ${entry.noAction ?? ""}` : `\`${entry.action}\``;
    out.push(`| \`${entry.method} ${entry.path}\` | ${cell(action)} | ${entry.scope} | ${cell(entry.why)} |`);
  }
  for (const entry of table.dataPlane) {
    out.push(
      `| ${cell(entry.operation)} (data plane, ${entry.performedBy}) | \`${entry.dataAction}\` | ${entry.scope} | ${cell(entry.why)} |`,
    );
  }
  return `${out.join("\n")}\n`;
}
