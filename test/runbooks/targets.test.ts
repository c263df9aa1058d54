// Target ids as requests send them: resolved the way a URL would be before any scope check,
// typed (another provider's id is refused), and judged against ARC_SCOPES — with the gateway
// resource group of a subscription in scope (or the hub's) in scope for gateways.
import { resolveRequestedResourceId } from "../../shared/resourceId";
import { canonicalTargetId } from "../../shared/runbooks/http/fields";
import { principalRoles } from "../../shared/runbooks/http/principal";
import { type ScopeSettings, scopeVerdict } from "../../shared/runbooks/targetScope";

const s = "11111111-1111-4111-8111-111111111111";
const other = "22222222-2222-4222-8222-222222222222";
const machine = (sub: string, rg = "rg-fleet", name = "web-01") =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.HybridCompute/machines/${name}`;

describe("resolveRequestedResourceId", () => {
  test.each([
    [`${machine(s)}/`, machine(s)],
    [machine(s).replace(/\//g, "//"), machine(s)],
    [
      `/SUBSCRIPTIONS/${s}/RESOURCEGROUPS/rg-fleet/PROVIDERS/Microsoft.HybridCompute/machines/web-01`,
      machine(s),
    ],
    [encodeURIComponent(machine(s)), machine(s)],
    [
      `/subscriptions/${s}/./resourceGroups/rg-fleet/providers/Microsoft.HybridCompute/machines/web-01`,
      machine(s),
    ],
    [
      `/subscriptions/${s}/resourceGroups/rg-fleet/../../../../subscriptions/${other}/resourceGroups/x`,
      `/subscriptions/${other}/resourceGroups/x`,
    ],
    [`/subscriptions/${s}/%2e%2e/${other}`, `/subscriptions/${other}`],
  ])("%s → %s", (raw, expected) => {
    expect(resolveRequestedResourceId(raw)).toBe(expected);
  });

  test.each([
    ["", /empty/],
    ["/subscriptions/x/..%2F..%2F..", /climbs above the root|valid/],
    [machine(s).replace(/\//g, "%252F"), /percent-encoded more than once/],
    [`${machine(s)}\\x`, /backslash/],
    ["%E0%A4%A", /malformed percent-encoding/],
    ["/resourceGroups/x", /must start with \/subscriptions\//],
  ])("%s is refused", (raw, reason) => {
    expect(() => resolveRequestedResourceId(raw)).toThrow(reason);
  });
});

describe("canonicalTargetId", () => {
  test("types are insisted on: another provider, a child resource, a gateway for a machine", () => {
    expect(canonicalTargetId("machine", machine(s).toLowerCase())).toBe(
      `/subscriptions/${s}/resourceGroups/rg-fleet/providers/microsoft.hybridcompute/machines/web-01`,
    );
    expect(() =>
      canonicalTargetId(
        "machine",
        machine(s).replace("Microsoft.HybridCompute/machines", "Microsoft.Compute/virtualMachines"),
      ),
    ).toThrow(/not an Arc machine/);
    expect(() => canonicalTargetId("machine", `${machine(s)}/extensions/x`)).toThrow(/under a machine/);
    expect(() => canonicalTargetId("gateway", machine(s))).toThrow(/not an Arc gateway/);
    expect(() => canonicalTargetId("scope", machine(s))).toThrow(/not a subscription or resource group/);
    expect(canonicalTargetId("scope", `/subscriptions/${s}/resourcegroups/RG/`)).toBe(
      `/subscriptions/${s}/resourceGroups/RG`,
    );
  });
});

describe("scopeVerdict", () => {
  const settings = (scopes: string[], hub?: string): ScopeSettings => ({
    ARC_SCOPES: scopes,
    ARC_GATEWAY_RESOURCE_GROUP: "arc-gateways",
    ARC_GATEWAY_SUBSCRIPTION: hub,
  });
  const gateway = (sub: string, rg = "arc-gateways") =>
    `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.HybridCompute/gateways/gw`;

  test("nothing is in scope while ARC_SCOPES is empty", () => {
    expect(scopeVerdict("machine", machine(s), settings([]))).toEqual({
      inScope: false,
      rule: expect.stringContaining("ARC_SCOPES is empty") as unknown,
    });
  });

  test("machines and scopes: inside a scope, case-insensitively", () => {
    const inGroup = settings([`/subscriptions/${s}/resourceGroups/rg-fleet`]);
    expect(scopeVerdict("machine", machine(s.toUpperCase(), "RG-FLEET"), inGroup)).toEqual({ inScope: true });
    expect(scopeVerdict("machine", machine(s, "rg-other"), inGroup)).toMatchObject({
      inScope: false,
      rule: expect.stringContaining("rg-fleet") as unknown,
    });
    expect(scopeVerdict("scope", `/subscriptions/${s}/resourceGroups/RG-FLEET`, inGroup)).toEqual({
      inScope: true,
    });
    // A whole subscription is wider than one of its groups.
    expect(scopeVerdict("scope", `/subscriptions/${s}`, inGroup).inScope).toBe(false);
  });

  test("gateways: in a scope, or in the gateway group of a subscription in scope, or of the hub", () => {
    const inGroup = settings([`/subscriptions/${s}/resourceGroups/rg-fleet`]);
    expect(scopeVerdict("gateway", gateway(s), inGroup)).toEqual({ inScope: true });
    expect(scopeVerdict("gateway", gateway(s, "elsewhere"), inGroup).inScope).toBe(false);
    expect(scopeVerdict("gateway", gateway(other), inGroup).inScope).toBe(false);
    expect(scopeVerdict("gateway", gateway(other), settings([`/subscriptions/${s}`], other))).toEqual({
      inScope: true,
    });
  });
});

describe("principalRoles", () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

  test("roles come from `roles` claims and from the principal's role_typ", () => {
    const roles = principalRoles(
      encode({
        auth_typ: "aad",
        role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        claims: [
          { typ: "roles", val: "A" },
          { typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", val: "B" },
          { typ: "groups", val: "C" },
          { typ: "roles", val: 5 },
          null,
        ],
      }),
    );
    expect([...roles!]).toEqual(["A", "B"]);
  });

  test("anything that is not a principal is undefined", () => {
    for (const raw of [
      "%%%",
      encode([1]),
      encode({ claims: "x" }),
      Buffer.from("{").toString("base64"),
      "A".repeat(70_000),
    ]) {
      expect(principalRoles(raw)).toBeUndefined();
    }
  });
});
