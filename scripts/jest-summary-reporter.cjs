// Prints one plain closing line, "tests: N passed, N failed, N skipped", after jest's own summary (which jest
// writes to stderr), so that CI finds the test runner's result as the last line of the run.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that fails to load has no failed test; count it so the line never reads "0 failed" on a broken run.
    const brokenSuites = results.testResults.filter(
      (r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0),
    ).length;
    const failed = results.numFailedTests + brokenSuites;
    const line = `\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
module.exports = SummaryReporter;
