// Prints the suite's result as one plain closing line ("N passed, N failed, N skipped"), the form
// CI reads to tell a run that tested something from one that ran no test.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(
      `\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
    );
  }
}

module.exports = SummaryReporter;
