// The deployment as Azure receives it: `infra/main.bicep` compiled by the real Bicep compiler,
// which CI restores from NuGet (.ci/run) and points to with ARC_BICEP_PATH. The infra tests read
// this ARM JSON rather than the Bicep source, so they check what would be deployed. Without the
// compiler (a machine with no .NET SDK) they are skipped, and `skipReason` says why.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The compiler version .ci/bicep/bicep.csproj pins; its restore lands in .ci/bicep/packages. */
const pinnedVersion = /Include="Azure\.Bicep\.CommandLine\.linux-x64"\s+Version="\[([^\]]+)\]"/;

export const repositoryRoot = resolve(__dirname, "../..");

function restoredCompiler(): string | undefined {
  const project = join(repositoryRoot, ".ci/bicep/bicep.csproj");
  if (!existsSync(project)) return undefined;
  const version = pinnedVersion.exec(readFileSync(project, "utf8"))?.[1];
  if (version === undefined) return undefined;
  const binary = join(
    repositoryRoot,
    ".ci/bicep/packages/azure.bicep.commandline.linux-x64",
    version,
    "tools/bicep",
  );
  return existsSync(binary) ? binary : undefined;
}

/** The Bicep compiler to use, or why there is none. */
export function bicepCompiler(): { path: string } | { skipReason: string } {
  const fromEnv = process.env.ARC_BICEP_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    return existsSync(fromEnv)
      ? { path: fromEnv }
      : { skipReason: `ARC_BICEP_PATH is ${fromEnv}, which does not exist` };
  }
  const restored = restoredCompiler();
  if (restored !== undefined) return { path: restored };
  return {
    skipReason:
      "the Bicep compiler is not restored: .ci/run restores Azure.Bicep.CommandLine.linux-x64 from NuGet " +
      "when the .NET SDK is present (or set ARC_BICEP_PATH to a bicep binary)",
  };
}

export interface CompileResult {
  /** The compiled ARM template. */
  readonly template: ArmTemplate;
  /** Everything the compiler printed (warnings and infos; empty when clean). */
  readonly diagnostics: string;
}

export interface ArmTemplate {
  readonly parameters?: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  readonly variables?: Record<string, unknown>;
  readonly resources: ArmResource[] | Record<string, ArmResource>;
  readonly outputs?: Record<string, { type: string; value: unknown }>;
}

export interface ArmResource {
  readonly type: string;
  readonly apiVersion?: string;
  readonly name?: unknown;
  readonly properties?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

const cache = new Map<string, CompileResult>();

/** `bicepFile` (relative to the repository) compiled to ARM JSON, once per test file. */
export function compileBicep(compiler: string, bicepFile = "infra/main.bicep"): CompileResult {
  const cached = cache.get(bicepFile);
  if (cached) return cached;
  const outDir = mkdtempSync(join(tmpdir(), "arc-bicep-"));
  try {
    const run = spawnSync(compiler, ["build", join(repositoryRoot, bicepFile), "--outdir", outDir], {
      encoding: "utf8",
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
    });
    const diagnostics = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
    if (run.status !== 0)
      throw new Error(`bicep build ${bicepFile} failed (exit ${run.status}):\n${diagnostics}`);
    const name = bicepFile.replace(/^.*\//, "").replace(/\.bicep$/, ".json");
    const template = JSON.parse(readFileSync(join(outDir, name), "utf8")) as ArmTemplate;
    const result = { template, diagnostics };
    cache.set(bicepFile, result);
    return result;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** What `bicep lint` reports for `bicepFile` (with infra/bicepconfig.json's rules); empty when clean. */
export function lintBicep(compiler: string, bicepFile = "infra/main.bicep"): string {
  const run = spawnSync(compiler, ["lint", join(repositoryRoot, bicepFile)], {
    encoding: "utf8",
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
  });
  const diagnostics = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
  if (run.status !== 0 && diagnostics === "")
    throw new Error(`bicep lint ${bicepFile} failed (exit ${run.status}) without saying why`);
  return diagnostics;
}

/** The nested deployment a module compiles to, by its symbolic name in `template` (languageVersion 2.0). */
export function moduleDeployment(template: ArmTemplate, symbolicName: string): ArmResource {
  const resource = Array.isArray(template.resources) ? undefined : template.resources[symbolicName];
  if (resource?.type !== "Microsoft.Resources/deployments")
    throw new Error(`the template has no module '${symbolicName}'`);
  return resource;
}

/** The template a module deployment carries. */
export function moduleTemplate(deployment: ArmResource): ArmTemplate {
  const nested = (deployment.properties as { template?: ArmTemplate } | undefined)?.template;
  if (nested === undefined) throw new Error(`module ${String(deployment.name)} carries no template`);
  return nested;
}

/** The template's resources whether the compiler wrote them as an array or (symbolic names) an object. */
export function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

/**
 * Every resource of the template and of the nested deployments its modules compile to, with the
 * chain of module (deployment) names that leads to it.
 */
export function allResources(
  template: ArmTemplate,
  path: readonly string[] = [],
): Array<{ resource: ArmResource; modulePath: readonly string[]; template: ArmTemplate }> {
  const found: Array<{ resource: ArmResource; modulePath: readonly string[]; template: ArmTemplate }> = [];
  for (const resource of resourcesOf(template)) {
    found.push({ resource, modulePath: path, template });
    const nested = (resource.properties as { template?: ArmTemplate } | undefined)?.template;
    if (resource.type === "Microsoft.Resources/deployments" && nested) {
      found.push(...allResources(nested, [...path, String(resource.name)]));
    }
  }
  return found;
}

/**
 * `describe(title)` with the compiler's path, or — on a machine without it — `describe.skip` whose
 * title says why, printed once too, so `npm test` output tells a skipped check from a passed one.
 * The body must compile only inside hooks and tests (it also runs, unused, when skipped).
 */
export function describeWithCompiler(title: string, body: (compiler: string) => void): void {
  const compiler = bicepCompiler();
  if ("path" in compiler) {
    describe(title, () => body(compiler.path));
    return;
  }
  // Skipped on purpose, with the reason in the title and on stderr: these checks need the real
  // Bicep compiler, which only a machine with the .NET SDK can restore (.ci/run does); every other
  // test still runs there.
  process.stderr.write(`${title}: skipped because ${compiler.skipReason}\n`);
  describe.skip(`${title} (skipped: ${compiler.skipReason})`, () => body(""));
}
