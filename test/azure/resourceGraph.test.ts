import { setResourceGraphQuota } from "../../local/emulator/providers/resourceGraph";
import { beginCreateGateway } from "../../shared/azure/gateways";
import { queryResourceGraph, queryResourceGraphPage } from "../../shared/azure/resourceGraph";
import { gatewayInventoryQuery, machineInventoryQuery } from "../../shared/azure/resourceGraphQueries";
import { ThrottledError, ValidationError } from "../../shared/errors";
import {
  collect,
  connectTestMachine,
  testGatewayId,
  testLocation,
  testResourceGroup,
  testSubscriptionId,
  useArmTestbed,
} from "../support/armTestbed";

describe("Resource Graph queries", () => {
  const testbed = useArmTestbed();

  test("the machine inventory reads status, agent and ports for every machine in the subscription", async () => {
    const id = connectTestMachine(testbed, {
      name: "inv-01",
      osType: "windows",
      osName: "Windows Server 2022",
      agentVersion: "1.50.02861.1800",
      incomingConnectionsPorts: ["22", "3389"],
      configMode: "monitor",
      tags: { env: "prod" },
    });
    connectTestMachine(testbed, {
      name: "other-sub",
      subscriptionId: "00000000-0000-4000-8000-00000000b002",
    });

    const page = await queryResourceGraphPage(testbed.context, {
      subscriptions: [testSubscriptionId],
      query: machineInventoryQuery(),
    });

    expect(page.rows).toEqual([
      {
        id,
        name: "inv-01",
        subscriptionId: testSubscriptionId,
        resourceGroup: testResourceGroup,
        location: "westeurope",
        tags: { env: "prod" },
        status: "Connected",
        agentVersion: "1.50.02861.1800",
        osType: "windows",
        osName: "Windows Server 2022",
        lastStatusChange: expect.any(String) as string,
        incomingPorts: ["22", "3389"],
        configMode: "monitor",
      },
    ]);
    expect(page).toMatchObject({ totalRecords: 1, resultTruncated: false });
    expect(page.skipToken).toBeUndefined();
    expect(page.quota).toEqual({
      remaining: expect.any(Number) as number,
      resetsAfterMs: expect.any(Number) as number,
    });
  });

  test("2,500 machines come back in three pages of at most 1,000, following $skipToken", async () => {
    for (let i = 0; i < 2500; i++)
      connectTestMachine(testbed, { name: `fleet-${String(i).padStart(4, "0")}` });

    const pages = await collect(
      queryResourceGraph(testbed.context, {
        subscriptions: [testSubscriptionId],
        query: machineInventoryQuery(),
      }),
    );

    expect(pages.map((p) => p.rows.length)).toEqual([1000, 1000, 500]);
    expect(pages[0]?.totalRecords).toBe(2500);
    const names = pages.flatMap((p) => p.rows.map((r) => r.name));
    expect(new Set(names).size).toBe(2500);
  });

  test("a smaller page size gives more pages", async () => {
    for (let i = 0; i < 5; i++) connectTestMachine(testbed, { name: `small-${i}` });
    const pages = await collect(
      queryResourceGraph(testbed.context, {
        subscriptions: [testSubscriptionId],
        query: machineInventoryQuery(),
        pageSize: 2,
      }),
    );
    expect(pages.map((p) => p.rows.length)).toEqual([2, 2, 1]);
  });

  test("the inventory can be narrowed to resource groups", async () => {
    connectTestMachine(testbed, { name: "keep", resourceGroup: "rg-keep" });
    connectTestMachine(testbed, { name: "skip", resourceGroup: "rg-skip" });
    const page = await queryResourceGraphPage(testbed.context, {
      subscriptions: [testSubscriptionId],
      query: machineInventoryQuery({ resourceGroups: ["RG-KEEP"] }),
    });
    expect(page.rows.map((r) => r.name)).toEqual(["keep"]);
  });

  test("the gateway inventory shows provisioning state and, once created, the endpoint", async () => {
    const gatewayId = testGatewayId("gw-inv");
    await beginCreateGateway(testbed.context, { gatewayId, location: testLocation });
    const request = { subscriptions: [testSubscriptionId], query: gatewayInventoryQuery() };

    expect((await queryResourceGraphPage(testbed.context, request)).rows).toEqual([
      {
        id: gatewayId,
        name: "gw-inv",
        subscriptionId: testSubscriptionId,
        resourceGroup: testResourceGroup,
        location: "westeurope",
        provisioningState: "Creating",
      },
    ]);
    await testbed.clock.advance(testbed.emulator.timings.gatewayCreateMs);
    expect((await queryResourceGraphPage(testbed.context, request)).rows[0]).toMatchObject({
      provisioningState: "Succeeded",
      gatewayEndpoint: expect.stringMatching(/\.gw\.arc\.azure\.com$/) as string,
    });
  });

  test("past the per-user quota ARG's 429 is waited out on virtual time and the query succeeds", async () => {
    setResourceGraphQuota(testbed.emulator.state, { limit: 1, windowMs: 5_000 });
    const request = { subscriptions: [testSubscriptionId], query: machineInventoryQuery() };
    await queryResourceGraphPage(testbed.context, request);
    const page = await queryResourceGraphPage(testbed.context, request);
    expect(page.rows).toEqual([]);
    expect(testbed.sleeps).toEqual([5_000]);
  });

  test("a quota that stays exhausted surfaces as a ThrottledError", async () => {
    setResourceGraphQuota(testbed.emulator.state, { limit: 1, windowMs: 5_000 });
    const context = testbed.createContext({ maxRetries: 0 });
    const request = { subscriptions: [testSubscriptionId], query: machineInventoryQuery() };
    await queryResourceGraphPage(context, request);
    const second = queryResourceGraphPage(context, request);
    await expect(second).rejects.toBeInstanceOf(ThrottledError);
    await expect(second).rejects.toMatchObject({ statusCode: 429, retryAfterMs: 5_000 });
  });

  test("a query ARG refuses is a ValidationError", async () => {
    const page = queryResourceGraphPage(testbed.context, {
      subscriptions: [testSubscriptionId],
      query: { text: "Resources | where", parseRow: (row) => row },
    });
    await expect(page).rejects.toBeInstanceOf(ValidationError);
    await expect(page).rejects.toMatchObject({ statusCode: 400 });
  });

  test("an empty subscription list or an oversized page is refused before anything is sent", async () => {
    await expect(
      queryResourceGraphPage(testbed.context, { subscriptions: [], query: machineInventoryQuery() }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      queryResourceGraphPage(testbed.context, {
        subscriptions: [testSubscriptionId],
        query: machineInventoryQuery(),
        pageSize: 1001,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
