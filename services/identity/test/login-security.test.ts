/**
 * The login page's security rules: one generic message, lockout for known and unknown usernames
 * alike, disabled users refused, the temporary-password change, escaping, CSRF defences.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { eq } from 'drizzle-orm';
import { users } from '../src/db/schema.js';
import { attemptLogin } from '../src/domain/login.js';
import type { PasswordHasher } from '../src/domain/passwords.js';
import {
  authorize,
  formAction,
  loginWithPassword,
  pkcePair,
  redirectTarget,
  startIdentity,
  type IdentityHarness,
  type TestBrowser,
} from './harness.js';

const INVALID = 'Invalid username or password.';

describe('identity: login security', () => {
  let identity: IdentityHarness;
  let clockOffsetMs = 0;

  before(async () => {
    identity = await startIdentity({ now: () => new Date(Date.now() + clockOffsetMs) });
  });
  after(async () => identity.close());

  /** Opens the login page in a fresh browser; returns where its form posts. */
  async function openLoginPage(): Promise<{ browser: TestBrowser; action: string; html: string }> {
    const browser = identity.browser();
    const { challenge } = pkcePair();
    const step = await authorize(identity, browser, {
      clientId: identity.gateway.clientId,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      challenge,
    });
    assert.equal(step.response.status, 200);
    const html = await step.response.text();
    return { browser, action: formAction(html, step.url, 'username'), html };
  }

  async function tryLogin(
    username: string,
    password: string,
  ): Promise<{ status: number; html: string; location: string | null }> {
    const { browser, action } = await openLoginPage();
    const response = await browser.postForm(action, { username, password });
    return { status: response.status, html: await response.text(), location: response.headers.get('location') };
  }

  it('renders the sign-in page with the design system and no CSS of its own', async () => {
    const { html } = await openLoginPage();
    assert.match(html, /<form method="post" action="\/keycloak\/realms\/hivematrix\/login-actions\/[\w-]+\/login"/);
    assert.match(html, /class="form-group__input"/);
    assert.match(html, /class="btn btn--primary"/);
    assert.doesNotMatch(html, /<style|style=/);
  });

  it('stores passwords as argon2id hashes', async () => {
    const user = await identity.createUser({ username: 'hashcheck', password: 'a password of some length' });
    const [row] = await identity.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    assert.match(row?.hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('locks a username after 5 failures, with the same answers for a real and an unknown user', async () => {
    await identity.createUser({ username: 'victim', password: 'the right password' });
    for (const username of ['victim', 'nobody-here']) {
      for (let attempt = 1; attempt <= 4; attempt++) {
        const answer = await tryLogin(username, `wrong ${attempt}`);
        assert.equal(answer.status, 401, `${username} attempt ${attempt}`);
        assert.match(answer.html, new RegExp(INVALID.replace('.', '\\.')));
      }
      const fifth = await tryLogin(username, 'wrong 5');
      assert.equal(fifth.status, 429);
      assert.match(fifth.html, /Too many failed attempts\. Try again in 15 minutes\./);
      // Locked: even the right password is refused, with the same message.
      const locked = await tryLogin(username, 'the right password');
      assert.equal(locked.status, 429);
      assert.match(locked.html, /Too many failed attempts\. Try again in 15 minutes\./);
    }
  });

  it('lets a locked user in again once the lockout has passed', async () => {
    await identity.createUser({ username: 'patient', password: 'the right password' });
    for (let attempt = 1; attempt <= 5; attempt++) await tryLogin('patient', 'wrong');
    clockOffsetMs = 6 * 60_000;
    const stillLocked = await tryLogin('patient', 'the right password');
    assert.match(stillLocked.html, /Try again in 9 minutes\./);
    clockOffsetMs = 15 * 60_000 + 1000;
    const answer = await tryLogin('patient', 'the right password');
    clockOffsetMs = 0;
    assert.equal(answer.status, 303);
    assert.match(answer.location ?? '', /\/protocol\/openid-connect\/auth\/[\w-]+$/);
  });

  it("shows and ends a lockout through Keycloak's attack-detection endpoints", async () => {
    const kc = new KcAdminClient({ baseUrl: identity.baseUrl, realmName: 'hivematrix' });
    await kc.auth({
      grantType: 'client_credentials',
      clientId: identity.admin.clientId,
      clientSecret: identity.admin.clientSecret,
    });
    const user = await identity.createUser({ username: 'forgetful', password: 'the right password' });
    assert.deepEqual(await kc.attackDetection.findOne({ id: user.id }), {
      numFailures: 0,
      disabled: false,
      lockedUntil: null,
      lastIPFailure: 'n/a',
      lastFailure: 0,
    });
    for (let attempt = 1; attempt <= 5; attempt++) await tryLogin('forgetful', 'wrong');
    for (let attempt = 1; attempt <= 5; attempt++) await tryLogin('nobody-else', 'wrong');
    const locked = (await kc.attackDetection.findOne({ id: user.id })) as
      { disabled: boolean; lockedUntil: string | null } | undefined;
    assert.equal(locked?.disabled, true);
    assert.ok(locked.lockedUntil !== null && new Date(locked.lockedUntil).getTime() > Date.now());

    await kc.attackDetection.del({ id: user.id });
    assert.equal((await tryLogin('forgetful', 'the right password')).status, 303, 'unlocked at once');
    assert.equal((await tryLogin('nobody-else', 'x')).status, 429, 'only that user');
    await kc.attackDetection.delAll();
    assert.equal((await tryLogin('nobody-else', 'x')).status, 401, 'every lockout ended');
    assert.equal(
      await kc.attackDetection.findOne({ id: '00000000-0000-4000-8000-000000000000' }),
      null,
      'the client reads a 404 as none',
    );
  });

  it('refuses a disabled user with the generic message, even with the right password', async () => {
    await identity.createUser({ username: 'sleeper', password: 'the right password', enabled: false });
    const answer = await tryLogin('sleeper', 'the right password');
    assert.equal(answer.status, 401);
    assert.match(answer.html, /Invalid username or password\./);
  });

  it('spends the same hashing work on an unknown username as on a wrong password', async () => {
    const calls: string[] = [];
    const counting: PasswordHasher = {
      hash: (password) => identity.passwords.hash(password),
      verify: async (stored, password) => {
        calls.push('verify');
        return identity.passwords.verify(stored, password);
      },
      verifyDummy: async (password) => {
        calls.push('dummy');
        await identity.passwords.verifyDummy(password);
      },
    };
    await identity.createUser({ username: 'timing', password: 'the right password' });
    const deps = {
      db: identity.db,
      passwords: counting,
      policy: { maxFailures: 100, lockoutMs: 60_000 },
      now: () => new Date(),
    };
    assert.deepEqual(await attemptLogin(deps, 'timing', 'wrong'), { kind: 'invalid' });
    assert.deepEqual(await attemptLogin(deps, 'no-such-user', 'wrong'), { kind: 'invalid' });
    assert.deepEqual(calls, ['verify', 'dummy']);
  });

  it('escapes a hostile username when the login page is shown again', async () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const answer = await tryLogin(hostile, 'whatever');
    assert.equal(answer.status, 401);
    assert.doesNotMatch(answer.html, /<script>alert/);
    assert.doesNotMatch(answer.html, /<img src=x/);
    assert.match(answer.html, /value="&quot;>&lt;script>alert\(1\)&lt;\/script>&lt;img src=x onerror=alert\(2\)>"/);
  });

  it('refuses a form posted from another origin or without Origin and Referer (CSRF)', async () => {
    await identity.createUser({ username: 'csrf-target', password: 'the right password' });
    const { browser, action } = await openLoginPage();
    const foreign = await browser.postForm(
      action,
      { username: 'csrf-target', password: 'the right password' },
      { origin: 'https://evil.example' },
    );
    assert.equal(foreign.status, 403);
    const bare = await fetch(identity.toInternal(action), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: Object.entries(browser.cookiesFor(action))
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
      },
      body: 'username=csrf-target&password=the+right+password',
    });
    assert.equal(bare.status, 403);
  });

  it('refuses a post for an interaction this browser did not start', async () => {
    await identity.createUser({ username: 'stranger', password: 'the right password' });
    const { action } = await openLoginPage();
    const other = identity.browser();
    const response = await other.postForm(action, { username: 'stranger', password: 'the right password' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /expired/);
  });

  it('makes a user with a temporary password choose a new one before going on', async () => {
    await identity.createUser({ username: 'newbie', password: 'temporary password 1', temporary: true });
    const { browser, action } = await openLoginPage();
    const first = await browser.postForm(action, { username: 'newbie', password: 'temporary password 1' });
    const changeUrl = await redirectTarget(first, action);
    assert.match(changeUrl, /\/login-actions\/[\w-]+$/);
    const page = await (await browser.get(changeUrl)).text();
    assert.match(page, /Choose a new password/);
    const changeAction = formAction(page, changeUrl, 'new_password');

    const attempts: [Record<string, string>, RegExp][] = [
      [{ new_password: 'a brand new password', confirm_password: 'another password!!' }, /do not match/],
      [{ new_password: 'short', confirm_password: 'short' }, /at least 12 characters/],
      [
        { new_password: 'temporary password 1', confirm_password: 'temporary password 1' },
        /different from the temporary one/,
      ],
    ];
    for (const [fields, message] of attempts) {
      const refused = await browser.postForm(changeAction, fields);
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), message);
    }
    const accepted = await browser.postForm(changeAction, {
      new_password: 'a brand new password',
      confirm_password: 'a brand new password',
    });
    assert.equal(accepted.status, 303);
    assert.match(accepted.headers.get('location') ?? '', /\/protocol\/openid-connect\/auth\/[\w-]+$/);

    // The new password now works without a change page; the temporary one does not.
    const tokens = await loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username: 'newbie',
      password: 'a brand new password',
    });
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal((await tryLogin('newbie', 'temporary password 1')).status, 401);
  });

  it('does not let the password page be used without the temporary password first', async () => {
    const { browser, action } = await openLoginPage();
    const passwordAction = action.replace(/\/login$/, '/password');
    const response = await browser.postForm(passwordAction, {
      new_password: 'a brand new password',
      confirm_password: 'a brand new password',
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /Sign in again/);
  });
});
