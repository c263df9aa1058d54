import { upgradeAgentAction } from "../../shared/onboarding/localActions";
import { runCommandBlockers } from "../../shared/onboarding/runCommandReadiness";
import { machine } from "./fixtures";

describe("the commands an operator runs to upgrade an agent that is too old", () => {
  test.each([
    ["Ubuntu", "Ubuntu 20.04.6 LTS", ["sudo apt update", "sudo apt upgrade azcmagent"]],
    ["Debian GNU/Linux", "", ["sudo apt update", "sudo apt upgrade azcmagent"]],
    ["Red Hat Enterprise Linux", "", ["sudo yum update azcmagent"]],
    ["CentOS Linux", "", ["sudo yum update azcmagent"]],
    ["Oracle Linux Server", "", ["sudo yum update azcmagent"]],
    ["SUSE Linux Enterprise Server", "", ["sudo zypper refresh", "sudo zypper update azcmagent"]],
  ])("%s upgrades with its package manager", (osName, osSku, commands) => {
    expect(upgradeAgentAction({ osType: "linux", osName, osSku }).commands).toEqual(commands);
  });

  test("an unrecognised Linux gets one line per package manager and is told to pick", () => {
    const action = upgradeAgentAction({ osType: "linux", osName: "Mystery Linux" });
    expect(action.commands).toHaveLength(3);
    expect(action.explanation).toMatch(/apt.*yum.*zypper/);
  });

  test("Windows downloads and runs the MSI; no OS type gets the documentation instead of a guess", () => {
    expect(upgradeAgentAction({ osType: "Windows" }).commands[1]).toMatch(
      /^msiexec\.exe \/i AzureConnectedMachineAgent\.msi \/qn/,
    );
    expect(upgradeAgentAction({})).toMatchObject({ osType: "unknown", commands: [] });
  });
});

describe("what a machine reports cannot leak unbounded into a reason", () => {
  test("a long allowlist is cut to five names", () => {
    const allowList = Array.from({ length: 40 }, (_, n) => ({ publisher: "Contoso", type: `Extension${n}` }));
    const [blocker] = runCommandBlockers(machine({}, { extensionsAllowList: allowList }));
    expect(blocker?.reason).toMatch(/Contoso\/Extension4 and 35 more\) lacks/);
  });
});
