// Function keys as the Functions host checks them: a caller presents a key in the
// `x-functions-key` header or the `code` query parameter; `function` level accepts a key of that
// function, a host key or the master key; `admin` level only the master key; extension webhooks
// (Event Grid, Durable) take their system key or the master key. Keys come from the host's
// options (the local counterpart of the app's key store); missing ones are generated.
import { randomBytes, timingSafeEqual } from "node:crypto";

export interface HostKeys {
  /** The master (admin) key. */
  readonly master: string;
  /** Host-level function keys by key name, valid for every function ("default" is always there). */
  readonly host: Readonly<Record<string, string>>;
  /** Function-level keys: function name → key name → key. */
  readonly functions: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** System keys by extension, e.g. `eventgrid_extension`, `durabletask_extension`. */
  readonly system: Readonly<Record<string, string>>;
}

export interface HostKeysInit {
  readonly master?: string;
  readonly host?: Readonly<Record<string, string>>;
  readonly functions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly system?: Readonly<Record<string, string>>;
}

export const eventGridSystemKeyName = "eventgrid_extension";
export const durableTaskSystemKeyName = "durabletask_extension";

/** What a request must present: a level for functions, or an extension's system key. */
export type KeyRequirement =
  | { readonly level: "anonymous" }
  | { readonly level: "function"; readonly functionName: string }
  | { readonly level: "admin" }
  | { readonly level: "system"; readonly keyName: string };

export function resolveHostKeys(init: HostKeysInit = {}, generate: () => string = generateKey): HostKeys {
  return {
    master: init.master ?? generate(),
    host: { default: generate(), ...init.host },
    functions: init.functions ?? {},
    system: {
      [eventGridSystemKeyName]: generate(),
      [durableTaskSystemKeyName]: generate(),
      ...init.system,
    },
  };
}

/** The key a request presents: the header wins over the query, as in the host. */
export function presentedKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: URLSearchParams,
): string | undefined {
  const header = headers["x-functions-key"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && fromHeader !== "") return fromHeader;
  const code = query.get("code");
  return code !== null && code !== "" ? code : undefined;
}

export function isAuthorized(
  keys: HostKeys,
  requirement: KeyRequirement,
  presented: string | undefined,
): boolean {
  if (requirement.level === "anonymous") return true;
  if (presented === undefined) return false;
  const accepted: string[] = [keys.master];
  if (requirement.level === "function") {
    accepted.push(
      ...Object.values(keys.host),
      ...Object.values(functionKeys(keys, requirement.functionName)),
    );
  } else if (requirement.level === "system") {
    const systemKey = keys.system[requirement.keyName];
    if (systemKey !== undefined) accepted.push(systemKey);
  }
  return accepted.some((key) => sameKey(key, presented));
}

function functionKeys(keys: HostKeys, functionName: string): Readonly<Record<string, string>> {
  const wanted = functionName.toLowerCase();
  const entry = Object.entries(keys.functions).find(([name]) => name.toLowerCase() === wanted);
  return entry?.[1] ?? {};
}

function sameKey(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

function generateKey(): string {
  return randomBytes(40).toString("base64url");
}
