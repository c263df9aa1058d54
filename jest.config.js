/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  globalSetup: "<rootDir>/test/support/globalSetup.ts",
  globalTeardown: "<rootDir>/test/support/globalTeardown.ts",
  setupFiles: ["<rootDir>/test/support/setupEnv.ts"],
  testTimeout: 30_000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/support/summaryReporter.js"],
  // Type checking is `npm run typecheck`'s job; jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  // The local host's stand-in for the worker's built-in module (local/host/functions/coreShim.ts
  // does the same with a require Proxy outside jest, whose module registry a Proxy cannot reach).
  moduleNameMapper: { "^@azure/functions-core$": "<rootDir>/local/host/functions/coreModule.ts" },
};
