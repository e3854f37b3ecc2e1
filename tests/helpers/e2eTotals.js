/**
 * `node tests/helpers/e2eTotals.js <dir>`: sums the Jest JSON results that tools/test-e2e.sh
 * wrote there (one per e2e file) into the line CI reads, after the names of the failed tests.
 */
const fs = require("fs");

function totals(runs) {
  const sum = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const run of runs) {
    sum.passed += run.numPassedTests;
    sum.failed += run.numFailedTests;
    sum.skipped += run.numPendingTests + run.numTodoTests;
    for (const file of run.testResults) for (const test of file.assertionResults) if (test.status === "failed") sum.failures.push(test.fullName);
  }
  return sum;
}

if (require.main === module) {
  const dir = process.argv[2];
  const sum = totals(fs.readdirSync(dir).map((name) => JSON.parse(fs.readFileSync(`${dir}/${name}`, "utf8"))));
  for (const name of sum.failures) console.log(`failed: ${name}`);
  console.log(`test:e2e (all files): ${sum.passed} passed, ${sum.failed} failed${sum.skipped ? `, ${sum.skipped} skipped` : ""}`);
}

module.exports = { totals };
