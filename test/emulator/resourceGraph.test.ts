// Azure Resource Graph over the emulator's resources: the fleet queries arc-autopilot sends, paging
// through a large fleet 1,000 rows at a time, the per-user quota, and honest refusals of KQL the
// emulator does not implement.
import type { VirtualClock } from "../../local/clock";
import type { Emulator } from "../../local/emulator";
import { connectMachine } from "../../local/emulator/providers/hybridCompute/machines";
import { setResourceGraphQuota } from "../../local/emulator/providers/resourceGraph";
import { runQuery } from "../../local/emulator/providers/resourceGraph/kqlEvaluator";
import { parseQuery } from "../../local/emulator/providers/resourceGraph/kqlParser";
import { presetProviderRegistration } from "../../local/emulator/providers/resourceProviders";
import type { EmulatorResponse } from "../../local/emulator/testClient";
import { startVirtualEmulator } from "../support/armTestbed";

const fleet = "00000000-0000-4000-8000-00000000f001";
const otherSubscription = "00000000-0000-4000-8000-00000000f002";
const queryPath = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";

interface QueryResponse {
  readonly totalRecords?: number;
  readonly count?: number;
  readonly resultTruncated?: string;
  readonly $skipToken?: string;
  readonly data?: Record<string, unknown>[];
  readonly facets?: unknown[];
  readonly error?: { code: string; message: string; details?: { code: string; message: string }[] };
}

const bodyOf = (response: EmulatorResponse) => (response.body ?? {}) as QueryResponse;

const machinesQuery = `Resources
| where type =~ 'microsoft.hybridcompute/machines'
| extend status = tostring(properties.status), agentVersion = tostring(properties.agentVersion),
         osType = tostring(properties.osType), osName = tostring(properties.osName), osSku = tostring(properties.osSku),
         lastStatusChange = todatetime(properties.lastStatusChange),
         incomingPorts = properties.agentConfiguration.incomingConnectionsPorts,
         configMode = tostring(properties.agentConfiguration.configMode)
| project id, name, resourceGroup, subscriptionId, location, status, agentVersion, osType, osName, osSku, lastStatusChange, incomingPorts, configMode`;

function connect(
  emulator: Emulator,
  name: string,
  overrides: Partial<Parameters<typeof connectMachine>[1]> = {},
): string {
  const machine = connectMachine(emulator.context(), {
    subscriptionId: fleet,
    resourceGroup: "RG-Fleet",
    name,
    location: "westeurope",
    agentVersion: "1.52.03132.2125",
    osType: "linux",
    osName: "ubuntu",
    osVersion: "22.04",
    ...overrides,
  });
  return String(machine.id);
}

describe("Azure Resource Graph", () => {
  let clock: VirtualClock;
  let emulator: Emulator;

  beforeEach(async () => {
    ({ clock, emulator } = await startVirtualEmulator({ seed: 5 }));
  });

  afterEach(() => emulator.close());

  /** `subscriptions: null` leaves the list out (a tenant-wide query). */
  const query = (
    text: string,
    options: Record<string, unknown> = {},
    subscriptions: string[] | null = [fleet],
  ) =>
    emulator.request("POST", queryPath, {
      ...(subscriptions ? { subscriptions } : {}),
      query: text,
      ...(Object.keys(options).length ? { options } : {}),
    });

  test("the fleet query returns each machine of the requested subscriptions with ARG's columns", async () => {
    connect(emulator, "web-01", {
      status: "Connected",
      osSku: "Ubuntu 22.04 LTS",
      incomingConnectionsPorts: ["22"],
    });
    connect(emulator, "sql-01", {
      osType: "windows",
      osName: "windows",
      osVersion: "10.0.20348",
      configMode: "monitor",
    });
    connect(emulator, "elsewhere-01", { subscriptionId: otherSubscription });

    const response = await query(machinesQuery);
    expect(response.status).toBe(200);
    const body = bodyOf(response);
    expect(body).toMatchObject({ totalRecords: 2, count: 2, resultTruncated: "false", facets: [] });
    expect(body.$skipToken).toBeUndefined();
    const web = body.data?.find((row) => row.name === "web-01");
    expect(web).toEqual({
      id: `/subscriptions/${fleet}/resourceGroups/RG-Fleet/providers/Microsoft.HybridCompute/machines/web-01`,
      name: "web-01",
      resourceGroup: "rg-fleet",
      subscriptionId: fleet,
      location: "westeurope",
      status: "Connected",
      agentVersion: "1.52.03132.2125",
      osType: "linux",
      osName: "ubuntu",
      osSku: "Ubuntu 22.04 LTS",
      lastStatusChange: new Date(clock.now()).toISOString(),
      incomingPorts: ["22"],
      configMode: "full",
    });
    const sql = body.data?.find((row) => row.name === "sql-01");
    // A property the machine does not have reads as an empty string through tostring().
    expect(sql).toMatchObject({ osType: "windows", osSku: "", configMode: "monitor" });
  });

  test("gateways project nested properties under Kusto's derived column names; extension resources are not indexed", async () => {
    const gatewayId = `/subscriptions/${fleet}/resourceGroups/rg-net/providers/Microsoft.HybridCompute/gateways/gw-weu`;
    emulator.state.putResource(
      gatewayId,
      "Microsoft.HybridCompute/gateways",
      {
        id: gatewayId,
        name: "gw-weu",
        type: "Microsoft.HybridCompute/gateways",
        location: "westeurope",
        properties: {
          provisioningState: "Succeeded",
          gatewayType: "Public",
          gatewayEndpoint: "https://gw-weu.arc.azure.net",
        },
      },
      clock.now(),
    );
    const machineId = connect(emulator, "web-01");
    presetProviderRegistration(emulator.state, fleet, "Microsoft.HybridConnectivity", "Registered");
    await emulator.request(
      "PUT",
      `${machineId}/providers/Microsoft.HybridConnectivity/endpoints/default?api-version=2024-12-01`,
      {
        properties: { type: "default" },
      },
    );

    const gateways = bodyOf(
      await query(
        "Resources | where type =~ 'microsoft.hybridcompute/gateways' | project id, location, properties.gatewayEndpoint, properties.provisioningState",
      ),
    );
    expect(gateways.data).toEqual([
      {
        id: gatewayId,
        location: "westeurope",
        properties_gatewayEndpoint: "https://gw-weu.arc.azure.net",
        properties_provisioningState: "Succeeded",
      },
    ]);

    const types = bodyOf(await query("Resources | summarize count() by type | order by type asc"));
    expect(types.data).toEqual([
      { type: "microsoft.hybridcompute/gateways", count_: 1 },
      { type: "microsoft.hybridcompute/machines", count_: 1 },
    ]);
  });

  test("2,500 machines come back in pages of 1,000, 1,000 and 500 through $skipToken", async () => {
    setResourceGraphQuota(emulator.state, null);
    for (let i = 0; i < 2500; i++) connect(emulator, `node-${String(i).padStart(4, "0")}`);
    const text =
      "Resources | where type =~ 'microsoft.hybridcompute/machines' | project id, name | order by name asc";

    const pages: QueryResponse[] = [];
    let skipToken: string | undefined;
    do {
      const page = bodyOf(await query(text, skipToken ? { $skipToken: skipToken } : {}));
      pages.push(page);
      skipToken = page.$skipToken;
    } while (skipToken && pages.length < 10);

    expect(pages.map((p) => p.count)).toEqual([1000, 1000, 500]);
    expect(pages.map((p) => p.totalRecords)).toEqual([2500, 2500, 2500]);
    expect(pages.map((p) => p.resultTruncated)).toEqual(["false", "false", "false"]);
    const names = pages.flatMap((p) => p.data?.map((row) => row.name) ?? []);
    expect(new Set(names).size).toBe(2500);
    expect(names[0]).toBe("node-0000");
    expect(names[2499]).toBe("node-2499");

    // A query that limits itself is not paged: ARG says the result was truncated instead.
    const limited = bodyOf(await query(`${text} | limit 1500`));
    expect(limited).toMatchObject({ count: 1000, totalRecords: 1500, resultTruncated: "true" });
    expect(limited.$skipToken).toBeUndefined();

    const small = bodyOf(await query(text, { $top: 10, $skip: 2495 }));
    expect(small.data?.map((row) => row.name)).toEqual([
      "node-2495",
      "node-2496",
      "node-2497",
      "node-2498",
      "node-2499",
    ]);
  });

  test("the 16th query within five seconds is refused with 429 until the quota window resets", async () => {
    connect(emulator, "web-01");
    const first = await query("Resources | project id");
    expect(first.headers["x-ms-user-quota-remaining"]).toBe("14");
    expect(first.headers["x-ms-user-quota-resets-after"]).toBe("00:00:05");
    for (let i = 2; i <= 15; i++) expect((await query("Resources | project id")).status).toBe(200);

    await clock.advance(2000);
    const throttled = await query("Resources | project id");
    expect(throttled.status).toBe(429);
    expect(bodyOf(throttled).error?.code).toBe("RateLimiting");
    expect(throttled.headers["retry-after"]).toBe("3");
    expect(throttled.headers["x-ms-user-quota-remaining"]).toBe("0");
    expect(throttled.headers["x-ms-user-quota-resets-after"]).toBe("00:00:03");

    await clock.advance(3000);
    const recovered = await query("Resources | project id");
    expect(recovered.status).toBe(200);
    expect(recovered.headers["x-ms-user-quota-remaining"]).toBe("14");
  });

  test.each([
    ["a misspelt column", "Resources | where typo =~ 'x'", "FailedToResolveColumn"],
    ["an operator outside the subset", "Resources | join (Resources) on id", "UnsupportedOperator"],
    ["broken syntax", "Resources | where (type == 'x'", "ParserFailure"],
    ["an unknown function", "Resources | extend x = frobnicate(name)", "UnknownFunction"],
    ["another table", "ResourceContainers | project id", "UnknownTable"],
  ])("a query with %s is refused with 400 BadRequest / InvalidQuery", async (_what, text, detail) => {
    const response = await query(text);
    expect(response.status).toBe(400);
    const error = bodyOf(response).error;
    expect(error?.code).toBe("BadRequest");
    expect(error?.details?.map((d) => d.code)).toEqual(["InvalidQuery", detail]);
    expect(response.headers["x-ms-user-quota-remaining"]).toBe("14");
  });

  test("where supports ARG's everyday predicates", async () => {
    setResourceGraphQuota(emulator.state, null);
    connect(emulator, "web-01", { tags: { env: "prod", team: "web" } });
    connect(emulator, "web-02", { status: "Disconnected", tags: { env: "test" } });
    connect(emulator, "sql-01", {
      osType: "windows",
      osName: "windows",
      osVersion: "10.0.20348",
      osSku: "Server 2022",
    });
    const names = async (where: string) =>
      (bodyOf(await query(`Resources | where ${where} | project name | order by name asc`)).data ?? []).map(
        (r) => r.name,
      );

    expect(await names("name startswith 'WEB'")).toEqual(["web-01", "web-02"]);
    expect(await names("name == 'WEB-01'")).toEqual([]);
    expect(await names("name =~ 'WEB-01'")).toEqual(["web-01"]);
    expect(await names("properties.status in~ ('disconnected', 'error')")).toEqual(["web-02"]);
    expect(await names("properties.status !in ('Connected')")).toEqual(["web-02"]);
    expect(await names("tags.env == 'prod' or (tags.env == 'test' and name has 'web')")).toEqual([
      "web-01",
      "web-02",
    ]);
    expect(await names("isnotempty(properties.osSku)")).toEqual(["sql-01"]);
    expect(await names("isempty(tags.env)")).toEqual(["sql-01"]);
    expect(await names("name contains '-0' and name !contains 'sql'")).toEqual(["web-01", "web-02"]);
    expect(await names("todatetime(properties.lastStatusChange) > ago(1h)")).toEqual([
      "sql-01",
      "web-01",
      "web-02",
    ]);
    // A comparison with a missing value is null, so the row drops out, as in Kusto.
    expect(await names("tags.env != 'prod'")).toEqual(["web-02"]);

    const newestFirst = bodyOf(await query("Resources | order by name | take 2 | project name")).data;
    expect(newestFirst).toEqual([{ name: "web-02" }, { name: "web-01" }]);
  });

  test("a $skipToken only continues the query that issued it", async () => {
    setResourceGraphQuota(emulator.state, null);
    for (let i = 0; i < 5; i++) connect(emulator, `node-${i}`);
    const first = bodyOf(await query("Resources | project id, name", { $top: 2 }));
    expect(first.$skipToken).toBeDefined();
    const mismatched = await query("Resources | project id", { $skipToken: first.$skipToken });
    expect(mismatched.status).toBe(400);
    expect(bodyOf(mismatched).error?.details?.[0]?.code).toBe("InvalidSkipToken");
  });

  test("the table result format describes columns and returns rows as arrays", async () => {
    connect(emulator, "web-01");
    const body = bodyOf(await query("Resources | project name, properties", { resultFormat: "table" }));
    expect(body.data).toEqual({
      columns: [
        { name: "name", type: "string" },
        { name: "properties", type: "object" },
      ],
      rows: [["web-01", expect.objectContaining({ status: "Connected" })]],
    });
  });

  test("without a subscriptions list the query sees every subscription of the tenant", async () => {
    connect(emulator, "web-01");
    connect(emulator, "elsewhere-01", { subscriptionId: otherSubscription });
    const body = bodyOf(await query("Resources | project name | order by name asc", {}, null));
    expect(body.data).toEqual([{ name: "elsewhere-01" }, { name: "web-01" }]);
  });
});

describe("the KQL engine behind Resource Graph", () => {
  const table = {
    columns: ["name", "properties"],
    rows: [
      new Map<string, unknown>([
        ["name", "a"],
        ["properties", { port: 22, tags: ["x"] }],
      ]),
      new Map<string, unknown>([
        ["name", "b"],
        ["properties", { port: 2222 }],
      ]),
      new Map<string, unknown>([
        ["name", "c"],
        ["properties", {}],
      ]),
    ],
  };
  const run = (text: string) => runQuery(parseQuery(text), table, Date.UTC(2026, 0, 1));

  test("order by sorts descending unless told otherwise, with nulls last when descending", () => {
    expect(run("T | order by toint(properties.port) | project name").rows.map((r) => r.get("name"))).toEqual([
      "b",
      "a",
      "c",
    ]);
    expect(
      run("T | order by toint(properties.port) asc | project name").rows.map((r) => r.get("name")),
    ).toEqual(["c", "a", "b"]);
  });

  test("an unnamed projection is named after its path, and arithmetic works on numbers", () => {
    const outcome = run(
      "T | where properties.port > 100 | project properties.port, doubled = properties.port * 2",
    );
    expect(outcome.columns).toEqual(["properties_port", "doubled"]);
    expect([...(outcome.rows[0]?.values() ?? [])]).toEqual([2222, 4444]);
  });

  test("a query may start with an operator and then runs against Resources", () => {
    expect(parseQuery("where name == 'a' | count").table).toBe("Resources");
    expect(run("where name == 'a' | count").rows[0]?.get("Count")).toBe(1);
  });

  test("pathologically deep expressions are refused instead of overflowing the stack", () => {
    expect(() => parseQuery(`Resources | where ${"(".repeat(5000)}name${")".repeat(5000)} == 'a'`)).toThrow(
      /nested/,
    );
    expect(() =>
      parseQuery(`Resources | where ${Array.from({ length: 5000 }, () => "name == 'a'").join(" or ")}`),
    ).toThrow(/deep/);
  });
});
