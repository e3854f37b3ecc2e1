/** Unit tests run under Pulumi mocks; e2e tests need the testbed (npm run testbed:up). */
const tsJest = ["ts-jest", { diagnostics: false }];
const os = require("os");

module.exports = {
  // Each file loads the Pulumi runtime afresh (an e2e file, once per deploy), and the memory of a finished
  // file is not all given back: run in band (Jest's choice on 2 cores) the one process grew past 24 GiB and
  // was OOM-killed in CI. With a limit set, Jest always uses workers (for e2e, one: `--maxWorkers=1`, one
  // file at a time). Jest replaces a worker whose JS heap is past the limit after a file: that bounds the
  // unit runs. The e2e worker's growth is mostly outside the heap and is not bounded by it: `npm run test:e2e`
  // (tools/test-e2e.sh) runs each e2e file in a Jest process of its own.
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
