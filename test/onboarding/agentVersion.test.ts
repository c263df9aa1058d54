import { ValidationError } from "../../shared/errors";
import {
  compareAgentVersions,
  InvalidAgentVersionError,
  isAgentVersion,
  isAgentVersionAtLeast,
  parseAgentVersion,
} from "../../shared/validation/agentVersion";

describe("agent versions", () => {
  test.each([
    ["1.55.02941.1840", [1, 55, 2941, 1840]],
    ["1.13.21320.014", [1, 13, 21320, 14]],
    ["1.40", [1, 40]],
    [" 2 ", [2]],
  ])("%p parses to numeric parts %j", (text, parts) => {
    expect(parseAgentVersion(text).parts).toEqual(parts);
  });

  test.each([
    ["1.40", "1.40.0.0", 0],
    ["1.40", "1.39.99999.9999", 1],
    ["1.9", "1.10", -1],
    ["1.13.21320.014", "1.13.21320.14", 0],
    ["1.13.21320.013", "1.13.21320.014", -1],
    ["1.55.02941.1840", "1.51", 1],
    ["1.50.99999.9999", "1.51", -1],
    ["2", "1.99", 1],
  ])("%s compared with %s is %i", (a, b, expected) => {
    expect(compareAgentVersions(a, b)).toBe(expected);
    expect(compareAgentVersions(b, a)).toBe(-expected || 0);
  });

  test("at-least is inclusive: 1.40 meets the gateway minimum 1.40", () => {
    expect(isAgentVersionAtLeast("1.40", "1.40")).toBe(true);
    expect(isAgentVersionAtLeast("1.39.03001.1", "1.40")).toBe(false);
  });

  test.each([
    [""],
    ["latest"],
    ["1..2"],
    ["1.2.3.4.5"],
    ["v1.40"],
    ["1.40-preview"],
    ["-1"],
    ["1e3"],
    ["NaN"],
    ["1.2."],
    ["9999999999"],
  ])("%p is a clear ValidationError, never a NaN comparison", (text) => {
    expect(() => parseAgentVersion(text)).toThrow(InvalidAgentVersionError);
    expect(() => parseAgentVersion(text)).toThrow(ValidationError);
    expect(() => compareAgentVersions(text, "1.40")).toThrow(/is not an agent version/);
    expect(isAgentVersion(text)).toBe(false);
  });

  test("non-text is refused, and the error names what was being parsed", () => {
    expect(() => parseAgentVersion(undefined, "ARC_MIN_AGENT_VERSION_SSH")).toThrow(
      /ARC_MIN_AGENT_VERSION_SSH 'undefined'/,
    );
    expect(() => parseAgentVersion(1.4)).toThrow(InvalidAgentVersionError);
  });

  test("a very long value is cut in the message", () => {
    const error = (() => {
      try {
        parseAgentVersion("1".repeat(10_000));
      } catch (e) {
        return e as Error;
      }
      throw new Error("no error");
    })();
    expect(error.message.length).toBeLessThan(200);
    expect(error).toMatchObject({ code: "InvalidAgentVersion", isRetryable: false });
  });
});
