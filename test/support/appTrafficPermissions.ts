// The check that keeps shared/azure/armPermissions.ts complete: every ARM request the app's own
// code sent during the test run (user agent `arc-autopilot/…`, in the suite's traffic log) must
// match an entry of the table. A few requests go out through the app's client functions only
// because a test calls those functions directly with arguments the product never uses; they are
// listed below with the test and why the product does not send them, and are not granted.
import { existsSync, readFileSync } from "node:fs";

import { userAgent } from "../../shared/azure/armContext";
import { armPermissionsFor } from "../../shared/azure/armPermissions";

export interface TestOnlyOperation {
  readonly method: string;
  readonly pattern: RegExp;
  readonly sentBy: string;
  /** The client function that sends it, which product code must not call (checked by a test), or why the product never sends it. */
  readonly clientFunction?: string;
  readonly why: string;
}

export const testOnlyOperations: readonly TestOnlyOperation[] = [
  {
    method: "GET",
    pattern: /^\/subscriptions\/[^/]+\/providers\/Microsoft\.HybridCompute$/i,
    sentBy:
      "test/azure/resourceProviders.test.ts, test/azure/retriesAndFaults.test.ts, test/drift/readBudget.test.ts",
    why: "the provider client exercised with another namespace; the product reads Microsoft.HybridConnectivity only",
  },
  {
    method: "POST",
    pattern: /^\/subscriptions\/[^/]+\/providers\/Microsoft\.HybridCompute\/register$/i,
    sentBy: "test/azure/resourceProviders.test.ts",
    why: "the provider client exercised with another namespace; the product registers Microsoft.HybridConnectivity only",
  },
  {
    method: "GET",
    pattern:
      /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/providers\/Microsoft\.HybridCompute\/machines$/i,
    sentBy: "test/azure/machines.test.ts",
    clientFunction: "listMachines",
    why: "the product inventories machines through Resource Graph, never by an ARM list",
  },
  {
    method: "GET",
    pattern:
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.HybridCompute\/gateways$/i,
    sentBy: "test/azure/gateways.test.ts",
    why: "the product lists gateways by subscription (the quota counts all of them), never by resource group",
  },
  {
    method: "DELETE",
    pattern: /\/providers\/Microsoft\.HybridCompute\/machines\/[^/]+\/runCommands\/[^/]+$/i,
    sentBy: "test/azure/runCommands.test.ts",
    clientFunction: "beginDeleteRunCommand",
    why: "the product leaves run commands in place (a re-run finds the previous one)",
  },
  {
    method: "DELETE",
    pattern: /\/providers\/Microsoft\.HybridConnectivity\/endpoints\/[^/]+$/i,
    sentBy: "test/azure/hybridConnectivity.test.ts",
    clientFunction: "deleteDefaultEndpoint",
    why: "the product never deletes an endpoint",
  },
];

export interface UnknownOperation {
  readonly method: string;
  readonly path: string;
  readonly count: number;
}

/** The app's exchanges (by user agent) in traffic-log lines whose operation is in neither list. */
export function operationsMissingFromTable(lines: readonly string[]): UnknownOperation[] {
  const missing = new Map<string, UnknownOperation>();
  for (const line of lines) {
    if (line.trim() === "") continue;
    const exchange = JSON.parse(line) as {
      method: string;
      url: string;
      requestHeaders?: Record<string, string>;
    };
    const agent = Object.entries(exchange.requestHeaders ?? {}).find(
      ([name]) => name.toLowerCase() === "user-agent",
    )?.[1];
    if (agent === undefined || !agent.startsWith(`${userAgent.split("/")[0]}/`)) continue;
    const path = new URL(exchange.url).pathname.replace(/\/+$/, "");
    if (armPermissionsFor(exchange.method, path).length > 0) continue;
    if (testOnlyOperations.some((op) => op.method === exchange.method.toUpperCase() && op.pattern.test(path)))
      continue;
    const shape = `${exchange.method.toUpperCase()} ${path}`;
    const seen = missing.get(shape);
    missing.set(shape, { method: exchange.method.toUpperCase(), path, count: (seen?.count ?? 0) + 1 });
  }
  return [...missing.values()];
}

/** Throws, naming each one, when the traffic log holds an app operation the table lacks. */
export function checkTrafficLog(file: string): { checked: number } {
  if (!existsSync(file)) return { checked: 0 };
  const lines = readFileSync(file, "utf8").split("\n");
  const missing = operationsMissingFromTable(lines);
  if (missing.length > 0) {
    const list = missing.map((op) => `  ${op.method} ${op.path} (${op.count}×)`).join("\n");
    throw new Error(
      `The app sent ARM operations that shared/azure/armPermissions.ts does not list (add each with its ` +
        `RBAC action and scope, and grant it in infra/roles/):\n${list}`,
    );
  }
  return { checked: lines.length };
}
