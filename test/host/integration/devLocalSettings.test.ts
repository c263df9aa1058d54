// npm run dev reads the app's local.settings.json as Core Tools does, plus the keys to enforce.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { LocalSettingsError, readLocalSettings } from "../../../local/dev/localSettings";

function appWith(settings: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), "arc-dev-settings-"));
  if (settings !== undefined) writeFileSync(join(root, "local.settings.json"), settings);
  return root;
}

describe("local.settings.json for npm run dev", () => {
  test("an app without the file runs with generated keys and no extra settings", () => {
    expect(readLocalSettings(appWith(undefined))).toEqual({ values: {}, keys: {} });
  });

  test("Values become app settings, and the two key Values become the keys the host expects", () => {
    const root = appWith(
      JSON.stringify({
        IsEncrypted: false,
        Values: {
          ARC_SCOPES: "/subscriptions/s1",
          ARC_SSH_PORT: 2222,
          ARC_LOCAL_HOST_MASTER_KEY: "master-key-0123456789",
          ARC_LOCAL_HOST_FUNCTION_KEY: "function-key-0123456789",
        },
      }),
    );
    expect(readLocalSettings(root)).toEqual({
      file: join(root, "local.settings.json"),
      values: { ARC_SCOPES: "/subscriptions/s1", ARC_SSH_PORT: "2222" },
      keys: { master: "master-key-0123456789", host: { default: "function-key-0123456789" } },
    });
  });

  test.each([
    ["{not json", "is not valid JSON"],
    [JSON.stringify({ IsEncrypted: true, Values: {} }), "encrypted local settings are not supported"],
    [
      JSON.stringify({ Values: { ARC_LOCAL_HOST_MASTER_KEY: "short" } }),
      "ARC_LOCAL_HOST_MASTER_KEY must be 16–128",
    ],
    [JSON.stringify({ Values: { X: { nested: true } } }), "Values.X"],
  ])("a bad file is refused with what is wrong: %s", (text, message) => {
    const root = appWith(text);
    expect(() => readLocalSettings(root)).toThrow(LocalSettingsError);
    expect(() => readLocalSettings(root)).toThrow(message);
  });
});
