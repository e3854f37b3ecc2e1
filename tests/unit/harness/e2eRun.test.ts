/** How tools/test-e2e.sh orders the e2e files and sums their results. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { orderE2e } = require("../../helpers/e2eSequencer.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { totals, summaryLines } = require("../../helpers/e2eTotals.js");

describe("orderE2e", () => {
  it("puts the e2e files in the fixed order, unknown ones last by name, and leaves out unit files", () => {
    const paths = [
      "/r/tests/e2e/lifecycle.test.ts",
      "/r/tests/unit/stack.test.ts",
      "/r/tests/e2e/zz.test.ts",
      "/r/tests/e2e/standalone.test.ts",
      "/r/tests/e2e/aa.test.ts",
      "/r/tests/e2e/failover.test.ts",
      "/r/tests/e2e/readsplit.test.ts",
    ];
    expect(orderE2e(paths)).toEqual([
      "/r/tests/e2e/standalone.test.ts",
      "/r/tests/e2e/readsplit.test.ts",
      "/r/tests/e2e/failover.test.ts",
      "/r/tests/e2e/lifecycle.test.ts",
      "/r/tests/e2e/aa.test.ts",
      "/r/tests/e2e/zz.test.ts",
    ]);
  });
});

/** One e2e file's Jest JSON result, as tools/test-e2e.sh collects them. */
const run = (passed: number, failed: string[], pending = 0, runtimeErrors = 0) => ({
  numPassedTests: passed,
  numFailedTests: failed.length,
  numPendingTests: pending,
  numTodoTests: 0,
  numRuntimeErrorTestSuites: runtimeErrors,
  testResults: [{ assertionResults: [...failed.map((fullName) => ({ status: "failed", fullName })), { status: "passed", fullName: "ok" }] }],
});

describe("totals", () => {
  it("adds up every file's counts and names each failed test", () => {
    expect(totals([run(3, []), run(5, ["a fails", "b fails"], 1), run(1, ["c fails"])])).toEqual({
      passed: 9,
      failed: 3,
      skipped: 1,
      suiteErrors: 0,
      failures: ["a fails", "b fails", "c fails"],
    });
  });

  it("counts a file that failed before any test ran", () => {
    expect(totals([run(0, [], 0, 1), run(2, [])])).toMatchObject({ passed: 2, failed: 0, suiteErrors: 1 });
  });

  it("reports nothing passed when no file ran", () => {
    expect(totals([])).toEqual({ passed: 0, failed: 0, skipped: 0, suiteErrors: 0, failures: [] });
  });
});

describe("summaryLines", () => {
  it("ends with the one test:e2e total, after each failed test and each failed file", () => {
    const sum = totals([run(4, ["x › fails"]), run(0, [], 0, 1)]);
    expect(summaryLines(sum, 6, ["tests/e2e/failover.test.ts", "tests/e2e/lifecycle.test.ts"])).toEqual([
      "failed: x › fails",
      "failed file: tests/e2e/failover.test.ts",
      "failed file: tests/e2e/lifecycle.test.ts",
      "test:e2e: 4 passed, 1 failed, 1 files did not run (6 files, 2 failed)",
    ]);
  });

  it("says all passed when they did", () => {
    expect(summaryLines(totals([run(9, [])]), 1, [])).toEqual(["test:e2e: 9 passed, 0 failed (1 files, 0 failed)"]);
  });

});
