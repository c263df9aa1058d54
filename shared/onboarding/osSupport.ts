// Whether SSH over Arc supports the machine's operating system, by the 2022 SSH-over-Arc
// preview doc's list (docs/azure-facts.md §8): Windows 7+ / Server 2012+; CentOS 7 and 8; RHEL 7.4–7.10 and
// 8.3+; SLES 12 and 15.1+; Ubuntu Server 16.04–20.04. The current doc has no list — any OS with
// sshd (docs/azure-facts.md §8) — which is why the policy only warns by default. Versions compare per
// numeric part like agent versions (RHEL 7.10 > 7.9).
import type { ArcMachine } from "../azure/machines";
import {
  type AgentVersion,
  compareAgentVersions,
  isAgentVersion,
  parseAgentVersion,
} from "../validation/agentVersion";

export type OsSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };

type OsFacts = Pick<ArcMachine, "osType" | "osName" | "osVersion" | "osSku">;

interface Range {
  readonly from: string;
  /** Inclusive; open-ended when absent. Compared on the parts it has (`7.10` covers 7.10.x). */
  readonly to?: string;
}

const linuxSupport: readonly {
  readonly family: string;
  readonly pattern: RegExp;
  readonly ranges: readonly Range[];
}[] = [
  { family: "Ubuntu", pattern: /ubuntu/, ranges: [{ from: "16.04", to: "20.04" }] },
  { family: "CentOS", pattern: /centos/, ranges: [{ from: "7", to: "8" }] },
  {
    family: "RHEL",
    pattern: /red\s*hat|rhel/,
    ranges: [{ from: "7.4", to: "7.10" }, { from: "8.3" }],
  },
  { family: "SLES", pattern: /sles|suse/, ranges: [{ from: "12", to: "12" }, { from: "15.1" }] },
];

export function checkOsSupport(machine: OsFacts): OsSupport {
  const osType = (machine.osType ?? "").trim().toLowerCase();
  const described = [machine.osName, machine.osSku].filter(Boolean).join(" ").trim() || "an unknown OS";
  if (osType === "windows") return windowsSupport(machine, described);
  if (osType !== "linux") {
    return { supported: false, reason: `osType '${machine.osType ?? ""}' is neither windows nor linux` };
  }
  const text = `${machine.osName ?? ""} ${machine.osSku ?? ""}`.toLowerCase();
  const distribution = linuxSupport.find((entry) => entry.pattern.test(text));
  if (!distribution) {
    return {
      supported: false,
      reason: `${described} is not on the SSH-over-Arc list (Ubuntu, CentOS, RHEL, SLES)`,
    };
  }
  const version = versionOf(machine.osVersion) ?? versionOf(machine.osSku);
  if (!version) return { supported: false, reason: `${described} reports no version to check` };
  const supported = distribution.ranges.some((range) => within(version, range));
  return supported
    ? { supported: true }
    : {
        supported: false,
        reason: `${distribution.family} ${version.text} is outside the supported ${distribution.family} versions (${distribution.ranges
          .map((r) => (r.to === undefined ? `${r.from}+` : r.to === r.from ? r.from : `${r.from}–${r.to}`))
          .join(", ")})`,
      };
}

function windowsSupport(machine: OsFacts, described: string): OsSupport {
  const name = `${machine.osName ?? ""} ${machine.osSku ?? ""}`.toLowerCase();
  const isServer = /server/.test(name);
  // Windows reports the NT version (10.0.20348); 6.1 is Windows 7 / Server 2008 R2, 6.2 is Server 2012.
  const nt = versionOf(machine.osVersion);
  if (nt) {
    const minimum = isServer ? "6.2" : "6.1";
    return compareAgentVersions(nt, minimum) >= 0
      ? { supported: true }
      : {
          supported: false,
          reason: `${described} (NT ${nt.text}) predates ${isServer ? "Windows Server 2012" : "Windows 7"}`,
        };
  }
  const year = /server\s+(\d{4})/.exec(name)?.[1];
  if (year !== undefined) {
    return Number(year) >= 2012
      ? { supported: true }
      : { supported: false, reason: `${described} predates Windows Server 2012` };
  }
  return { supported: false, reason: `${described} reports no version to check` };
}

function within(version: AgentVersion, range: Range): boolean {
  if (compareAgentVersions(version, range.from) < 0) return false;
  if (range.to === undefined) return true;
  // Compare only as many parts as the bound has: `7.10` includes 7.10.1, `8` includes 8.9.
  const bound = parseAgentVersion(range.to);
  const truncated = { text: version.text, parts: version.parts.slice(0, bound.parts.length) };
  return compareAgentVersions(truncated, bound) <= 0;
}

function versionOf(text: string | undefined): AgentVersion | undefined {
  if (text === undefined) return undefined;
  // Strip what distributions append (`20.04.6 LTS`, `8.4 (Ootpa)`) and keep at most 4 parts.
  const match = /\d{1,9}(\.\d{1,9}){0,3}/.exec(text);
  return match && isAgentVersion(match[0]) ? parseAgentVersion(match[0]) : undefined;
}
