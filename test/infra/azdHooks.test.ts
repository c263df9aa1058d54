// azure.yaml's hooks: every script it runs exists, the POSIX ones are executable (azd runs them
// as `./infra/hooks/…`), each hook has both a POSIX and a Windows script, and the scripts name the
// azd environment value the template's parameters file binds (ARC_EVENT_SUBSCRIPTIONS).
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { repositoryRoot } from "../support/compiledInfra";

const azureYaml = readFileSync(join(repositoryRoot, "azure.yaml"), "utf8");
const scripts = [...azureYaml.matchAll(/^\s*run:\s*(\.\/infra\/hooks\/\S+)\s*$/gm)].map((m) => m[1]!);

test("every hook script azure.yaml runs exists, POSIX ones executable, each in both shells", () => {
  expect(scripts.length).toBeGreaterThanOrEqual(6);
  for (const script of scripts) {
    const path = join(repositoryRoot, script);
    expect({ script, exists: existsSync(path) }).toEqual({ script, exists: true });
    if (script.endsWith(".sh")) expect(() => accessSync(path, constants.X_OK)).not.toThrow();
  }
  const stems = (ext: string) =>
    scripts
      .filter((s) => s.endsWith(ext))
      .map((s) => s.slice(0, -ext.length))
      .sort();
  expect(stems(".sh")).toEqual(stems(".ps1"));
});

test("the event-subscription switch the hooks flip is the one main.parameters.json binds", () => {
  const parameters = readFileSync(join(repositoryRoot, "infra/main.parameters.json"), "utf8");
  expect(parameters).toContain('"deployEventSubscriptions": { "value": "${ARC_EVENT_SUBSCRIPTIONS=false}" }');
  for (const hook of ["postdeploy", "postdown"]) {
    for (const ext of [".sh", ".ps1"]) {
      const text = readFileSync(join(repositoryRoot, `infra/hooks/${hook}${ext}`), "utf8");
      expect(text).toMatch(/azd env set ARC_EVENT_SUBSCRIPTIONS (true|false)/);
    }
  }
});
