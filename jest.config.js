/** Jest configuration: TypeScript through ts-jest (type checking is `npm run typecheck`'s job). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/provider", "<rootDir>/emulator/src", "<rootDir>/tests"],
  // Tests run the emulator from its sources, as the typecheck sees it.
  moduleNameMapper: { "^local-oss-endpoint$": "<rootDir>/emulator/src/index.ts" },
  testMatch: ["**/*.test.ts"],
  // End-to-end suites spend much of their time waiting on the engine and its plugins: two workers
  // keep both cores busy.
  maxWorkers: 2,
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }],
  },
  reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
};
