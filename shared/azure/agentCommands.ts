// The `azcmagent config set` lines arc-autopilot runs on a machine through Run Command. The
// agent's local settings are read-only in ARM (docs/azure-facts.md §5, §7), so this is the only remote way:
// `connection.type gateway|direct` for agents ≤ 1.50 (§4) and `incomingconnections.ports` for
// agents that predate SSH service configurations (§8). Pure: no I/O, only text.
import { ValidationError } from "../errors";

export type AgentOsType = "windows" | "linux";
export type ConnectionType = "gateway" | "direct";

// Windows has no azcmagent on PATH inside Run Command; the agent installs under Program Files
// (ProgramW6432 is the 64-bit one even from a 32-bit host process).
const windowsAgent = '& "$env:ProgramW6432\\AzureConnectedMachineAgent\\azcmagent.exe"';
const linuxAgent = "azcmagent";

/** The machine's `osType` as the agent reports it (`windows`, `linux`, any casing). */
export function agentOsTypeOf(osType: string | undefined): AgentOsType {
  const lower = (osType ?? "").trim().toLowerCase();
  if (lower === "windows" || lower === "linux") return lower;
  throw new ValidationError(
    `Cannot build an agent command for osType '${osType ?? ""}': expected 'windows' or 'linux'`,
    "UnsupportedOsType",
  );
}

function agentCommand(osType: string | undefined, args: string): string {
  return `${agentOsTypeOf(osType) === "windows" ? windowsAgent : linuxAgent} ${args}`;
}

/** `azcmagent config set connection.type gateway` (or `direct`, to detach the agent first). */
export function connectionTypeScript(osType: string | undefined, connectionType: ConnectionType): string {
  if (connectionType !== "gateway" && connectionType !== "direct") {
    throw new ValidationError(
      `Unknown connection type '${String(connectionType)}': expected 'gateway' or 'direct'`,
    );
  }
  return agentCommand(osType, `config set connection.type ${connectionType}`);
}

/** `azcmagent config set incomingconnections.ports 22,3389`. The list replaces the agent's; merge first. */
export function incomingPortsScript(osType: string | undefined, ports: readonly (string | number)[]): string {
  const normalized = normalizePorts(ports);
  if (normalized.length === 0) {
    throw new ValidationError("At least one incoming port is needed; an empty list would close every port");
  }
  return agentCommand(osType, `config set incomingconnections.ports ${normalized.join(",")}`);
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
