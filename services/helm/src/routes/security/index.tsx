/**
 * The security audit, admins only: `GET /security` (runs it and shows the findings),
 * `GET /api/security/audit` (the report as JSON: `{ ran_at, checks, findings, high }`) and the
 * firewall scripts `GET /security/firewall/{ufw,iptables}.sh` (downloads).
 */
import { requireRole, type ServiceApp } from '@hivematrix/sdk';
import type { AuditReport } from '../../security/index.js';
import { SecurityPage } from '../../views/security.js';

/** What the routes need: the audit runner and the scripts (from the registry). */
export interface SecurityDeps {
  audit: () => Promise<AuditReport>;
  ufwScript: () => string;
  iptablesScript: () => string;
}

/** Registers the routes. */
export async function securityRoutes(app: ServiceApp, deps: SecurityDeps): Promise<void> {
  const page = requireRole(['admin'], { page: true });
  app.get('/security', { preHandler: page }, async (request, reply) =>
    reply.html(<SecurityPage report={await deps.audit()} urlFor={(path, query) => request.urlFor(path, query)} />),
  );
  app.get('/api/security/audit', { preHandler: requireRole(['admin']) }, async (_request, reply) => {
    void reply.header('Cache-Control', 'no-store');
    return deps.audit();
  });
  for (const [name, script] of [
    ['ufw', deps.ufwScript],
    ['iptables', deps.iptablesScript],
  ] as const) {
    app.get(`/security/firewall/${name}.sh`, { preHandler: page }, async (_request, reply) =>
      reply
        .type('text/x-shellscript; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="hivematrix-${name}.sh"`)
        .send(script()),
    );
  }
}
