/** Realistic sample content for the living style guide: an MSP's companies, services and logs. */

export interface SampleCompany {
  name: string;
  plan: string;
  contact: string;
  seats: string;
  status: 'healthy' | 'degraded' | 'unhealthy';
}

export const COMPANIES: readonly SampleCompany[] = [
  {
    name: 'Northwind Traders',
    plan: 'Managed Pro',
    contact: 'maria.anders@northwind.example',
    seats: '48',
    status: 'healthy',
  },
  {
    name: 'Contoso Dental Group',
    plan: 'Managed Essentials',
    contact: 'it-desk@contoso-dental.example',
    seats: '17',
    status: 'degraded',
  },
  {
    name: 'Fabrikam Architects LLP — Downtown and Riverside offices',
    plan: 'Co-managed',
    contact: 'ops@fabrikam.example',
    seats: '112',
    status: 'healthy',
  },
  {
    name: 'Tailspin Logistics',
    plan: 'Break/fix',
    contact: 'helpdesk@tailspin.example',
    seats: '9',
    status: 'unhealthy',
  },
];

export interface SampleService {
  name: string;
  port: string;
  status: 'running' | 'stopped' | 'healthy' | 'degraded' | 'unhealthy';
  uptime: string;
}

export const SERVICES: readonly SampleService[] = [
  { name: 'core', port: '5000', status: 'running', uptime: '12 d 4 h' },
  { name: 'codex', port: '5010', status: 'healthy', uptime: '12 d 4 h' },
  { name: 'ledger', port: '5030', status: 'degraded', uptime: '3 h 12 min' },
  { name: 'beacon', port: '5001', status: 'stopped', uptime: '—' },
];

export interface SampleLog {
  time: string;
  level: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
  service: string;
  message: string;
}

export const LOGS: readonly SampleLog[] = [
  { time: '12:00:01.204', level: 'INFO', service: 'codex', message: 'Synced 1,284 assets from the PSA in 2.4 s' },
  { time: '12:00:03.918', level: 'DEBUG', service: 'core', message: 'JWKS served (kid hivematrix-signing-key-1)' },
  {
    time: '12:00:07.550',
    level: 'WARNING',
    service: 'ledger',
    message: 'Invoice run slower than usual: 8.1 s for 112 companies',
  },
  { time: '12:00:09.003', level: 'ERROR', service: 'beacon', message: 'Upstream PSA answered 503; retrying in 30 s' },
  { time: '12:00:09.004', level: 'CRITICAL', service: 'helm', message: 'Disk usage at 96 % on /var/lib/hivematrix' },
];

export const CODE_SAMPLE = `import { Card, Button } from '@hivematrix/sdk/html';

export function CompanyCard({ company }) {
  return (
    <Card title={company.name} actions={<Button small>Open</Button>}>
      {company.plan}
    </Card>
  );
}`;

export const ACCENT_OPTIONS = ['purple', 'blue', 'green', 'teal', 'orange', 'red', 'pink', 'gold', 'yellow'] as const;
