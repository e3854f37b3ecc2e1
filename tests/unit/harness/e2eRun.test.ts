/** How tools/test-e2e.sh orders the e2e files and sums their results. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { orderE2e } = require("../../helpers/e2eSequencer.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { totals } = require("../../helpers/e2eTotals.js");

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

describe("totals", () => {
  const run = (passed: number, failed: string[], pending = 0) => ({
    numPassedTests: passed,
    numFailedTests: failed.length,
    numPendingTests: pending,
    numTodoTests: 0,
    testResults: [{ assertionResults: [...failed.map((fullName) => ({ status: "failed", fullName })), { status: "passed", fullName: "ok" }] }],
  });

  it("adds up every file's counts and names each failed test", () => {
    expect(totals([run(3, []), run(5, ["a fails", "b fails"], 1), run(1, ["c fails"])])).toEqual({
      passed: 9,
      failed: 3,
      skipped: 1,
      failures: ["a fails", "b fails", "c fails"],
    });
  });

  it("reports nothing passed when no file ran", () => {
    expect(totals([])).toEqual({ passed: 0, failed: 0, skipped: 0, failures: [] });
  });
});
