/** Unit tests run under Pulumi mocks; e2e tests need the testbed (npm run testbed:up). */
const tsJest = ["ts-jest", { diagnostics: false }];
module.exports = {
  reporters: ["default", "<rootDir>/tests/helpers/summaryReporter.js"],
  testSequencer: "<rootDir>/tests/helpers/e2eSequencer.js",
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      roots: ["<rootDir>/tests/unit"],
      transform: { "^.+\\.ts$": tsJest },
    },
    {
      displayName: "e2e",
      testEnvironment: "<rootDir>/tests/helpers/e2eEnvironment.js",
      roots: ["<rootDir>/tests/e2e"],
      transform: { "^.+\\.ts$": tsJest },
    },
  ],
};
