import { checkOsSupport } from "../../shared/onboarding/osSupport";

const linux = (osName: string, osVersion?: string, osSku?: string) => ({
  osType: "linux",
  osName,
  ...(osVersion === undefined ? {} : { osVersion }),
  ...(osSku === undefined ? {} : { osSku }),
});
const windows = (osName: string, osVersion?: string) => ({
  osType: "windows",
  osName,
  ...(osVersion === undefined ? {} : { osVersion }),
});

describe("OS support for SSH over Arc (the seed's list)", () => {
  test.each([
    ["Ubuntu 16.04", linux("Ubuntu", "16.04"), true],
    ["Ubuntu 20.04.6", linux("Ubuntu", "20.04.6"), true],
    ["Ubuntu 22.04", linux("Ubuntu", "22.04"), false],
    ["Ubuntu 14.04", linux("Ubuntu", "14.04"), false],
    ["Ubuntu, version only in the SKU", linux("Ubuntu", undefined, "Ubuntu 18.04.6 LTS"), true],
    ["CentOS 7", linux("CentOS Linux", "7.9.2009"), true],
    ["CentOS 8", linux("CentOS Linux", "8.5"), true],
    ["CentOS 6", linux("CentOS Linux", "6.10"), false],
    ["RHEL 7.4", linux("Red Hat Enterprise Linux", "7.4"), true],
    ["RHEL 7.10 (compared as numbers, above 7.9)", linux("Red Hat Enterprise Linux", "7.10"), true],
    ["RHEL 7.3", linux("Red Hat Enterprise Linux", "7.3"), false],
    ["RHEL 8.2", linux("rhel", "8.2"), false],
    ["RHEL 8.3", linux("rhel", "8.3"), true],
    ["RHEL 9.4", linux("Red Hat Enterprise Linux", "9.4 (Plow)"), true],
    ["SLES 12 SP5", linux("SUSE Linux Enterprise Server", "12.5"), true],
    ["SLES 15", linux("SLES", "15"), false],
    ["SLES 15 SP1", linux("SLES", "15.1"), true],
    ["Debian 12", linux("Debian GNU/Linux", "12"), false],
    ["Windows Server 2012 (NT 6.2)", windows("Windows Server 2012 Datacenter", "6.2.9200"), true],
    ["Windows Server 2008 R2 (NT 6.1)", windows("Windows Server 2008 R2 Datacenter", "6.1.7601"), false],
    ["Windows 7 (NT 6.1)", windows("Windows 7 Enterprise", "6.1.7601"), true],
    ["Windows Server 2022", windows("Windows Server 2022 Datacenter", "10.0.20348"), true],
    ["Windows Server 2016, no version reported", windows("Windows Server 2016 Standard"), true],
    ["Windows Server 2008, no version reported", windows("Windows Server 2008 Standard"), false],
  ])("%s is supported: %s", (_name, machine, supported) => {
    expect(checkOsSupport(machine).supported).toBe(supported);
  });

  test("an unsupported OS comes with a reason naming the supported range", () => {
    expect(checkOsSupport(linux("Ubuntu", "22.04"))).toEqual({
      supported: false,
      reason: "Ubuntu 22.04 is outside the supported Ubuntu versions (16.04–20.04)",
    });
    expect(checkOsSupport(linux("SLES", "15"))).toMatchObject({
      reason: expect.stringContaining("(12, 15.1+)") as unknown,
    });
  });

  test("no OS type, or no version, is reported rather than guessed", () => {
    expect(checkOsSupport({})).toEqual({
      supported: false,
      reason: "osType '' is neither windows nor linux",
    });
    expect(checkOsSupport(linux("Ubuntu"))).toEqual({
      supported: false,
      reason: "Ubuntu reports no version to check",
    });
  });
});
