// The smoke test of the local host's contract with the libraries: if @azure/functions or
// durable-functions move, this fails first and says what moved.
import { resolve } from "node:path";

import { loadFunctionApp } from "../../../local/host/functions/appLoader";
import type { CoreProgrammingModel } from "../../../local/host/functions/coreTypes";
import { silentHostLog } from "../../../local/host/functions/hostLog";
import {
  checkInstalledLibraries,
  checkProgrammingModel,
  LibraryContractError,
  pinnedLibraryVersions,
} from "../../../local/host/functions/libraryContract";
import packageJson from "../../../package.json";

const projectRoot = resolve(__dirname, "../../..");

describe("the contract with @azure/functions and durable-functions", () => {
  test("package.json pins exactly the verified versions", () => {
    expect(packageJson.dependencies["@azure/functions"]).toBe(pinnedLibraryVersions["@azure/functions"]);
    expect(packageJson.dependencies["durable-functions"]).toBe(pinnedLibraryVersions["durable-functions"]);
  });

  test("the installed libraries are the pinned versions, sharing one @azure/functions", () => {
    expect(checkInstalledLibraries(projectRoot)).toEqual({
      versions: { "@azure/functions": "4.16.5", "durable-functions": "3.5.0" },
      problems: [],
    });
  });

  test("the programming model the app registers has the worker-facing methods the invoker calls", async () => {
    const app = await loadFunctionApp(
      { modules: [resolve(__dirname, "../fixtures/functionsCatalogApp.ts")] },
      { log: silentHostLog },
    );
    expect(app.libraries.problems).toEqual([]);
    expect(app.programmingModel?.name).toBe("@azure/functions");
    expect(checkProgrammingModel(app.programmingModel, app.functions()[0]?.metadata)).toEqual([]);
  });

  test("a moved contract is reported, by name", () => {
    const model = {
      name: "@azure/functions",
      version: "9",
      getInvocationModel: () => ({ getArguments() {} }),
    } as unknown as CoreProgrammingModel;
    const sample = { name: "F", bindings: { t: { type: "timerTrigger", direction: "in" as const } } };
    expect(checkProgrammingModel(model, sample)).toEqual([
      "the InvocationModel has no invokeFunction()",
      "the InvocationModel has no getResponse()",
    ]);
    expect(checkProgrammingModel(undefined, sample)).toEqual([
      "functions were registered but no programming model was set",
    ]);
    expect(new LibraryContractError(["x moved"]).message).toMatch(/x moved[\s\S]*pinnedLibraryVersions/);
  });
});
