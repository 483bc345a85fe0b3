/**
 * `npm audit` over the lock file for CI: fails on a known high or critical advisory in any
 * dependency (OWASP ASVS V14.2.1). When the registry's advisory service cannot be asked (a mirror
 * or a closed network that allows only package downloads answers the bulk endpoint with 405 or
 * not at all), it says so in one line and does not fail: that is the network's limit, not a
 * finding, and the run's log shows that nothing was checked.
 *
 *   node scripts/audit.mjs
 */
import { spawnSync } from 'node:child_process';

/**
 * What to say about `npm audit --json`'s output, and whether the run fails.
 * @param {string} stdout
 * @param {string} stderr
 * @returns {{ fail: boolean, lines: string[] }}
 */
export function verdict(stdout, stderr) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    report = undefined;
  }
  if (!report?.metadata) {
    const why = report?.statusCode ? `HTTP ${report.statusCode}` : (stderr.trim().split('\n').pop() ?? 'no answer');
    return {
      fail: false,
      lines: [
        `npm audit: the registry's advisory service cannot be reached from here (${why}); dependencies not checked`,
      ],
    };
  }
  const serious = Object.entries(report.vulnerabilities ?? {}).filter(
    ([, v]) => v.severity === 'high' || v.severity === 'critical',
  );
  if (serious.length > 0) {
    return {
      fail: true,
      lines: [
        `npm audit: ${serious.length} package(s) with a high or critical advisory:`,
        ...serious.map(([name, v]) => `  ${name} (${v.severity}): ${v.range}`),
      ],
    };
  }
  const counts = report.metadata.vulnerabilities ?? {};
  return {
    fail: false,
    lines: [
      `npm audit: no high or critical advisory (${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low, ${counts.info ?? 0} info)`,
    ],
  };
}

if (import.meta.filename === process.argv[1]) {
  const run = spawnSync('npm', ['audit', '--audit-level=high', '--json'], { encoding: 'utf8' });
  const { fail, lines } = verdict(run.stdout, run.stderr);
  for (const line of lines) (fail ? console.error : console.log)(line);
  process.exit(fail ? 1 : 0);
}
