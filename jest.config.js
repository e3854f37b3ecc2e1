/** Unit tests run under Pulumi mocks; e2e tests need the testbed (npm run testbed:up). */
const tsJest = ["ts-jest", { diagnostics: false }];
const os = require("os");

module.exports = {
  // Each unit file loads the Pulumi runtime afresh, and the memory of a finished file is not all given back:
  // run in band (Jest's choice on 2 cores) the one process grew past 24 GiB and was OOM-killed in CI.
  // Workers are recycled once they hold more than the limit after a file.
  maxWorkers: Math.max(2, os.cpus().length - 1),
  workerIdleMemoryLimit: "1GB",
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
