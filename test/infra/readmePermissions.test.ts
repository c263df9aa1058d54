// The README's permissions table lists every role assignment the deployment makes: each custom role
// of infra/roles and each built-in role the compiled template assigns (found by its role definition
// id), so a role added to the template without a line saying why fails here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { compileBicep, describeWithCompiler, repositoryRoot } from "../support/compiledInfra";

/** Built-in roles by id (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const builtInRoles: Record<string, string> = {
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
  "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
  "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
  "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
  "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
  "0ad04412-c4d5-4796-b79c-f76d14c8d402": "Durable Task Data Contributor",
  "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
};

/** The first column of the README's "### Permissions" table. */
function readmeRoles(): string[] {
  const readme = readFileSync(join(repositoryRoot, "README.md"), "utf8");
  const section = readme.split(/^### Permissions$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| role") && !line.startsWith("| ---"))
    .map((line) => line.split("|")[1]!.trim());
}

describeWithCompiler("the README's permissions table (compiled infra/main.bicep)", (compiler) => {
  it("names every custom role of infra/roles", () => {
    const dir = join(repositoryRoot, "infra/roles");
    const names = readdirSync(dir)
      .filter((file) => file.endsWith(".json"))
      .map((file) => (JSON.parse(readFileSync(join(dir, file), "utf8")) as { roleName: string }).roleName);
    expect(names.length).toBeGreaterThan(0);
    expect(readmeRoles()).toEqual(expect.arrayContaining(names));
  });

  it("names every built-in role the template assigns, and no other", () => {
    const text = JSON.stringify(compileBicep(compiler).template);
    const ids = [
      ...new Set(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []),
    ];
    const unknown = ids.filter((id) => builtInRoles[id] === undefined);
    expect(unknown).toEqual([]);
    const assigned = ids.map((id) => builtInRoles[id]!);
    const custom = readdirSync(join(repositoryRoot, "infra/roles")).length;
    expect(readmeRoles()).toEqual(expect.arrayContaining(assigned));
    expect(readmeRoles()).toHaveLength(custom + assigned.length);
  });
});
