// The onboard runbook's machine selection (machineIdsQuery): a subscription, one resource group,
// tags with their values — names and values escaped into KQL literals, so a quote or a backslash in
// a tag selects by that text and can never change the query.
import { queryResourceGraph } from "../../shared/azure/resourceGraph";
import { kqlString, machineIdsQuery, type MachineSelection } from "../../shared/azure/resourceGraphQueries";
import { ValidationError } from "../../shared/errors";
import { connectTestMachine, testSubscriptionId, useArmTestbed } from "../support/armTestbed";

describe("machineIdsQuery", () => {
  const testbed = useArmTestbed();

  async function select(selection: MachineSelection): Promise<string[]> {
    const names: string[] = [];
    const request = { subscriptions: [testSubscriptionId], query: machineIdsQuery(selection) };
    for await (const page of queryResourceGraph(testbed.context, request)) {
      for (const row of page.rows) names.push(row.id.split("/").pop()!);
    }
    return names;
  }

  test("a resource group, tags (values case-insensitive), and quotes that stay text", async () => {
    connectTestMachine(testbed, { name: "sel-01", resourceGroup: "rg-a", tags: { env: "Prod" } });
    connectTestMachine(testbed, { name: "sel-02", resourceGroup: "rg-a", tags: { env: "dev" } });
    connectTestMachine(testbed, {
      name: "sel-03",
      resourceGroup: "rg-b",
      tags: { env: "prod", team: "o'brien\\x" },
    });

    expect(await select({ resourceGroup: "rg-a" })).toEqual(["sel-01", "sel-02"]);
    expect(await select({ tags: { env: "prod" } })).toEqual(["sel-01", "sel-03"]);
    expect(await select({ resourceGroup: "RG-A", tags: { env: "prod" } })).toEqual(["sel-01"]);
    expect(await select({ tags: { team: "o'brien\\x" } })).toEqual(["sel-03"]);
    expect(await select({ tags: { env: "prod' or 1 == 1 or env == '" } })).toEqual([]);
  });

  test("literals escape quotes and backslashes and refuse control characters", () => {
    expect(kqlString("o'brien\\x")).toBe("'o\\'brien\\\\x'");
    expect(() => kqlString("a\nb")).toThrow(ValidationError);
  });
});
