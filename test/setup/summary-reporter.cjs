// Ends the run with one plain line, "Tests: N passed, N failed", for tools that read it; and,
// when the e2e files checked answers against openapi.json (test/helpers/openapi-validator.ts),
// how many: each file appends its count to .data/openapi-validated-<pid>.log.
const fs = require('node:fs');

// One file per run (runs may overlap on a machine): the workers, started after onRunStart, inherit its name.
const LOG = `.data/openapi-validated-${process.pid}.log`;

class SummaryReporter {
  onRunStart() {
    fs.rmSync(LOG, { force: true });
    process.env.OPENAPI_VALIDATED_LOG = LOG;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    let lines;
    try {
      lines = fs
        .readFileSync(LOG, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      return;
    }
    fs.rmSync(LOG, { force: true });
    const validated = lines.reduce((n, l) => n + l.validated, 0);
    const outside = lines.reduce((n, l) => n + l.outside, 0);
    process.stdout.write(
      `OpenAPI: ${validated} responses validated against openapi.json in ${lines.length} files${outside ? ` (${outside} outside the document: /docs, /metrics, CORS preflights)` : ''}\n`,
    );
  }
}
module.exports = SummaryReporter;
