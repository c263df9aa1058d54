// Check 4 of the deployment: the Bicep compiler knows every resource type and api-version the
// template uses and has nothing to say about it — `bicep build` prints no diagnostic (a BCP081
// "type not available" warning among them) and `bicep lint` (infra/bicepconfig.json) is clean.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import {
  allResources,
  compileBicep,
  describeWithCompiler,
  lintBicep,
  repositoryRoot,
} from "../support/compiledInfra";

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? bicepFiles(join(dir, entry.name))
      : entry.name.endsWith(".bicep")
        ? [join(dir, entry.name)]
        : [],
  );
}

describeWithCompiler("the Bicep compiler on infra/main.bicep", (compiler) => {
  it("builds it without a diagnostic", () => {
    expect(compileBicep(compiler).diagnostics).toBe("");
  });

  it("lints it clean", () => {
    expect(lintBicep(compiler)).toBe("");
  });

  it("compiles every resource with an api-version, from local modules only", () => {
    const resources = allResources(compileBicep(compiler).template);
    expect(resources.length).toBeGreaterThan(10);
    for (const { resource } of resources)
      expect(resource.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
    // Registry modules (br:, ts:) are fetched at build time, which CI cannot, and would hide
    // their resources from these checks.
    for (const file of bicepFiles(join(repositoryRoot, "infra")))
      expect({
        file,
        registryModule: /^\s*module\s+\S+\s+'(br|ts)[:/]/m.test(readFileSync(file, "utf8")),
      }).toEqual({
        file,
        registryModule: false,
      });
  });
});
