/**
 * `node tests/helpers/e2eTotals.js <dir> <files run> [failed file …]`: sums the Jest JSON results that
 * tools/test-e2e.sh wrote there (one per e2e file) into the line CI reads, "test:e2e: N passed, N failed",
 * after the names of the failed tests and of every file whose Jest process failed.
 */
const fs = require("fs");

function totals(runs) {
  const sum = { passed: 0, failed: 0, skipped: 0, failures: [], suiteErrors: 0 };
  for (const run of runs) {
    sum.passed += run.numPassedTests;
    sum.failed += run.numFailedTests;
    sum.skipped += run.numPendingTests + run.numTodoTests;
    // A file that failed to load or whose hook failed before any test: a failed suite with no failed test.
    sum.suiteErrors += run.numRuntimeErrorTestSuites ?? 0;
    for (const file of run.testResults) for (const test of file.assertionResults) if (test.status === "failed") sum.failures.push(test.fullName);
  }
  return sum;
}

function summaryLines(sum, filesRun, failedFiles) {
  const lines = sum.failures.map((name) => `failed: ${name}`);
  for (const file of failedFiles) lines.push(`failed file: ${file}`);
  const skipped = sum.skipped ? `, ${sum.skipped} skipped` : "";
  const errors = sum.suiteErrors ? `, ${sum.suiteErrors} files did not run` : "";
  lines.push(`test:e2e: ${sum.passed} passed, ${sum.failed} failed${skipped}${errors} (${filesRun} files, ${failedFiles.length} failed)`);
  return lines;
}

if (require.main === module) {
  const [dir, filesRun, ...failedFiles] = process.argv.slice(2);
  const runs = [];
  for (const name of fs.readdirSync(dir).sort()) {
    try {
      runs.push(JSON.parse(fs.readFileSync(`${dir}/${name}`, "utf8")));
    } catch (error) {
      console.log(`unreadable result ${name}: ${error.message}`);
    }
  }
  for (const line of summaryLines(totals(runs), Number(filesRun), failedFiles)) console.log(line);
}

module.exports = { totals, summaryLines };
