// Issue 10: `cp local.settings.example.json local.settings.json` then `npm run dev` must run the
// demo, not skip it: the example's scopes are the demo fleet's subscriptions, every value passes
// the app's validation, and nothing in it points the app away from the emulator.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { readLocalSettings } from "../../../local/dev/localSettings";
import { demoSubscriptionIds } from "../../../local/emulator/demoFleet";
import { readSettings } from "../../../shared/config";
import { isInScope } from "../../../shared/onboarding/scope";

const example = resolve(__dirname, "../../../local.settings.example.json");

test("the example settings, copied as local.settings.json, scope the demo fleet and validate", () => {
  const root = mkdtempSync(join(tmpdir(), "arc-example-settings-"));
  copyFileSync(example, join(root, "local.settings.json"));
  const { values } = readLocalSettings(root);
  rmSync(root, { recursive: true, force: true });

  const settings = readSettings(values);
  for (const subscriptionId of demoSubscriptionIds) {
    const machine = `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1`;
    expect(isInScope(machine, settings.ARC_SCOPES)).toBe(true);
  }
  // The local host sets these to the emulator; a value here would override them.
  for (const name of ["AZURE_RESOURCE_MANAGER_ENDPOINT", "ARC_TRUSTED_CA_PEM"])
    expect(values[name]).toBeUndefined();
  expect(values.ARC_TRUSTED_CA_FILE ?? "").toBe("");
});
