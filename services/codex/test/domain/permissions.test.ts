/** The permission matrix as a function, and the company scope of clients. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, can, companyScope, inScope } from '../../src/domain/permissions.js';

describe('permission matrix', () => {
  const expected: Record<string, string[]> = {
    admin: [...ACTIONS],
    technician: [
      'directory:read',
      'directory:bulk',
      'company:edit',
      'contact:edit',
      'plan:read',
      'ticket:read',
      'ticket:note',
      'time:read',
      'sync:read',
      'sync:run',
      'secret:list',
    ],
    billing: [
      'directory:read',
      'directory:bulk',
      'plan:read',
      'plan:edit',
      'company:plan',
      'asset:billing',
      'ticket:read',
      'time:read',
      'sync:read',
      'audit:read',
    ],
    client: ['directory:read', 'ticket:read'],
  };
  for (const [level, allowed] of Object.entries(expected)) {
    it(`${level} may do exactly ${allowed.length} things`, () => {
      assert.deepEqual(
        ACTIONS.filter((action) => can(level as 'admin', action)),
        allowed,
      );
    });
  }
  it('only admins manage integrations and reveal secrets', () => {
    for (const level of ['technician', 'billing', 'client'] as const) {
      assert.ok(!can(level, 'integration:manage'));
      assert.ok(!can(level, 'secret:reveal'));
    }
  });
  it('scopes clients to their companies and everybody else to all', () => {
    assert.deepEqual(companyScope('technician', [1]), { kind: 'all' });
    assert.deepEqual(companyScope('service', []), { kind: 'all' });
    const scope = companyScope('client', [4, 7]);
    assert.ok(inScope(scope, 7));
    assert.ok(!inScope(scope, 5));
    assert.ok(!inScope(scope, null));
    assert.ok(!inScope(companyScope('client', []), 1), 'a client matching no contact sees nothing');
  });
});
