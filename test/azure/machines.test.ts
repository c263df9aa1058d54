import { findMachine, getMachine, listMachinePage, listMachines } from "../../shared/azure/machines";
import { NotFoundError } from "../../shared/errors";
import {
  collect,
  connectTestMachine,
  testMachineId,
  testResourceGroup,
  testSubscriptionId,
  useArmTestbed,
} from "../support/armTestbed";

describe("Arc machines", () => {
  const testbed = useArmTestbed();

  test("a connected machine is read with its status, OS and local agent configuration", async () => {
    const id = connectTestMachine(testbed, {
      name: "web-01",
      osType: "windows",
      osName: "Windows Server 2022",
      osVersion: "10.0.20348",
      agentVersion: "1.50.02861.1800",
      configMode: "monitor",
      incomingConnectionsPorts: ["3389"],
      extensionsAllowList: [{ publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent" }],
      tags: { env: "prod" },
    });

    const machine = await getMachine(testbed.context, id);

    expect(machine).toMatchObject({
      id,
      name: "web-01",
      subscriptionId: testSubscriptionId,
      resourceGroup: testResourceGroup,
      location: "westeurope",
      tags: { env: "prod" },
      status: "Connected",
      agentVersion: "1.50.02861.1800",
      osType: "windows",
      osName: "Windows Server 2022",
      agentConfiguration: {
        incomingConnectionsPorts: ["3389"],
        extensionsAllowList: [{ publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent" }],
        extensionsBlockList: [],
        extensionsEnabled: true,
        configMode: "monitor",
      },
    });
    expect(machine.lastStatusChange).toEqual(expect.any(String));
  });

  test("a machine id in another casing finds the same machine, as ARM ids are case-insensitive", async () => {
    const id = connectTestMachine(testbed, { name: "db-01" });
    expect((await getMachine(testbed.context, id.toLowerCase())).name).toBe("db-01");
  });

  test("a machine that is not there: findMachine says undefined, getMachine throws NotFoundError", async () => {
    const id = testMachineId("ghost");
    await expect(findMachine(testbed.context, id)).resolves.toBeUndefined();
    await expect(getMachine(testbed.context, id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("listing 250 machines follows nextLink across three pages", async () => {
    for (let i = 0; i < 250; i++) connectTestMachine(testbed, { name: `m-${String(i).padStart(3, "0")}` });

    const first = await listMachinePage(testbed.context, { subscriptionId: testSubscriptionId });
    expect(first.items).toHaveLength(100);
    expect(first.nextLink).toMatch(new RegExp(`^${testbed.emulator.url}/`));

    const all = await collect(listMachines(testbed.context, { subscriptionId: testSubscriptionId }));
    expect(all).toHaveLength(250);
    expect(new Set(all.map((m) => m.name)).size).toBe(250);
  });

  test("listing by resource group leaves out the machines of other groups", async () => {
    connectTestMachine(testbed, { name: "in-group" });
    connectTestMachine(testbed, { name: "elsewhere", resourceGroup: "rg-other" });
    const inGroup = await collect(
      listMachines(testbed.context, { subscriptionId: testSubscriptionId, resourceGroup: testResourceGroup }),
    );
    expect(inGroup.map((m) => m.name)).toEqual(["in-group"]);
  });
});
