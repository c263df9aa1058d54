// The local host drives @azure/functions through its worker-facing internals (ProgrammingModel →
// InvocationModel, RpcTypedData shapes) and durable-functions through its wire protocol. Neither
// is a public API, so the versions are pinned (package.json) and checked here at load: if someone
// bumps a library, the host fails loudly instead of misbehaving quietly.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

import type { CoreFunctionMetadata, CoreInvocationContext, CoreProgrammingModel } from "./coreTypes";

/** The versions the local host was written and tested against; others may change the internals it uses. */
export const pinnedLibraryVersions = {
  "@azure/functions": "4.16.5",
  "durable-functions": "3.5.0",
} as const;

export type PinnedLibrary = keyof typeof pinnedLibraryVersions;

export interface LibraryContractReport {
  /** Installed version of each library as seen from the app's directory (undefined: not installed). */
  readonly versions: Readonly<Record<PinnedLibrary, string | undefined>>;
  /** Everything that does not match the verified contract; empty when all is well. */
  readonly problems: readonly string[];
}

export type ContractMode = "strict" | "warn";

export class LibraryContractError extends Error {
  constructor(problems: readonly string[]) {
    super(
      "The local host's contract with @azure/functions / durable-functions does not hold:\n" +
        problems.map((problem) => `  - ${problem}`).join("\n") +
        "\nRe-check the local host against the new versions and update pinnedLibraryVersions, or restore the pins.",
    );
    this.name = "LibraryContractError";
  }
}

/** Checks the installed libraries (versions, one shared copy of @azure/functions) from `appDirectory`. */
export function checkInstalledLibraries(appDirectory: string): LibraryContractReport {
  const problems: string[] = [];
  const functionsPackage = findPackageJson("@azure/functions", appDirectory);
  const durablePackage = findPackageJson("durable-functions", appDirectory);
  const versions = {
    "@azure/functions": functionsPackage && readVersion(functionsPackage),
    "durable-functions": durablePackage && readVersion(durablePackage),
  };
  if (functionsPackage === undefined) {
    problems.push(`@azure/functions is not installed (looked upwards from ${appDirectory})`);
  }
  for (const library of Object.keys(pinnedLibraryVersions) as PinnedLibrary[]) {
    const installed = versions[library];
    if (installed !== undefined && installed !== pinnedLibraryVersions[library]) {
      problems.push(
        `${library} is ${installed}, the local host is verified against ${pinnedLibraryVersions[library]}`,
      );
    }
  }
  if (functionsPackage !== undefined && durablePackage !== undefined) {
    // Two copies would each register functions, and `instanceof HttpResponse` fails across copies
    // (createCheckStatusResponse's response would not convert).
    const durableOwnCopy = findPackageJson("@azure/functions", dirname(durablePackage));
    if (durableOwnCopy !== undefined && realpathSync(durableOwnCopy) !== realpathSync(functionsPackage)) {
      problems.push(
        `durable-functions uses its own copy of @azure/functions (${durableOwnCopy}); run \`npm dedupe\` so the app and durable-functions share one`,
      );
    }
  }
  return { versions, problems };
}

/**
 * Checks the worker-facing surface the invoker calls. `sample` (any registered function) lets it
 * create an InvocationModel — construction has no side effects — and look at its methods.
 */
export function checkProgrammingModel(
  model: CoreProgrammingModel | undefined,
  sample: CoreFunctionMetadata | undefined,
): string[] {
  if (model === undefined) {
    return sample === undefined ? [] : ["functions were registered but no programming model was set"];
  }
  const problems: string[] = [];
  if (model.name !== "@azure/functions") {
    problems.push(`the programming model is '${String(model.name)}', expected '@azure/functions'`);
  }
  if (typeof model.getInvocationModel !== "function") {
    problems.push("the programming model has no getInvocationModel()");
    return problems;
  }
  if (sample === undefined) return problems;
  const probe: CoreInvocationContext = {
    invocationId: "contract-probe",
    request: { invocationId: "contract-probe", functionId: sample.name, inputData: [], triggerMetadata: {} },
    metadata: { name: sample.name, bindings: sample.bindings },
    log: () => undefined,
  };
  const invocationModel: unknown = model.getInvocationModel(probe);
  if (invocationModel instanceof Promise) {
    problems.push("getInvocationModel() returned a promise; 4.16.5 returns the model synchronously");
    invocationModel.catch(() => undefined);
    return problems;
  }
  for (const method of ["getArguments", "invokeFunction", "getResponse"]) {
    const candidate = (invocationModel as Record<string, unknown> | null)?.[method];
    if (typeof candidate !== "function") problems.push(`the InvocationModel has no ${method}()`);
  }
  return problems;
}

/** Throws (strict) or warns about the problems found. */
export function enforceContract(
  problems: readonly string[],
  mode: ContractMode,
  warn: (message: string) => void,
): void {
  if (problems.length === 0) return;
  const error = new LibraryContractError(problems);
  if (mode === "strict") throw error;
  warn(error.message);
}

/** Node's lookup: `node_modules/<name>/package.json` in the directory and each ancestor. */
function findPackageJson(name: string, fromDirectory: string): string | undefined {
  for (let directory = fromDirectory; ; directory = dirname(directory)) {
    const candidate = join(directory, "node_modules", name, "package.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) return undefined;
  }
}

function readVersion(packageJsonPath: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(packageJsonPath, "utf8")) as { version?: unknown };
    return typeof parsed.version === "string" ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}
