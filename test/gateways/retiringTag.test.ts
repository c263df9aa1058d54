// The retiring mark on a gateway: read in any casing (ARM compares tag names so), added without
// touching the other tags (a PATCH's tags are the whole set), and never moved once set.
import { isRetiring, retiringSince, withRetiringTag } from "../../shared/gateways/retiringTag";

test("the mark is found whatever the casing of its name", () => {
  expect(retiringSince({ "Arc-Autopilot-Retiring": "2026-11-23T08:00:00.000Z" })).toBe(
    "2026-11-23T08:00:00.000Z",
  );
  expect(isRetiring({ owner: "ops" })).toBe(false);
  expect(isRetiring(undefined)).toBe(false);
});

test("marking keeps the other tags, and an existing mark keeps its first time", () => {
  expect(withRetiringTag({ owner: "ops" }, "2026-11-23T09:00:00.000Z")).toEqual({
    owner: "ops",
    "arc-autopilot-retiring": "2026-11-23T09:00:00.000Z",
  });
  const marked = { owner: "ops", "ARC-AUTOPILOT-RETIRING": "2026-11-23T08:00:00.000Z" };
  expect(withRetiringTag(marked, "2026-11-23T09:00:00.000Z")).toEqual(marked);
});
