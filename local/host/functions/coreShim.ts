// Makes `require("@azure/functions-core")` return coreModule.ts, the way the Node worker makes it
// return its API (setupCoreModule.ts in azure-functions-nodejs-worker): a Proxy around
// Module.prototype.require. @azure/functions looks the module up lazily and caches the answer
// forever — including failure, which puts it in "test mode" where app.* registrations are
// silently skipped — so this must run before the library first looks.
import Module from "node:module";

import * as coreModule from "./coreModule";

const coreModuleId = "@azure/functions-core";

type RequireFunction = (this: unknown, id: string) => unknown;

/** Installs the stand-in unless `@azure/functions-core` already resolves to it (jest's moduleNameMapper). */
export function installCoreModule(): void {
  if (coreModuleReachable()) return;
  const loadedLibrary = Object.keys(require.cache).find((path) =>
    /[\\/]@azure[\\/]functions[\\/]dist[\\/]/.test(path),
  );
  if (loadedLibrary !== undefined) {
    throw new Error(
      `@azure/functions was loaded (${loadedLibrary}) before the local host installed @azure/functions-core; ` +
        "it may already have switched to test mode and would then skip every registration. " +
        "Start the local host before anything requires @azure/functions.",
    );
  }
  const prototype = Module.prototype as unknown as { require: RequireFunction };
  prototype.require = new Proxy(prototype.require, {
    apply(target, thisArg: unknown, args: [string]) {
      return args[0] === coreModuleId ? coreModule : Reflect.apply(target, thisArg, args);
    },
  });
}

/** True when this module system already hands out coreModule.ts for the id. */
export function coreModuleReachable(): boolean {
  try {
    // Deliberately the require of whichever module system loaded this file: under jest that is
    // jest's (with the moduleNameMapper entry), in plain Node it is Node's (with the Proxy).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(coreModuleId) === coreModule;
  } catch {
    return false;
  }
}
