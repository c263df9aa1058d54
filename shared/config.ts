// All settings, read once from the environment and validated. A bad value fails fast with the
// variable's name, what was wrong and what is expected; nothing else in the app reads
// process.env. Later capabilities add their settings to `settingsSchema`.
import { z } from "zod";

import { ConfigurationError } from "./errors";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const httpsUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === "https:" && url.pathname.replace(/\/+$/, "") === "" && !url.search;
    } catch {
      return false;
    }
  }, "must be an https URL with no path or query, such as https://management.azure.com")
  .transform((v) => v.replace(/\/+$/, ""));

const intInRange = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

export const settingsSchema = z.object({
  /** ARM endpoint; the local emulator's URL in development. */
  AZURE_RESOURCE_MANAGER_ENDPOINT: httpsUrl.optional().default("https://management.azure.com"),
  /** Token audience for ARM; differs only in sovereign clouds. */
  AZURE_RESOURCE_MANAGER_AUDIENCE: z
    .string()
    .trim()
    .optional()
    .default("https://management.azure.com/.default")
    .refine((v) => v.endsWith("/.default"), "must be a scope ending in /.default"),
  /** Client id of a user-assigned managed identity; empty for the system-assigned one. */
  AZURE_CLIENT_ID: optionalText,
  /** How often one ARM request is retried (429, 5xx, dropped connections) before the caller sees the error. */
  ARC_ARM_MAX_RETRIES: intInRange(0, 10, 4),
  /** The longest `Retry-After` waited inside a request; longer waits surface as ThrottledError for a durable timer. */
  ARC_ARM_MAX_RETRY_AFTER_SECONDS: intInRange(0, 300, 60),
});

const secretName = /KEY|SECRET|TOKEN|PASSWORD|CONNECTION/i;

export type Settings = z.infer<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const known = Object.fromEntries(Object.keys(settingsSchema.shape).map((key) => [key, env[key]]));
  const result = settingsSchema.safeParse(known);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join(".") || "(settings)";
      const value = env[variable];
      const shown =
        value === undefined
          ? "unset"
          : secretName.test(variable)
            ? "value hidden"
            : `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'`;
      return `${variable} (${shown}): ${issue.message}`;
    });
    throw new ConfigurationError(`Invalid configuration: ${problems.join("; ")}`);
  }
  return result.data;
}

let cached: Settings | undefined;

/** The process's settings, validated on first use. */
export function getSettings(): Settings {
  cached ??= readSettings();
  return cached;
}
