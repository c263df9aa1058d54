// The least-privilege contract without the Bicep compiler: the operation table against the roles
// the deployment grants (infra/roles/*.json), the traffic check against the table, and the
// generated docs/permissions.md.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { userAgent } from "../../shared/azure/armContext";
import { armPermissionsFor } from "../../shared/azure/armPermissions";
import { operationsMissingFromTable, testOnlyOperations } from "../support/appTrafficPermissions";
import { repositoryRoot } from "../support/compiledInfra";
import {
  appTable,
  loadRoles,
  permissionsMarkdown,
  type RoleFile,
  tableVersusRoles,
} from "./permissionsModel";

const roles = loadRoles();
const machine =
  "/subscriptions/00000000-0000-4000-8000-00000000a001/resourceGroups/rg-arc/providers/Microsoft.HybridCompute/machines/web-01";

describe("the operation table and the roles granted", () => {
  test("every action the table needs is granted at its scope, and every granted action is needed", () => {
    expect(tableVersusRoles(appTable, roles)).toEqual([]);
  });

  test("removing an action from a role is caught", () => {
    const without: Record<string, RoleFile> = {
      ...roles,
      managedScope: {
        ...roles.managedScope!,
        actions: roles.managedScope!.actions.filter((a) => !/settings\/write/i.test(a)),
      },
    };
    expect(tableVersusRoles(appTable, without)).toEqual([
      expect.stringContaining("Microsoft.HybridCompute/settings/write is not granted at managedScope"),
    ]);
  });

  test("adding an unused action, a wildcard or an unused data action is caught", () => {
    const extra: Record<string, RoleFile> = {
      ...roles,
      managedScope: {
        ...roles.managedScope!,
        actions: [...roles.managedScope!.actions, "Microsoft.HybridCompute/machines/delete"],
      },
      apimService: {
        ...roles.apimService!,
        actions: [...roles.apimService!.actions, "Microsoft.ApiManagement/service/*"],
      },
      outcomeTopic: {
        ...roles.outcomeTopic!,
        dataActions: [...roles.outcomeTopic!.dataActions, "Microsoft.EventGrid/events/receive/action"],
      },
    };
    const problems = tableVersusRoles(appTable, extra);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("machines/delete is granted at managedScope but no operation there uses it"),
        expect.stringContaining("wildcard Microsoft.ApiManagement/service/*"),
        expect.stringContaining("events/receive/action is granted at outcomeTopic"),
      ]),
    );
  });

  test("an action granted at a narrower scope than the operation's does not count", () => {
    // Registering a resource provider is a subscription-level request: a role at a managed scope
    // (possibly a resource group) cannot serve it.
    const narrowed: Record<string, RoleFile> = {
      ...roles,
      managedSubscription: {
        ...roles.managedSubscription!,
        actions: roles.managedSubscription!.actions.filter((a) => !/HybridConnectivity\/register/i.test(a)),
      },
      managedScope: {
        ...roles.managedScope!,
        actions: [...roles.managedScope!.actions, "Microsoft.HybridConnectivity/register/action"],
      },
    };
    expect(tableVersusRoles(appTable, narrowed)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("HybridConnectivity/register/action is not granted at managedSubscription"),
      ]),
    );
  });

  test("every role file names what appPermissions.bicep loads, and nothing else", () => {
    const bicep = readFileSync(join(repositoryRoot, "infra/modules/appPermissions.bicep"), "utf8");
    const loaded = [...bicep.matchAll(/loadJsonContent\('\.\.\/roles\/([A-Za-z]+)\.json'\)/g)]
      .map((m) => m[1])
      .sort();
    expect(loaded).toEqual(Object.keys(roles).sort());
  });
});

describe("matching the app's requests to the table", () => {
  test("real paths match case-insensitively, with or without query and host", () => {
    expect(
      armPermissionsFor("GET", `${machine}/providers/Microsoft.HybridCompute/settings/default`)[0]?.action,
    ).toBe("Microsoft.HybridCompute/settings/read");
    expect(
      armPermissionsFor(
        "put",
        `https://management.azure.com${machine.toLowerCase()}/PROVIDERS/microsoft.hybridcompute/settings/default?api-version=2025-01-13`,
      )[0]?.action,
    ).toBe("Microsoft.HybridCompute/settings/write");
    expect(armPermissionsFor("POST", "/providers/Microsoft.ResourceGraph/resources")[0]?.action).toBeNull();
  });

  test("an operation the table lacks is reported, with its count; the app's other requests and foreign ones are not", () => {
    const line = (method: string, path: string, agent = `${userAgent} core-rest-pipeline/1.24.0`) =>
      JSON.stringify({
        method,
        url: `https://127.0.0.1:1234${path}?api-version=2025-01-13`,
        requestHeaders: { "user-agent": agent },
      });
    const lines = [
      line("GET", machine),
      line("DELETE", machine),
      line("DELETE", machine),
      line("DELETE", `${machine}/extensions/x`, "curl/8"),
      line("POST", `${machine}/runCommands/x/cancel`),
      line("DELETE", `${machine}/runCommands/x`), // test-only: listed, not granted
    ];
    expect(operationsMissingFromTable(lines)).toEqual([
      { method: "DELETE", path: machine, count: 2 },
      { method: "POST", path: `${machine}/runCommands/x/cancel`, count: 1 },
    ]);
  });

  test("product code never calls the client functions only tests use (those operations are not granted)", () => {
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(repositoryRoot, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith(".ts") && !path.startsWith("shared/azure/")) sources.push(path);
      }
    };
    for (const dir of ["functions", "orchestrations", "shared"]) walk(dir);
    for (const op of testOnlyOperations.filter((o) => o.clientFunction !== undefined)) {
      const callers = sources.filter((file) =>
        new RegExp(`\\b${op.clientFunction!}\\b`).test(readFileSync(join(repositoryRoot, file), "utf8")),
      );
      expect({ clientFunction: op.clientFunction, callers }).toEqual({
        clientFunction: op.clientFunction,
        callers: [],
      });
    }
  });
});

describe("docs/permissions.md", () => {
  test("is the table and the roles as they are", () => {
    const file = join(repositoryRoot, "docs/permissions.md");
    // Formatted as `npm run format:check` wants it (prettier's API is ESM-only under jest: run its CLI).
    const formatted = spawnSync(
      process.execPath,
      [join(repositoryRoot, "node_modules/prettier/bin/prettier.cjs"), "--stdin-filepath", file],
      { input: permissionsMarkdown(appTable, roles), encoding: "utf8" },
    );
    expect(formatted.stderr).toBe("");
    const expected = formatted.stdout;
    if (process.env.ARC_WRITE_PERMISSIONS_DOC === "1") writeFileSync(file, expected);
    expect(readFileSync(file, "utf8")).toBe(expected);
  });
});
