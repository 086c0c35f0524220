/** The security audit page: every finding with its severity and fix, and the firewall scripts. */
import type { JSX } from 'preact';
import { Alert, Badge, Button, Card, Page, PageHeader, Table, formatDateTime } from '@hivematrix/sdk/html';
import type { AuditReport, Severity } from '../security/index.js';
import type { UrlFor } from './services.js';

const BADGE: Record<Severity, 'danger' | 'warning' | 'info'> = { high: 'danger', medium: 'warning', low: 'info' };

/** The report. */
export function SecurityPage({ report, urlFor }: { report: AuditReport; urlFor: UrlFor }): JSX.Element {
  return (
    <Page title="Security audit" service="helm">
      <PageHeader
        title="Security audit"
        description={`Checked ${report.checks.join(', ')} at ${formatDateTime(report.ran_at)}.`}
        actions={
          <Button href={urlFor('/security')} variant="secondary">
            Run again
          </Button>
        }
      />
      {report.high ? (
        <Alert variant="error" title="High severity findings">
          Fix these first: they expose the platform.
        </Alert>
      ) : null}
      <Card title="Findings">
        <Table
          label="Findings"
          empty="No findings: every check passed. Run again after changing the configuration."
          columns={[
            { key: 'severity', label: 'Severity' },
            { key: 'check', label: 'Check' },
            { key: 'finding', label: 'Finding' },
            { key: 'fix', label: 'Fix' },
          ]}
          rows={report.findings.map((finding) => ({
            severity: <Badge variant={BADGE[finding.severity]}>{finding.severity}</Badge>,
            check: finding.check,
            finding: (
              <>
                <strong>{finding.title}</strong>
                <br />
                {finding.detail}
              </>
            ),
            fix: <code>{finding.fix}</code>,
          }))}
        />
      </Card>
      <Card title="Firewall scripts">
        <p>
          Both allow SSH (port 22) before denying anything, then the gateway, then deny all other incoming traffic. Run
          as root.
        </p>
        <span class="u-flex u-gap-sm">
          <Button href={urlFor('/security/firewall/ufw.sh')} variant="secondary">
            Download ufw script
          </Button>
          <Button href={urlFor('/security/firewall/iptables.sh')} variant="secondary">
            Download iptables script
          </Button>
        </span>
      </Card>
    </Page>
  );
}
