import { resolve } from "node:path";

import { type LoadedApp, loadFunctionApp } from "../../../local/host/functions/appLoader";
import { coreRegistry } from "../../../local/host/functions/coreModule";
import { coreModuleReachable } from "../../../local/host/functions/coreShim";
import { CollectedHostLog } from "../../../local/host/functions/hostLog";
import { createInvoker } from "../../../local/host/functions/invoker";

const catalogApp = resolve(__dirname, "../fixtures/functionsCatalogApp.ts");
const log = new CollectedHostLog();
let app: LoadedApp;

beforeAll(async () => {
  app = await loadFunctionApp({ modules: [catalogApp] }, { log: log.log });
});

describe("loading an app through the core module", () => {
  test("under jest the moduleNameMapper serves the stand-in to @azure/functions", () => {
    expect(coreModuleReachable()).toBe(true);
  });

  test("every registration is captured with the metadata the library produced", () => {
    expect(app.functions().map((fn) => fn.metadata.name)).toEqual([
      "GetMachine",
      "Sweep",
      "ResourceChanged",
      "SayHello",
      "Greet",
      "StartGreeting",
    ]);
    const bindings = (name: string) => Object.values(app.find(name)!.metadata.bindings);
    expect(bindings("GetMachine")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: "httpTrigger",
          direction: "in",
          route: "machines/{name}",
          methods: ["GET", "DELETE"],
          authLevel: "function",
        }),
        expect.objectContaining({ type: "http", direction: "out" }),
      ]),
    );
    expect(bindings("Sweep")).toEqual([
      expect.objectContaining({ type: "timerTrigger", schedule: "0 */5 * * * *", runOnStartup: false }),
    ]);
    expect(bindings("ResourceChanged")).toEqual([expect.objectContaining({ type: "eventGridTrigger" })]);
    expect(bindings("SayHello")).toEqual([expect.objectContaining({ type: "activityTrigger" })]);
    expect(bindings("Greet")).toEqual([expect.objectContaining({ type: "orchestrationTrigger" })]);
    expect(bindings("StartGreeting").map((binding) => binding.type)).toEqual(
      expect.arrayContaining(["httpTrigger", "durableClient", "http"]),
    );
  });

  test("the invoker's view names each trigger binding, and finds functions case-insensitively", () => {
    const invoker = createInvoker(app, { log: log.log });
    const start = invoker.find("startgreeting")!;
    expect(start.name).toBe("StartGreeting");
    expect(start.trigger).toMatchObject({ type: "httpTrigger", route: "greet/{name}", methods: ["POST"] });
    expect(start.bindings[start.triggerName]).toBe(start.trigger);
  });

  test("an activity runs through the library's own programming model", async () => {
    const invoker = createInvoker(app, { log: log.log });
    const activity = invoker.find("SayHello")!;
    const result = await invoker.invoke("SayHello", { [activity.triggerName]: { string: '"Arc"' } });
    expect(result.returnValue).toEqual({ string: "Hello Arc" });
  });

  test("registering after the app started throws, as in the worker", async () => {
    const fixture = await import("../fixtures/functionsCatalogApp");
    expect(() => fixture.registerLate()).toThrow("A function can only be registered during app startup.");
    expect(coreRegistry.startupFinished).toBe(true);
  });

  test("app.setup is locked once the app started (the worker asked for capabilities)", async () => {
    const { app: functionsApp } = await import("@azure/functions");
    expect(() => functionsApp.setup({})).toThrow(
      "Setup options can't be changed after app startup has finished.",
    );
  });

  test("loading the same entry points again returns the same app; other ones are refused", async () => {
    await expect(loadFunctionApp({ modules: [catalogApp] })).resolves.toBe(app);
    await expect(
      loadFunctionApp({ modules: [resolve(__dirname, "../fixtures/functionsHttpApp.ts")] }),
    ).rejects.toThrow(/one app per process/);
  });

  test("the core registry refuses duplicate and invalid names", () => {
    expect(() => coreRegistry.registerFunction({ name: "x", bindings: {} }, () => undefined)).toThrow(
      "A function can only be registered during app startup.",
    );
    expect(() => coreRegistry.registerHook("teardown", () => undefined)).toThrow(RangeError);
  });
});
