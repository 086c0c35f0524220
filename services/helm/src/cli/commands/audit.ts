/**
 * `hivematrix audit`: the security audit of this host (the same as the console's /security),
 * run locally so it works whether the platform is up or not. Exit status 2 when a finding is
 * high, so scripts and CI can gate on it; `--json` prints the report.
 */
import { loadPlatform } from '../../generate/index.js';
import { runSecurityAudit } from '../../security/index.js';
import type { AuditHost } from '../../security/index.js';
import { table, type CliContext } from '../io.js';

/** Runs the audit and prints it; returns 2 on a high finding, else 0. */
export async function auditCommand(
  context: CliContext,
  options: { json?: boolean },
  host: AuditHost = {},
): Promise<number> {
  const report = await runSecurityAudit(await loadPlatform(context.paths), host);
  if (options.json === true) {
    context.io.out(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.findings.length === 0) {
    context.io.out(`No findings (${report.checks.join(', ')} checked).\n`);
  } else {
    context.io.out(
      `${table(
        ['SEVERITY', 'CHECK', 'FINDING'],
        report.findings.map((finding) => [finding.severity.toUpperCase(), finding.check, finding.title]),
      )}\n\n`,
    );
    for (const finding of report.findings)
      context.io.out(`- ${finding.title}\n  ${finding.detail}\n  fix: ${finding.fix}\n`);
  }
  return report.high ? 2 : 0;
}
