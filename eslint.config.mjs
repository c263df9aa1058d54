// Type-aware lint for the whole project. Orchestrators get an extra override that bans
// nondeterminism (Azure/azure-functions-durable-js#122: a `new Date()` in an orchestrator fails
// silently and leaves the instance Running), and production code may never import local/ or test/.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import tseslint from "typescript-eslint";

const nodeBuiltins = [
  "assert",
  "buffer",
  "child_process",
  "crypto",
  "dgram",
  "dns",
  "events",
  "fs",
  "fs/promises",
  "http",
  "http2",
  "https",
  "net",
  "os",
  "path",
  "perf_hooks",
  "process",
  "readline",
  "stream",
  "timers",
  "tls",
  "url",
  "util",
  "worker_threads",
  "zlib",
];

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "coverage/**",
      "test-results/**",
      "node_modules/**",
      "eslint.config.mjs",
      "jest.config.js",
      "test/support/summaryReporter.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "simple-import-sort": simpleImportSort },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "simple-import-sort/imports": "error",
      "simple-import-sort/exports": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["functions/**/*.ts", "orchestrations/**/*.ts", "shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/local/**", "**/test/**", "**/bench/**"],
              message: "Production code never imports local/, test/ or bench/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["orchestrations/**/*.orchestrator.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: nodeBuiltins
            .flatMap((name) => [name, `node:${name}`])
            .map((name) => ({ name, message: "Orchestrators do no I/O." })),
          patterns: [
            {
              group: ["@azure/*", "!@azure/functions"],
              message: "Orchestrators call activities; Azure SDKs belong in activities.",
            },
            {
              group: ["**/local/**", "**/test/**"],
              message: "Production code never imports local/ or test/.",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "Date", message: "Use context.df.currentUtcDateTime: orchestrators must be deterministic." },
        { name: "setTimeout", message: "Use context.df.createTimer." },
        { name: "setInterval", message: "Use context.df.createTimer." },
        { name: "setImmediate", message: "Orchestrators must be deterministic." },
        { name: "process", message: "Read configuration in activities, not orchestrators." },
        { name: "fetch", message: "Orchestrators do no I/O." },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Orchestrators must be deterministic." },
        { object: "crypto", property: "randomUUID", message: "Use context.df.newGuid." },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  prettier,
);
