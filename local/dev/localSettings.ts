// local.settings.json, as Core Tools reads it: `Values` become the app's settings (environment),
// and — the local host enforces authLevel, which Core Tools does not — two optional Values name
// the keys to expect: ARC_LOCAL_HOST_MASTER_KEY and ARC_LOCAL_HOST_FUNCTION_KEY. Keys left unset
// are generated at start and printed.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { z } from "zod";

import type { HostKeysInit } from "../host/functions/hostKeys";

const keyText = z
  .string()
  .regex(/^[A-Za-z0-9_\-=]{16,128}$/, "must be 16–128 characters of letters, digits, '_', '-' or '='");

const localSettingsSchema = z.object({
  IsEncrypted: z.literal(false, { message: "encrypted local settings are not supported" }).optional(),
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
});

export interface LocalSettings {
  /** The file read, or undefined when the app has none. */
  readonly file?: string;
  readonly values: Readonly<Record<string, string>>;
  readonly keys: HostKeysInit;
}

export class LocalSettingsError extends Error {}

export function readLocalSettings(appRoot: string): LocalSettings {
  const file = join(appRoot, "local.settings.json");
  if (!existsSync(file)) return { values: {}, keys: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (error) {
    throw new LocalSettingsError(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const settings = localSettingsSchema.safeParse(parsed);
  if (!settings.success) {
    const issue = settings.error.issues[0];
    throw new LocalSettingsError(
      `${file}: ${issue?.path.join(".") || "(file)"} ${issue?.message ?? "is invalid"}`,
    );
  }
  const {
    ARC_LOCAL_HOST_MASTER_KEY: master,
    ARC_LOCAL_HOST_FUNCTION_KEY: functionKey,
    ...values
  } = settings.data.Values;
  const checked = (name: string, key: string | undefined) => {
    if (key === undefined || key === "") return undefined;
    const result = keyText.safeParse(key);
    if (!result.success)
      throw new LocalSettingsError(`${file}: Values.${name} ${result.error.issues[0]?.message ?? ""}`);
    return result.data;
  };
  const masterKey = checked("ARC_LOCAL_HOST_MASTER_KEY", master);
  const hostKey = checked("ARC_LOCAL_HOST_FUNCTION_KEY", functionKey);
  return {
    file,
    values,
    keys: { ...(masterKey ? { master: masterKey } : {}), ...(hostKey ? { host: { default: hostKey } } : {}) },
  };
}
