// The exact commands an operator runs on a machine when arc-autopilot cannot act from Azure.
// Local security controls "can only be configured by running a command on the server itself,
// and they can't be modified from Azure" ([docs] azure-management-docs security-extensions.md),
// so for these the plan stops with `needs-local-action` and hands over these lines.
// Sources for each command are on the function; Windows lines run in an elevated PowerShell,
// Linux lines with sudo, as the docs show them.
import { z } from "zod";

import { agentSettings, azcmagentLine, type OsType, osTypeOf } from "../azure/agentCommands";
import type { ArcMachine, ExtensionIdentity } from "../azure/machines";

export const localActionSchema = z.strictObject({
  osType: z.enum(["windows", "linux", "unknown"]),
  /** Run in order on the machine. */
  commands: z.array(z.string().max(8192)).readonly(),
  /** What the commands do and how to run them. */
  explanation: z.string().max(8192),
});

export type LocalAction = z.output<typeof localActionSchema>;

/** Run Command's handler extension per OS ([docs] security-extensions.md; docs/azure-facts.md §6). */
export function runCommandHandlerFor(osType: "windows" | "linux"): ExtensionIdentity {
  return {
    publisher: "Microsoft.CPlat.Core",
    type: osType === "windows" ? "RunCommandHandlerWindows" : "RunCommandHandlerLinux",
  };
}

/** Leaves monitor mode: `azcmagent config set config.mode full` ([docs] security-extensions.md "Agent monitor mode"). */
export function fullModeCommand(osType: OsType): string {
  return azcmagentLine(osType, "operator", agentSettings.fullMode);
}

/** Sets how the agent reaches Azure: `azcmagent config set connection.type direct|gateway` (docs/azure-facts.md §4). */
export function connectionTypeCommand(osType: OsType, connectionType: "direct" | "gateway"): string {
  return azcmagentLine(osType, "operator", agentSettings.connectionType(connectionType));
}

/** Re-enables the extension manager: `azcmagent config set extensions.enabled true` ([docs] security-extensions.md). */
export function enableExtensionsCommand(osType: OsType): string {
  return azcmagentLine(osType, "operator", agentSettings.enableExtensions);
}

/** Appends to the allowlist, keeping it: `--add` ([docs] azcmagent-config.md "azcmagent config set"). */
export function allowExtensionCommand(osType: OsType, extension: ExtensionIdentity): string {
  return azcmagentLine(osType, "operator", agentSettings.allowExtension(extension));
}

/** Removes one entry from the blocklist, keeping the rest: `--remove` ([docs] azcmagent-config.md). */
export function unblockExtensionCommand(osType: OsType, extension: ExtensionIdentity): string {
  return azcmagentLine(osType, "operator", agentSettings.unblockExtension(extension));
}

/** Adds the SSH port to the agent's incoming-connections list without dropping the others. */
export function addIncomingPortCommand(osType: OsType, port: number): string {
  return azcmagentLine(osType, "operator", agentSettings.addIncomingPort(port));
}

/**
 * Upgrading the agent, per [docs] azure-management-docs manage-agent.md "Upgrade the agent":
 * Windows installs the latest MSI from https://aka.ms/AzureConnectedMachineAgent; Linux uses the
 * distribution's package manager (apt, yum, zypper). `azcmagent upgrade` needs agent 1.62+
 * ([docs] azcmagent-upgrade.md), which a machine below the minimum never has.
 */
export function upgradeAgentAction(machine: Pick<ArcMachine, "osType" | "osName" | "osSku">): LocalAction {
  const osType = osTypeOf(machine.osType);
  if (osType === "windows") {
    return {
      osType,
      commands: [
        "Invoke-WebRequest -UseBasicParsing -Uri https://aka.ms/AzureConnectedMachineAgent -OutFile AzureConnectedMachineAgent.msi",
        "msiexec.exe /i AzureConnectedMachineAgent.msi /qn /l*v azcmagentupgradesetup.log",
      ],
      explanation:
        "In an elevated PowerShell, download the latest agent installer and run it; it upgrades the installed agent in place (Microsoft Update can deliver it too).",
    };
  }
  if (osType === "linux") {
    const text = `${machine.osName ?? ""} ${machine.osSku ?? ""}`.toLowerCase();
    if (/ubuntu|debian/.test(text)) {
      return {
        osType,
        commands: ["sudo apt update", "sudo apt upgrade azcmagent"],
        explanation: "Upgrade the agent package with apt.",
      };
    }
    if (/red\s*hat|rhel|centos|oracle|amazon|rocky|alma|fedora/.test(text)) {
      return {
        osType,
        commands: ["sudo yum update azcmagent"],
        explanation: "Upgrade the agent package with yum.",
      };
    }
    if (/suse|sles/.test(text)) {
      return {
        osType,
        commands: ["sudo zypper refresh", "sudo zypper update azcmagent"],
        explanation: "Upgrade the agent package with zypper.",
      };
    }
    return {
      osType,
      commands: [
        "sudo apt update && sudo apt upgrade azcmagent",
        "sudo yum update azcmagent",
        "sudo zypper refresh && sudo zypper update azcmagent",
      ],
      explanation:
        "Run the one line for the machine's package manager: apt (Ubuntu, Debian), yum (RHEL family) or zypper (SLES).",
    };
  }
  return {
    osType,
    commands: [],
    explanation:
      "The machine reports no OS type; upgrade the Connected Machine agent as described in 'Upgrade the agent' (learn.microsoft.com/azure/azure-arc/servers/manage-agent).",
  };
}
