/** Ends each jest run with one plain line CI can read: "<project>: N passed, N failed[, N skipped]". */
class SummaryReporter {
  constructor(globalConfig) {
    this.name = process.env.npm_lifecycle_event || (globalConfig.selectProjects || ["jest"]).join("+");
  }
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped ? `, ${skipped} skipped` : "";
    process.stdout.write(`\n${this.name}: ${results.numPassedTests} passed, ${results.numFailedTests} failed${tail}\n`);
  }
}
module.exports = SummaryReporter;
