/** Small rules with no I/O: realm paths, session lifetime, lockout wording, the pages' CSP, token claims. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { realmOf } from '../src/config.js';
import type { UserRow } from '../src/db/schema.js';
import { lockoutMessage } from '../src/domain/login.js';
import { passwordProblem } from '../src/domain/passwords.js';
import { userClaims } from '../src/oidc/account.js';
import { adminClient, gatewayClient, pageContentSecurityPolicy } from '../src/oidc/clients.js';
import { sessionRemainingSec } from '../src/oidc/provider.js';

describe('identity: rules', () => {
  it('splits the issuer into the paths it serves', () => {
    assert.deepEqual(realmOf('https://gw.example:8443/keycloak/realms/hivematrix'), {
      issuer: 'https://gw.example:8443/keycloak/realms/hivematrix',
      origin: 'https://gw.example:8443',
      basePath: '/keycloak',
      realmPath: '/keycloak/realms/hivematrix',
      name: 'hivematrix',
      adminPath: '/keycloak/admin/realms/hivematrix',
    });
    assert.equal(realmOf('https://idp.example/realms/hivematrix').adminPath, '/admin/realms/hivematrix');
  });

  it('ends a session a fixed time after login, however often it is used', () => {
    assert.equal(sessionRemainingSec(undefined, 36_000, 1_000_000), 36_000);
    assert.equal(sessionRemainingSec(1_000_000, 36_000, 1_000_000 + 600), 35_400);
    assert.equal(sessionRemainingSec(1_000_000, 36_000, 1_000_000 + 40_000), 1);
  });

  it('words the lockout in whole minutes, rounded up', () => {
    assert.equal(lockoutMessage(15 * 60_000), 'Too many failed attempts. Try again in 15 minutes.');
    assert.equal(lockoutMessage(61_000), 'Too many failed attempts. Try again in 2 minutes.');
    assert.equal(lockoutMessage(1_000), 'Too many failed attempts. Try again in 1 minute.');
  });

  it('counts password length in characters', () => {
    assert.equal(passwordProblem('ééééééééééé'), 'Use at least 12 characters.');
    assert.equal(passwordProblem('éééééééééééé'), undefined);
  });

  it("lets forms post only to this origin and the clients' registered origins", () => {
    const clients = [
      gatewayClient({
        clientId: 'core-client',
        secret: 's'.repeat(32),
        redirectUris: ['https://gw.example:8443/keycloak-callback'],
        postLogoutRedirectUris: ['https://gw.example:8443/'],
        backchannelLogoutUri: null,
      }),
      adminClient({ clientId: 'hivematrix-admin', secret: 'a'.repeat(32) }),
    ];
    const csp = pageContentSecurityPolicy(clients);
    assert.match(csp, /form-action 'self' https:\/\/gw\.example:8443(;|$)/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
  });

  it('names users by their full name, else their username', () => {
    const user: UserRow = {
      id: '6c1f4f52-5d2a-4d8c-9c44-0d4c1b1a8d11',
      username: 'jdoe',
      email: null,
      firstName: null,
      lastName: null,
      enabled: true,
      emailVerified: false,
      passwordHash: null,
      temporaryPassword: false,
      failedAttempts: 0,
      lockedUntil: null,
      createdAt: new Date(0),
    };
    assert.deepEqual(userClaims(user, ['client']), {
      sub: user.id,
      preferred_username: 'jdoe',
      name: 'jdoe',
      groups: ['client'],
    });
    assert.equal(userClaims({ ...user, firstName: 'Jane', lastName: 'Doe' }, []).name, 'Jane Doe');
  });
});
