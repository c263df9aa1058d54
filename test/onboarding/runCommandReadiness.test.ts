import type { ArcMachine } from "../../shared/azure/machines";
import { runCommandBlockers } from "../../shared/onboarding/runCommandReadiness";
import { machine } from "./fixtures";

const handlerLinux = { publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerLinux" };
const handlerWindows = { publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerWindows" };
const monitorAgent = { publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent" };

const on = (osType: string | undefined, configuration: Partial<ArcMachine["agentConfiguration"]>) =>
  machine({ osType }, configuration);

describe("whether Run Command can reach a machine", () => {
  test.each<[string, ArcMachine, string[]]>([
    ["a default agent lets Run Command through", on("linux", {}), []],
    [
      "an allowlist with the handler lets it through",
      on("linux", { extensionsAllowList: [monitorAgent, handlerLinux] }),
      [],
    ],
    [
      "a blocklist of other extensions lets it through",
      on("linux", { extensionsBlockList: [monitorAgent] }),
      [],
    ],
    [
      "an allowlist without the handler blocks it, and --add keeps the list",
      on("linux", { extensionsAllowList: [monitorAgent] }),
      ['sudo azcmagent config set extensions.allowlist "Microsoft.CPlat.Core/RunCommandHandlerLinux" --add'],
    ],
    [
      "Allow/None (extension manager on, nothing allowed) blocks it",
      on("windows", { extensionsAllowList: [{ publisher: "Allow", type: "None" }] }),
      ['azcmagent config set extensions.allowlist "Microsoft.CPlat.Core/RunCommandHandlerWindows" --add'],
    ],
    [
      "the Windows handler on a Linux machine's allowlist does not count",
      on("linux", { extensionsAllowList: [handlerWindows] }),
      ['sudo azcmagent config set extensions.allowlist "Microsoft.CPlat.Core/RunCommandHandlerLinux" --add'],
    ],
    [
      "the docs' own blocklist spelling (Microsoft.Cplat.Core) is recognised",
      on("windows", {
        extensionsBlockList: [{ publisher: "Microsoft.Cplat.Core", type: "RunCommandHandlerWindows" }],
      }),
      ['azcmagent config set extensions.blocklist "Microsoft.CPlat.Core/RunCommandHandlerWindows" --remove'],
    ],
    [
      "a disabled extension manager blocks it",
      on("linux", { extensionsEnabled: false }),
      ["sudo azcmagent config set extensions.enabled true"],
    ],
    [
      "monitor mode blocks it, alone: its lists cannot be edited until full mode",
      on("linux", { configMode: "monitor", extensionsAllowList: [monitorAgent], extensionsEnabled: false }),
      ["sudo azcmagent config set config.mode full"],
    ],
  ])("%s", (_story, target, commands) => {
    expect(runCommandBlockers(target).map((b) => b.command)).toEqual(commands);
  });

  test("an unknown OS is checked against both handlers", () => {
    expect(
      runCommandBlockers(on(undefined, { extensionsAllowList: [handlerLinux] })).map((b) => b.command),
    ).toEqual([
      'azcmagent config set extensions.allowlist "Microsoft.CPlat.Core/RunCommandHandlerWindows" --add',
    ]);
  });

  test("each blocker says what blocks", () => {
    expect(runCommandBlockers(on("linux", { extensionsAllowList: [monitorAgent] }))[0]?.reason).toBe(
      "the extension allowlist (Microsoft.Azure.Monitor/AzureMonitorLinuxAgent) lacks Microsoft.CPlat.Core/RunCommandHandlerLinux",
    );
  });
});
