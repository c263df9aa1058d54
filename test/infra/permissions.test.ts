// The deployment as Azure receives it grants the app's identity exactly the roles of infra/roles/
// (each checked against the operation table by permissionsTable.test.ts), each defined with those
// actions and nothing else, and assigned at the kind of scope the role is for. Reads infra/main.bicep
// compiled (the permissions module nested in it).
import type { PermissionScope } from "../../shared/azure/armPermissions";
import {
  type ArmResource,
  type ArmTemplate,
  compileBicep,
  describeWithCompiler,
  lintBicep,
  resourcesOf,
} from "../support/compiledInfra";
import { loadRoles } from "./permissionsModel";

const moduleFile = "infra/modules/appPermissions.bicep";
const templateFile = "infra/main.bicep";

/** Where an assignment lands: what the role's `assignedAt` may be. */
const allowedKinds: Readonly<Record<PermissionScope, readonly string[]>> = {
  managedScope: ["subscription", "resourceGroup"],
  managedSubscription: ["subscription"],
  gatewaySubscription: ["subscription"],
  gatewayResourceGroup: ["resourceGroup"],
  apimService: ["Microsoft.ApiManagement/service"],
  outcomeTopic: ["Microsoft.EventGrid/topics"],
  deadLetterContainer: ["Microsoft.Storage/storageAccounts/blobServices/containers"],
};

interface Nested {
  readonly deployment: ArmResource;
  readonly template: ArmTemplate;
}

function nestedDeployments(template: ArmTemplate): Nested[] {
  return resourcesOf(template)
    .filter((r) => r.type === "Microsoft.Resources/deployments")
    .map((deployment) => ({
      deployment,
      template: (deployment.properties as { template: ArmTemplate }).template,
    }));
}

/** The permissions module's template: the one that loads the role files (other modules may have a `roles` of their own). */
function permissionsTemplate(template: ArmTemplate): ArmTemplate | undefined {
  const roles = template.variables?.roles;
  if (typeof roles === "object" && roles !== null && "managedScope" in roles) return template;
  for (const { template: nested } of nestedDeployments(template)) {
    const found = permissionsTemplate(nested);
    if (found) return found;
  }
  return undefined;
}

/** `[variables('a').b]` (repeatedly, as loadJsonContent compiles to a chain of variables) to its value. */
function resolveVariables(template: ArmTemplate, value: unknown): unknown {
  const match = typeof value === "string" ? /^\[variables\('([^']+)'\)((?:\.\w+)*)\]$/.exec(value) : null;
  if (!match) return value;
  let resolved = resolveVariables(template, template.variables?.[match[1]!]);
  for (const key of match[2]!.split(".").filter(Boolean)) {
    resolved = resolveVariables(template, (resolved as Record<string, unknown>)[key]);
  }
  return resolved;
}

const paramValue = (deployment: ArmResource, name: string): unknown =>
  (deployment.properties as { parameters?: Record<string, { value?: unknown }> }).parameters?.[name]?.value;

function kindOf({ deployment, template }: Nested, assignment: ArmResource): string {
  const scope = assignment.scope;
  if (typeof scope === "string") {
    const type = /Microsoft\.\w+\/[\w/]+?(?=\/\{|'|$)/.exec(scope.replace(/'\s*,\s*'/g, "/"))?.[0] ?? scope;
    for (const kinds of Object.values(allowedKinds))
      for (const kind of kinds) if (type.startsWith(kind)) return kind;
    return type;
  }
  if ("resourceGroup" in deployment) return "resourceGroup";
  return String((template as { $schema?: string }).$schema).includes("subscriptionDeploymentTemplate")
    ? "subscription"
    : "resourceGroup";
}

describeWithCompiler(`the app's role assignments (${templateFile} compiled)`, (path) => {
  const roles = loadRoles();

  test("the permissions module builds and lints without a warning", () => {
    expect(compileBicep(path, moduleFile).diagnostics).toBe("");
    expect(lintBicep(path, moduleFile)).toBe("");
  });

  test("each custom role is defined with exactly its file's actions, at exactly its assignable scopes", () => {
    const permissions = permissionsTemplate(compileBicep(path, templateFile).template);
    expect(permissions).toBeDefined();
    const defined: string[] = [];
    for (const nested of nestedDeployments(permissions!)) {
      const definitions = resourcesOf(nested.template).filter(
        (r) => r.type === "Microsoft.Authorization/roleDefinitions",
      );
      if (definitions.length === 0) continue;
      const key = String(paramValue(nested.deployment, "roleKey"));
      defined.push(key);
      expect({ key, role: resolveVariables(permissions!, paramValue(nested.deployment, "role")) }).toEqual({
        key,
        role: roles[key],
      });
      expect(definitions).toHaveLength(1);
      const properties = definitions[0]!.properties as Record<string, unknown>;
      expect(definitions[0]!.name).toBe("[parameters('roleDefinitionName')]");
      expect(properties).toMatchObject({
        type: "CustomRole",
        assignableScopes: "[parameters('assignableScopes')]",
        permissions: [
          {
            actions: "[parameters('role').actions]",
            notActions: [],
            dataActions: "[parameters('role').dataActions]",
            notDataActions: [],
          },
        ],
      });
      expect(String(paramValue(nested.deployment, "roleDefinitionName"))).toMatch(
        new RegExp(`^\\[__bicep\\.definitionName\\(.*'${key}', parameters\\('principalId'\\)\\)\\]$`),
      );
    }
    expect(defined.sort()).toEqual(Object.keys(roles).sort());
  });

  test("each role is assigned to the app's identity only at the kind of scope it is for, and nothing else is", () => {
    const permissions = permissionsTemplate(compileBicep(path, templateFile).template)!;
    const assignedKinds: Record<string, Set<string>> = {};
    for (const nested of nestedDeployments(permissions)) {
      const assignments = resourcesOf(nested.template).filter(
        (r) => r.type === "Microsoft.Authorization/roleAssignments",
      );
      if (assignments.length === 0) continue;
      const key = String(paramValue(nested.deployment, "roleKey"));
      expect(Object.keys(roles)).toContain(key);
      expect(String(paramValue(nested.deployment, "roleDefinitionId"))).toMatch(
        new RegExp(`^\\[__bicep\\.definitionId\\(.*'${key}', parameters\\('principalId'\\)\\)\\]$`),
      );
      expect(paramValue(nested.deployment, "principalId")).toBe("[parameters('principalId')]");
      for (const assignment of assignments) {
        expect(assignment.properties).toMatchObject({
          principalId: "[parameters('principalId')]",
          roleDefinitionId: "[parameters('roleDefinitionId')]",
        });
        (assignedKinds[key] ??= new Set()).add(kindOf(nested, assignment));
      }
    }
    for (const [key, role] of Object.entries(roles)) {
      expect({ key, kinds: [...(assignedKinds[key] ?? [])].sort() }).toEqual({
        key,
        kinds: [...allowedKinds[role.assignedAt]].sort(),
      });
    }
    // No role assignment of the module's own template (built-in roles, broader scopes) besides these.
    expect(
      resourcesOf(permissions).filter((r) => r.type === "Microsoft.Authorization/roleAssignments"),
    ).toEqual([]);
  });
});
