// Runs every test (unit + integration), once per database for the integration suite, and prints
// the closing line "N passed, N failed". With REQUIRE_POSTGRES=1 / REQUIRE_CHROMIUM=1 (CI) a skipped
// PostgreSQL run or skipped browser tests fail.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The website widget first (dist/widget/widget.js, served at /widget.js): a bundle over its 4 KB gzip
// budget or importing code outside src/widget/ fails the run here.
const widget = spawnSync(process.execPath, [fileURLToPath(new URL('./build-widget.js', import.meta.url))], {
  stdio: 'inherit',
});
if (widget.status !== 0) {
  console.error('0 passed, 1 failed (the widget did not build)');
  process.exit(1);
}

// The dashboard too (dist/dashboard, served at /app/): the browser tests load it from the real server.
const dashboard = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('./build-dashboard.js', import.meta.url))],
  {
    stdio: 'inherit',
  },
);
if (dashboard.status !== 0) {
  console.error('0 passed, 1 failed (the dashboard did not build)');
  process.exit(1);
}

const report = path.join(mkdtempSync(path.join(tmpdir(), 'plaudit-test-')), 'report.json');
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let postgresTests = 0;
let browserTests = 0;
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
  for (const file of result.testResults) {
    for (const t of file.assertionResults) {
      if (t.fullName.includes('on postgres') && t.status === 'passed') postgresTests++;
      if (file.name.includes(`${path.sep}test${path.sep}e2e${path.sep}`) && t.status === 'passed')
        browserTests++;
    }
  }
} catch {
  failed = Math.max(failed, 1);
}
if (process.env.REQUIRE_POSTGRES === '1' && postgresTests === 0) {
  console.error('PostgreSQL integration run was skipped or failed: set TEST_DATABASE_URL');
  failed++;
}
if (process.env.REQUIRE_CHROMIUM === '1' && browserTests === 0) {
  console.error('Browser tests were skipped or failed: install Chromium (/usr/bin/chromium)');
  failed++;
}
console.log(`Browser (Chromium) tests passed: ${browserTests}`);
console.log(
  `PostgreSQL integration tests passed: ${postgresTests}${process.env.TEST_DATABASE_URL ? '' : ' (TEST_DATABASE_URL not set)'}`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
