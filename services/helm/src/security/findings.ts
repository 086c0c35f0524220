/** The security audit's result shape: `GET /api/security/audit` and `hivematrix audit --json`. */

/** high: fix now (exposed or readable secrets); medium: fix soon; low: hardening advice. */
export type Severity = 'high' | 'medium' | 'low';

/** One problem found, with how to fix it. */
export interface Finding {
  check: 'ports' | 'secrets' | 'certificate' | 'admin_password' | 'identity' | 'firewall' | 'backups';
  severity: Severity;
  title: string;
  detail: string;
  fix: string;
}

/** The whole report. */
export interface AuditReport {
  ran_at: string;
  /** The checks that ran (a check with no finding passed). */
  checks: Finding['check'][];
  findings: Finding[];
  /** True when any finding is high. */
  high: boolean;
}

const ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Sorts findings, most severe first, and sums them up. */
export function report(ranAt: Date, checks: Finding['check'][], findings: Finding[]): AuditReport {
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return {
    ran_at: ranAt.toISOString(),
    checks,
    findings: sorted,
    high: sorted.some((finding) => finding.severity === 'high'),
  };
}
