// The Connected Machine agent as a run command meets it: a tiny interpreter for the scripts
// arc-autopilot sends, which understands the `azcmagent config` commands that matter to it and
// runs nothing else. It is pure: it reports what would change and the caller applies it.
//
// Linux scripts run under bash, Windows scripts under Windows PowerShell 5.1 (the Run Command
// handler's shell), so `sudo` fails on Windows, `& "...\azcmagent.exe"` fails on Linux, and `&&`
// is a parse error on Windows, as they would be on a real machine.
import type { AgentConnectionType } from "./machineRecords";

export interface AgentSnapshot {
  /** `windows` or `linux`, as `properties.osType` says. */
  readonly osType: string;
  readonly status: string;
  readonly agentVersion: string;
  readonly connectionType: AgentConnectionType;
  readonly incomingConnectionsPorts: readonly string[];
}

export interface AgentChanges {
  connectionType?: AgentConnectionType;
  incomingConnectionsPorts?: string[];
}

export interface ScriptOutcome {
  readonly exitCode: number;
  readonly output: string;
  readonly error: string;
  readonly changes: AgentChanges;
}

type Shell = "bash" | "powershell";

/** When a statement runs: always (`;`, newline), after success (`&&`) or after failure (`||`). */
interface Statement {
  readonly text: string;
  readonly runIf: "always" | "success" | "failure";
  readonly line: number;
}

interface CommandResult {
  readonly exitCode: number;
  readonly output?: string;
  readonly error?: string;
  /** `exit N` ends the script. */
  readonly stop?: boolean;
}

interface Session {
  readonly shell: Shell;
  readonly agent: AgentSnapshot;
  connectionType: AgentConnectionType;
  ports: string[];
  readonly changes: AgentChanges;
}

const windowsEnvironment: Readonly<Record<string, string>> = {
  programw6432: "C:\\Program Files",
  programfiles: "C:\\Program Files",
  systemroot: "C:\\Windows",
};

export function runScript(
  script: string,
  agent: AgentSnapshot,
  parameters: Readonly<Record<string, string>> = {},
): ScriptOutcome {
  const shell: Shell = agent.osType.toLowerCase() === "windows" ? "powershell" : "bash";
  const parsed = statementsOf(substitute(script, shell, parameters), shell);
  if ("parseError" in parsed) return { exitCode: 1, output: "", error: parsed.parseError, changes: {} };
  const session: Session = {
    shell,
    agent,
    connectionType: agent.connectionType,
    ports: [...agent.incomingConnectionsPorts],
    changes: {},
  };
  const output: string[] = [];
  const error: string[] = [];
  let exitCode = 0;
  for (const statement of parsed.statements) {
    if (statement.runIf === "success" && exitCode !== 0) continue;
    if (statement.runIf === "failure" && exitCode === 0) continue;
    const result = execute(wordsOf(statement.text, shell), session);
    exitCode = result.exitCode;
    if (result.output) output.push(result.output);
    if (result.error) error.push(result.error);
    if (result.stop) break;
  }
  return { exitCode, output: output.join("\n"), error: error.join("\n"), changes: session.changes };
}

/** Run command parameters reach bash as environment variables and PowerShell as script parameters. */
function substitute(script: string, shell: Shell, parameters: Readonly<Record<string, string>>): string {
  if (shell === "bash") {
    return script.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
      const name = braced ?? bare ?? "";
      return Object.prototype.hasOwnProperty.call(parameters, name) ? (parameters[name] ?? "") : whole;
    });
  }
  const lowered = new Map(Object.entries(parameters).map(([name, value]) => [name.toLowerCase(), value]));
  return script.replace(/\$env:(\w+)|\$(\w+)/gi, (whole, envName?: string, variable?: string) => {
    if (envName !== undefined)
      return windowsEnvironment[envName.toLowerCase()] ?? lowered.get(envName.toLowerCase()) ?? whole;
    return lowered.get((variable ?? "").toLowerCase()) ?? whole;
  });
}

/** Splits a script into statements on newlines, `;`, `&&` and `||` outside quotes; drops comments. */
function statementsOf(script: string, shell: Shell): { statements: Statement[] } | { parseError: string } {
  const statements: Statement[] = [];
  const lines = script.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    let quote: string | undefined;
    let current = "";
    let runIf: Statement["runIf"] = "always";
    const push = (next: Statement["runIf"]) => {
      if (current.trim()) statements.push({ text: current.trim(), runIf, line: index + 1 });
      current = "";
      runIf = next;
    };
    for (let i = 0; i < line.length; i++) {
      const char = line[i] ?? "";
      const pair = line.slice(i, i + 2);
      if (quote) {
        if (char === quote) quote = undefined;
        current += char;
      } else if (char === '"' || char === "'") {
        quote = char;
        current += char;
      } else if (char === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) {
        break;
      } else if (pair === "&&" || pair === "||") {
        if (shell === "powershell") {
          return {
            parseError: `At line:${index + 1} char:${i + 1}\nThe token '${pair}' is not a valid statement separator in this version.\n    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException`,
          };
        }
        push(pair === "&&" ? "success" : "failure");
        i++;
      } else if (char === ";") {
        push("always");
      } else {
        current += char;
      }
    }
    push("always");
  }
  return { statements };
}

/** Words with their quotes removed; bash backslash escapes apply outside single quotes. */
function wordsOf(text: string, shell: Shell): string[] {
  const words: string[] = [];
  let current = "";
  let started = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? "";
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (shell === "bash" && char === "\\" && i + 1 < text.length) {
      current += text[++i] ?? "";
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(current);
      current = "";
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

function execute(words: string[], session: Session): CommandResult {
  const [first, ...rest] = words;
  if (first === undefined) return { exitCode: 0 };
  const name = first.toLowerCase();
  if (name === "exit") return { exitCode: Number.parseInt(rest[0] ?? "0", 10) || 0, stop: true };
  if (isShellSetting(words, session.shell)) return { exitCode: 0 };
  if (name === "sudo") {
    if (session.shell === "bash") return execute(rest, session);
    return notRecognised(first);
  }
  if (first.startsWith("&")) {
    if (session.shell === "bash")
      return { exitCode: 2, error: "bash: syntax error near unexpected token `&'" };
    // PowerShell's call operator, written `& "path"` or `&"path"`.
    return execute(first === "&" ? rest : [first.slice(1), ...rest], session);
  }
  if (["echo", "write-host", "write-output"].includes(name)) return { exitCode: 0, output: rest.join(" ") };
  const program = programOf(first, session.shell);
  if (program === "azcmagent") return azcmagent(rest, session);
  if (program === "missing") {
    return session.shell === "bash"
      ? { exitCode: 127, error: `bash: ${first}: command not found` }
      : notRecognised(first);
  }
  return { exitCode: 0, output: `[emulated agent] '${first}' is not emulated; it ran with no effect.` };
}

function notRecognised(command: string): CommandResult {
  return {
    exitCode: 1,
    error: `${command} : The term '${command}' is not recognized as the name of a cmdlet, function, script file, or operable program.`,
  };
}

/** `set -e`, `$ErrorActionPreference = 'Stop'` and friends: they shape the shell, not the agent. */
function isShellSetting(words: readonly string[], shell: Shell): boolean {
  const [first = "", second] = words;
  if (shell === "bash") return first === "set" || /^\w+=/.test(first);
  return first.startsWith("$") && (second === "=" || first.includes("="));
}

/** Is this word the agent's CLI, a Windows-only program on Linux, or something else? */
function programOf(word: string, shell: Shell): "azcmagent" | "missing" | "other" {
  const base = (word.split(/[\\/]/).pop() ?? word).toLowerCase();
  if (shell === "bash") {
    if (base === "azcmagent" && !word.includes("\\")) return "azcmagent";
    return base.endsWith(".exe") || word.includes("\\") ? "missing" : "other";
  }
  return base === "azcmagent" || base === "azcmagent.exe" ? "azcmagent" : "other";
}

function azcmagent(args: readonly string[], session: Session): CommandResult {
  const positional = args.filter((arg) => !arg.startsWith("-"));
  const [command = "", action = "", ...values] = positional.map((word, i) =>
    i < 2 ? word.toLowerCase() : word,
  );
  if (command === "config" && action === "set") return configSet(values, session);
  if (command === "config" && action === "get") return configGet(values, session);
  if (command === "config" && action === "clear") return configClear(values, session);
  if (command === "config" && action === "list") return { exitCode: 0, output: configListing(session) };
  if (command === "show") {
    return {
      exitCode: 0,
      output: `Agent Status: ${session.agent.status}\nAgent Version: ${session.agent.agentVersion}\nConnection Type: ${session.connectionType}`,
    };
  }
  return {
    exitCode: 0,
    output: `[emulated agent] 'azcmagent ${args.join(" ")}' is not emulated; it had no effect.`,
  };
}

function configSet(values: readonly string[], session: Session): CommandResult {
  if (values.length !== 2)
    return { exitCode: 1, error: `Error: accepts 2 arg(s), received ${values.length}` };
  const [key = "", value = ""] = values;
  switch (key.toLowerCase()) {
    case "connection.type":
      return setConnectionType(value, session);
    case "incomingconnections.ports":
      return setPorts(value, session);
    default:
      return {
        exitCode: 0,
        output: `[emulated agent] config property '${key}' is not emulated; it had no effect.`,
      };
  }
}

function setConnectionType(value: string, session: Session): CommandResult {
  const connectionType = value.toLowerCase();
  if (connectionType !== "gateway" && connectionType !== "direct") {
    return {
      exitCode: 1,
      error: `Error: invalid value '${value}' for connection.type: expected 'gateway' or 'direct'`,
    };
  }
  session.connectionType = connectionType;
  session.changes.connectionType = connectionType;
  return { exitCode: 0, output: `Config property connection.type set to ${connectionType}` };
}

/** Like the real command, the list given replaces the configured ports; nothing is merged. */
function setPorts(value: string, session: Session): CommandResult {
  const ports = value
    .split(",")
    .map((port) => port.trim())
    .filter(Boolean);
  const invalid = ports.find((port) => !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535);
  if (ports.length === 0 || invalid !== undefined) {
    return {
      exitCode: 1,
      error: `Error: invalid value '${value}' for incomingconnections.ports: expected a comma-separated list of ports from 1 to 65535`,
    };
  }
  session.ports = ports;
  session.changes.incomingConnectionsPorts = ports;
  return { exitCode: 0, output: `Config property incomingconnections.ports set to ${ports.join(",")}` };
}

function configGet(values: readonly string[], session: Session): CommandResult {
  const [key = ""] = values;
  switch (key.toLowerCase()) {
    case "connection.type":
      return { exitCode: 0, output: session.connectionType };
    case "incomingconnections.ports":
      return { exitCode: 0, output: session.ports.join(",") };
    default:
      return { exitCode: 0, output: `[emulated agent] config property '${key}' is not emulated.` };
  }
}

function configClear(values: readonly string[], session: Session): CommandResult {
  const [key = ""] = values;
  switch (key.toLowerCase()) {
    case "connection.type":
      session.connectionType = "direct";
      session.changes.connectionType = "direct";
      return { exitCode: 0, output: "Config property connection.type cleared" };
    case "incomingconnections.ports":
      session.ports = [];
      session.changes.incomingConnectionsPorts = [];
      return { exitCode: 0, output: "Config property incomingconnections.ports cleared" };
    default:
      return {
        exitCode: 0,
        output: `[emulated agent] config property '${key}' is not emulated; it had no effect.`,
      };
  }
}

function configListing(session: Session): string {
  return `connection.type: ${session.connectionType}\nincomingconnections.ports: ${session.ports.join(",")}`;
}
