// The allow-list for machines behind a gateway (docs/azure-facts.md §17): the gateway's URL first
// once it has one, the fixed endpoints, and the regional ones once per region of its machines.
import { gatewayAllowList } from "../../shared/gateways/allowList";

test("the gateway URL, then the listed endpoints with each machine region filled in once", () => {
  const hosts = gatewayAllowList("0a1b2c3d.gw.arc.azure.com", ["East US", "eastus", "westeurope"]);
  expect(hosts.map((e) => [e.host, e.os ?? "any"])).toEqual([
    ["0a1b2c3d.gw.arc.azure.com", "any"],
    ["management.azure.com", "any"],
    ["login.microsoftonline.com", "any"],
    ["eastus.login.microsoft.com", "any"],
    ["westeurope.login.microsoft.com", "any"],
    ["gbl.his.arc.azure.com", "any"],
    ["eastus.his.arc.azure.com", "any"],
    ["westeurope.his.arc.azure.com", "any"],
    ["packages.microsoft.com", "linux"],
    ["download.microsoft.com", "windows"],
  ]);
});

test("a gateway still being created has no URL yet; an endpoint given as a URL is reduced to its host; junk regions are left out", () => {
  expect(gatewayAllowList(undefined, ["eastus"])[0]!.host).toBe("management.azure.com");
  expect(gatewayAllowList("https://abc.gw.arc.azure.com/", [])[0]!.host).toBe("abc.gw.arc.azure.com");
  expect(gatewayAllowList(undefined, ["east/us", ""]).map((e) => e.host)).toEqual([
    "management.azure.com",
    "login.microsoftonline.com",
    "gbl.his.arc.azure.com",
    "packages.microsoft.com",
    "download.microsoft.com",
  ]);
});
