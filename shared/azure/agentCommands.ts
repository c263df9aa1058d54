// Every `azcmagent` line arc-autopilot writes, built in one place for both ways a line reaches a
// machine: as a Run Command script (runs as root / LocalSystem, docs/azure-facts.md §6) or as a
// command handed to the machine's owner when only a local command can help. The agent's local
// settings are read-only in ARM (docs/azure-facts.md §5, §7), so these lines are the only way to
// change them: `connection.type gateway|direct` for agents ≤ 1.50 (§4), `incomingconnections.ports`
// for agents that predate SSH service configurations (§8), and the local security controls.
// Pure: no I/O, only text.
import { ValidationError } from "../errors";
import type { ExtensionIdentity } from "./machines";

/** The machine's OS as far as a command is concerned; `unknown` when it reports neither. */
export type OsType = "windows" | "linux" | "unknown";
/** An OS a script can be built for. */
export type AgentOsType = Exclude<OsType, "unknown">;
export type ConnectionType = "gateway" | "direct";

/**
 * Who runs the line. Run Command has no azcmagent on PATH on Windows, so the agent is called
 * under Program Files (ProgramW6432 is the 64-bit one even from a 32-bit host process); it already
 * runs as root on Linux. An operator runs it in an elevated PowerShell (Windows) or with sudo
 * (Linux), as the docs show it.
 */
export type CommandRunner = "runCommand" | "operator";

const windowsAgentPath = '& "$env:ProgramW6432\\AzureConnectedMachineAgent\\azcmagent.exe"';

/** The machine's `osType` as the agent reports it (`windows`, `linux`, any casing). */
export function osTypeOf(osType: string | undefined): OsType {
  const lower = (osType ?? "").trim().toLowerCase();
  return lower === "windows" || lower === "linux" ? lower : "unknown";
}

/** The OS a script is built for; ValidationError when the machine reports neither Windows nor Linux. */
export function agentOsTypeOf(osType: string | undefined): AgentOsType {
  const known = osTypeOf(osType);
  if (known !== "unknown") return known;
  throw new ValidationError(
    `Cannot build an agent command for osType '${osType ?? ""}': expected 'windows' or 'linux'`,
    "UnsupportedOsType",
  );
}

/** One `azcmagent` line: the agent's invocation for the OS and runner, then the arguments. */
export function azcmagentLine(osType: string | undefined, runner: CommandRunner, args: string): string {
  if (runner === "runCommand") {
    return `${agentOsTypeOf(osType) === "windows" ? windowsAgentPath : "azcmagent"} ${args}`;
  }
  return `${osTypeOf(osType) === "linux" ? "sudo " : ""}azcmagent ${args}`;
}

/** The arguments of each `azcmagent config set` arc-autopilot uses ([docs] azcmagent-config.md). */
export const agentSettings = {
  /** How the agent reaches Azure (docs/azure-facts.md §4). */
  connectionType(connectionType: ConnectionType): string {
    if (connectionType !== "gateway" && connectionType !== "direct") {
      throw new ValidationError(
        `Unknown connection type '${String(connectionType)}': expected 'gateway' or 'direct'`,
      );
    }
    return `config set connection.type ${connectionType}`;
  },
  /** The whole incoming-ports list, which replaces the agent's: merge first. */
  incomingPorts(ports: readonly (string | number)[]): string {
    const normalized = normalizePorts(ports);
    if (normalized.length === 0) {
      throw new ValidationError("At least one incoming port is needed; an empty list would close every port");
    }
    return `config set incomingconnections.ports ${normalized.join(",")}`;
  },
  /**
   * Adds one port, keeping the others: `--add` is documented for multi-value properties; the agent
   * version that introduced it is [UNVERIFIED].
   */
  addIncomingPort(port: number): string {
    return `config set incomingconnections.ports ${port} --add`;
  },
  /** Leaves monitor mode ([docs] security-extensions.md "Agent monitor mode"). */
  fullMode: "config set config.mode full",
  /** Re-enables the extension manager ([docs] security-extensions.md). */
  enableExtensions: "config set extensions.enabled true",
  /** Appends to the allowlist, keeping it. */
  allowExtension(extension: ExtensionIdentity): string {
    return `config set extensions.allowlist "${extension.publisher}/${extension.type}" --add`;
  },
  /** Removes one entry from the blocklist, keeping the rest. */
  unblockExtension(extension: ExtensionIdentity): string {
    return `config set extensions.blocklist "${extension.publisher}/${extension.type}" --remove`;
  },
} as const;

/** Run Command script: `azcmagent config set connection.type gateway` (or `direct`, to detach the agent first). */
export function connectionTypeScript(osType: string | undefined, connectionType: ConnectionType): string {
  return azcmagentLine(osType, "runCommand", agentSettings.connectionType(connectionType));
}

/** Run Command script: `azcmagent config set incomingconnections.ports 22,3389`. The list replaces the agent's; merge first. */
export function incomingPortsScript(osType: string | undefined, ports: readonly (string | number)[]): string {
  return azcmagentLine(osType, "runCommand", agentSettings.incomingPorts(ports));
}

/** The ports already open plus the wanted ones, in that order, without duplicates: never drop an open port. */
export function mergeIncomingPorts(
  current: readonly (string | number)[],
  wanted: readonly (string | number)[],
): string[] {
  return normalizePorts([...current, ...wanted]);
}

/** Validated (whole numbers 1–65535), canonical (`022` → `22`), de-duplicated, order kept. */
export function normalizePorts(ports: readonly (string | number)[]): string[] {
  const out: string[] = [];
  for (const port of ports) {
    const text = String(port).trim();
    const value = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(value >= 1 && value <= 65535)) {
      throw new ValidationError(
        `'${text}' is not a port: expected a whole number from 1 to 65535`,
        "InvalidPort",
      );
    }
    const canonical = String(value);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}
