// `npm run dev`'s flags: the defaults, each flag, and a clear message for every bad use (the
// parser is tested directly; the process itself is started by hand and in CI).
import { DevUsageError, parseDevArgs } from "../../../local/dev/devArgs";

describe("npm run dev flags", () => {
  test("no flags: the demo fleet on the emulator, port 7071, time 60 times faster", () => {
    expect(parseDevArgs([])).toEqual({ demo: true, port: 7071, timeScale: 60, azure: false, help: false });
  });

  test("each flag", () => {
    expect(parseDevArgs(["--no-demo", "--port", "0", "--time-scale", "2.5"])).toEqual({
      demo: false,
      port: 0,
      timeScale: 2.5,
      azure: false,
      help: false,
    });
    expect(parseDevArgs(["--port=8080"]).port).toBe(8080);
    expect(parseDevArgs(["--help"]).help).toBe(true);
    expect(parseDevArgs(["-h"]).help).toBe(true);
  });

  test("--azure runs without the emulator and its demo fleet, on real time", () => {
    expect(parseDevArgs(["--azure"])).toEqual({
      demo: false,
      port: 7071,
      timeScale: 1,
      azure: true,
      help: false,
    });
    expect(parseDevArgs(["--azure", "--time-scale", "1"]).timeScale).toBe(1);
  });

  test.each([
    [["--verbose"], "Unknown flag --verbose"],
    [["--port"], "--port needs a value"],
    [["--port", "--no-demo"], "--port needs a value"],
    [["--port", "70000"], "--port must be a whole number from 0 to 65535, not '70000'"],
    [["--port", "80.5"], "--port must be a whole number from 0 to 65535, not '80.5'"],
    [["--port", ""], "--port must be a whole number from 0 to 65535, not ''"],
    [["--time-scale", "0"], "--time-scale must be a number above 0 and at most 10000, not '0'"],
    [["--time-scale", "fast"], "--time-scale must be a number above 0 and at most 10000, not 'fast'"],
    [["--time-scale", "20000"], "--time-scale must be a number above 0 and at most 10000, not '20000'"],
    [["--azure", "--time-scale", "60"], "--time-scale cannot be used with --azure"],
    [["--no-demo=false"], "--no-demo takes no value"],
    [["demo"], "Unexpected argument demo: every option is a --flag"],
  ])("%j is refused: %s", (args, message) => {
    expect(() => parseDevArgs(args)).toThrow(DevUsageError);
    expect(() => parseDevArgs(args)).toThrow(message);
  });
});
