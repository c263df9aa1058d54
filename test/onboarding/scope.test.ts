import { ValidationError } from "../../shared/errors";
import {
  hasOptOutTag,
  isInScope,
  listingScopesOf,
  subscriptionsOfScopes,
} from "../../shared/onboarding/scope";
import { parseOptOutTag, parseScope } from "../../shared/validation/scope";

const machineId =
  "/subscriptions/S1/resourceGroups/RG-Servers/providers/Microsoft.HybridCompute/machines/web-01";

describe("scopes", () => {
  test.each([
    [["/subscriptions/s1"], true],
    [["/SUBSCRIPTIONS/s1/"], true],
    [["/subscriptions/s1/resourceGroups/rg-servers"], true],
    [["/subscriptions/s2", "/subscriptions/s1/resourcegroups/RG-SERVERS"], true],
    [["/subscriptions/s1/resourceGroups/rg-other"], false],
    [["/subscriptions/s10"], false],
    [["/subscriptions/s"], false],
    [[], false],
  ])("scopes %j contain the machine: %s", (scopes, expected) => {
    expect(isInScope(machineId, scopes)).toBe(expected);
  });

  test("a resource group prefix is not a match: rg-servers does not cover rg-servers-2", () => {
    const sibling = machineId.replace("RG-Servers", "rg-servers-2");
    expect(isInScope(sibling, ["/subscriptions/s1/resourceGroups/rg-servers"])).toBe(false);
  });

  test("something that is not a machine id is never in scope", () => {
    expect(
      isInScope("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", [
        "/subscriptions/s1",
      ]),
    ).toBe(false);
    expect(isInScope("garbage", ["/subscriptions/s1"])).toBe(false);
  });

  test("a malformed scope in the list matches nothing and breaks nothing", () => {
    expect(isInScope(machineId, ["nonsense", "/subscriptions/s1"])).toBe(true);
    expect(
      isInScope(machineId, ["/subscriptions/s1/providers/Microsoft.HybridCompute/machines/web-01"]),
    ).toBe(false);
  });

  test("scopes are written canonically", () => {
    expect(parseScope(" /SUBSCRIPTIONS/s1/RESOURCEGROUPS/Rg-A/ ")).toBe(
      "/subscriptions/s1/resourceGroups/Rg-A",
    );
    expect(() => parseScope("/subscriptions/s1/providers/Microsoft.Compute/virtualMachines/vm")).toThrow(
      ValidationError,
    );
  });
});

describe("the opt-out tag", () => {
  const policy = { optOutTag: parseOptOutTag("arc-autopilot:opt-out") };

  test.each([
    [{ "arc-autopilot": "opt-out" }, true],
    [{ "Arc-Autopilot": " Opt-Out " }, true],
    [{ "arc-autopilot": "opt-in" }, false],
    [{ owner: "ops" }, false],
    [{}, false],
    [undefined, false],
  ])("tags %j opt out: %s", (tags, expected) => {
    expect(hasOptOutTag(tags, policy)).toBe(expected);
  });

  test("a tag name alone opts out whatever its value", () => {
    const nameOnly = { optOutTag: parseOptOutTag("skip-arc") };
    expect(nameOnly.optOutTag).toEqual({ name: "skip-arc" });
    expect(hasOptOutTag({ "SKIP-ARC": "" }, nameOnly)).toBe(true);
    expect(hasOptOutTag({ "skip-arc": "anything" }, nameOnly)).toBe(true);
  });

  test("name and value split at the first colon, so values may hold colons", () => {
    expect(parseOptOutTag("arc:https://wiki/why")).toEqual({ name: "arc", value: "https://wiki/why" });
  });

  test.each([[""], [":value"], ["a/b"], ["a?b:c"], ["x".repeat(513)]])("tag %p is refused", (text) => {
    expect(() => parseOptOutTag(text)).toThrow(ValidationError);
  });
});

describe("the subscriptions of the scopes", () => {
  test("each once, lower case, sorted, whether the scope is a subscription or a resource group", () => {
    expect(
      subscriptionsOfScopes([
        "/subscriptions/BBBBBBBB-0000-4000-8000-000000000002/resourceGroups/rg-a",
        "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001",
        "/subscriptions/bbbbbbbb-0000-4000-8000-000000000002",
      ]),
    ).toEqual(["aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"]);
    expect(subscriptionsOfScopes([])).toEqual([]);
  });
});

describe("the scopes to list at", () => {
  test("each scope once; a resource group only when its subscription is not itself a scope", () => {
    expect(
      listingScopesOf([
        "/subscriptions/BBBBBBBB-0000-4000-8000-000000000002/resourceGroups/rg-a",
        "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg-covered",
        "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001",
        "/subscriptions/bbbbbbbb-0000-4000-8000-000000000002/resourceGroups/RG-A",
        "/subscriptions/bbbbbbbb-0000-4000-8000-000000000002/resourceGroups/rg-b",
      ]),
    ).toEqual([
      { subscriptionId: "bbbbbbbb-0000-4000-8000-000000000002", resourceGroup: "rg-a" },
      { subscriptionId: "aaaaaaaa-0000-4000-8000-000000000001" },
      { subscriptionId: "bbbbbbbb-0000-4000-8000-000000000002", resourceGroup: "rg-b" },
    ]);
    expect(listingScopesOf([])).toEqual([]);
  });
});
