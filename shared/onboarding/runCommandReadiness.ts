// Whether Run Command can reach a machine, judged from what the agent reports in
// `agentConfiguration` (read-only in ARM, docs/azure-facts.md §5–§7). Run Command is an extension
// (Microsoft.CPlat.Core/RunCommandHandlerWindows|Linux), so monitor mode, a disabled extension
// manager, an allowlist without the handler or a blocklist with it each stop it, and only a
// command on the machine changes that ([docs] security-extensions.md). Publisher and type compare
// case-insensitively: the docs themselves write both `Microsoft.CPlat.Core` and `Microsoft.Cplat.Core`.
import { osTypeOf } from "../azure/agentCommands";
import type { ArcMachine, ExtensionIdentity } from "../azure/machines";
import { shorten } from "../text";
import {
  allowExtensionCommand,
  enableExtensionsCommand,
  fullModeCommand,
  runCommandHandlerFor,
  unblockExtensionCommand,
} from "./localActions";

export interface RunCommandBlocker {
  readonly reason: string;
  /** The command that removes this blocker, run on the machine. */
  readonly command: string;
}

/** What keeps Run Command from the machine, with the local fix for each; empty when nothing does. */
export function runCommandBlockers(
  machine: Pick<ArcMachine, "osType" | "agentConfiguration">,
): RunCommandBlocker[] {
  const osType = osTypeOf(machine.osType);
  const configuration = machine.agentConfiguration;
  if (isMonitorMode(machine)) {
    // The allowlist and blocklist cannot be edited in monitor mode ([docs] security-extensions.md), so this comes first and alone.
    return [
      { reason: "the agent is in monitor mode, which blocks Run Command", command: fullModeCommand(osType) },
    ];
  }
  const handlers =
    osType === "unknown"
      ? [runCommandHandlerFor("linux"), runCommandHandlerFor("windows")]
      : [runCommandHandlerFor(osType)];
  const blockers: RunCommandBlocker[] = [];
  if (!configuration.extensionsEnabled) {
    blockers.push({
      reason: "the extension manager is disabled (extensions.enabled false)",
      command: enableExtensionsCommand(osType),
    });
  }
  for (const handler of handlers) {
    if (configuration.extensionsBlockList.some((entry) => sameExtension(entry, handler))) {
      blockers.push({
        reason: `the extension blocklist contains ${nameOf(handler)}`,
        command: unblockExtensionCommand(osType, handler),
      });
    }
    if (
      configuration.extensionsAllowList.length > 0 &&
      !configuration.extensionsAllowList.some((entry) => sameExtension(entry, handler))
    ) {
      blockers.push({
        reason: `the extension allowlist (${listed(configuration.extensionsAllowList)}) lacks ${nameOf(handler)}`,
        command: allowExtensionCommand(osType, handler),
      });
    }
  }
  return blockers;
}

export function isMonitorMode(machine: Pick<ArcMachine, "agentConfiguration">): boolean {
  return machine.agentConfiguration.configMode.trim().toLowerCase() === "monitor";
}

function sameExtension(a: ExtensionIdentity, b: ExtensionIdentity): boolean {
  return (
    a.publisher.toLowerCase() === b.publisher.toLowerCase() && a.type.toLowerCase() === b.type.toLowerCase()
  );
}

/** At most five names: the list comes from the machine and may be long. */
function listed(extensions: readonly ExtensionIdentity[]): string {
  const names = extensions.slice(0, 5).map(nameOf).join(", ");
  return extensions.length > 5 ? `${names} and ${extensions.length - 5} more` : names;
}

function nameOf(extension: ExtensionIdentity): string {
  return shorten(`${extension.publisher}/${extension.type}`, 100);
}
