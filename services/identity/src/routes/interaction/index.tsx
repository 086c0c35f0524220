/**
 * The login interaction: the provider sends a browser that must sign in to
 * `<realm>/login-actions/<uid>`; these routes show the form, check the password, make a user with a
 * temporary password choose a new one, then hand the result back to the provider, which redirects
 * to the client with a code.
 *
 * CSRF: a post must come from the realm's own origin (`isSameOrigin`), and the provider only
 * finds the interaction through its signed, SameSite=Lax interaction cookie, whose id must equal
 * the `<uid>` of the URL.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errors, type Interaction, type Provider } from 'oidc-provider';
import { z } from 'zod';
import type { Realm } from '../../config.js';
import { findUserById, setPasswordHash } from '../../db/index.js';
import type { IdentityDb, LockoutPolicy } from '../../db/index.js';
import { attemptLogin, INVALID_LOGIN_MESSAGE, lockoutMessage, passwordProblem } from '../../domain/index.js';
import type { PasswordHasher } from '../../domain/index.js';
import { LoginPage } from '../../views/login.js';
import { MessagePage } from '../../views/message.js';
import { PasswordChangePage } from '../../views/password-change.js';
import { acceptForms, formField, isSameOrigin } from './forms.js';

export interface InteractionRoutesOptions {
  provider: Provider;
  realm: Realm;
  db: IdentityDb;
  passwords: PasswordHasher;
  policy: LockoutPolicy;
  now: () => Date;
  /** The CSP of these pages (the SDK's, with the clients' origins allowed as form targets). */
  contentSecurityPolicy: string;
  /** Where a person can start again. */
  homeUrl: string;
}

/** The script that submits a `form[data-auto-submit]` (the gateway's logout), served same-origin for the CSP. */
export const AUTO_SUBMIT_SCRIPT =
  "document.addEventListener('DOMContentLoaded',function(){var f=document.querySelector('form[data-auto-submit]');if(f){f.submit();}});\n";

/** The path of `AUTO_SUBMIT_SCRIPT` under the realm's base path. */
export function autoSubmitScriptPath(realm: Realm): string {
  return `${realm.basePath}/resources/hivematrix/auto-submit.js`;
}

/** How long a verified temporary password lets the user choose a new one. */
const PASSWORD_CHANGE_WINDOW_MS = 10 * 60_000;

/** What the interaction remembers between the temporary-password login and the change. */
const pendingChangeSchema = z.object({ hivematrix: z.object({ passwordChangeFor: z.uuid(), since: z.number() }) });

const uidParams = z.object({ uid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export const interactionRoutes: FastifyPluginAsync<InteractionRoutesOptions> = async (app, options) => {
  const { provider, realm, db, passwords } = options;
  const base = `${realm.realmPath}/login-actions`;
  const pageUrl = (uid: string) => `${base}/${uid}`;
  const home = { href: options.homeUrl, label: 'Go to HiveMatrix' };
  acceptForms(app);

  app.addHook('onRequest', async (_request, reply) => {
    void reply.header('Content-Security-Policy', options.contentSecurityPolicy);
  });

  const expired = (reply: FastifyReply) =>
    reply.html(
      <MessagePage
        title="Sign-in expired"
        message="This sign-in page has expired or was opened in another browser. Go back to HiveMatrix and sign in again."
        variant="warning"
        link={home}
      />,
      400,
    );

  /** The interaction of this request, or undefined when it is gone or belongs to another browser. */
  async function interactionOf(request: FastifyRequest, reply: FastifyReply): Promise<Interaction | undefined> {
    const { uid } = uidParams.parse(request.params);
    try {
      const details = await provider.interactionDetails(request.raw, reply.raw);
      return details.uid === uid ? details : undefined;
    } catch (error) {
      if (error instanceof errors.SessionNotFound) return undefined;
      throw error;
    }
  }

  function pendingChange(details: Interaction): string | undefined {
    const parsed = pendingChangeSchema.safeParse(details.result ?? {});
    if (!parsed.success) return undefined;
    const { passwordChangeFor, since } = parsed.data.hivematrix;
    return options.now().getTime() - since <= PASSWORD_CHANGE_WINDOW_MS ? passwordChangeFor : undefined;
  }

  /** Tells the provider who signed in and sends the browser back to it. */
  async function finishLogin(request: FastifyRequest, reply: FastifyReply, accountId: string) {
    const result = { login: { accountId, remember: false, amr: ['pwd'] } };
    const returnTo = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    return reply.redirect(returnTo, 303);
  }

  const refuseCrossSite = (reply: FastifyReply) =>
    reply.html(
      <MessagePage
        title="Request refused"
        message="This form must be sent from the HiveMatrix sign-in page."
        variant="error"
        link={home}
      />,
      403,
    );

  app.get(`${base}/:uid`, async (request, reply) => {
    const details = await interactionOf(request, reply);
    if (details === undefined) return expired(reply);
    const changeFor = pendingChange(details);
    if (changeFor !== undefined) {
      const user = await findUserById(db, changeFor);
      if (user !== undefined)
        return reply.html(<PasswordChangePage action={`${pageUrl(details.uid)}/password`} username={user.username} />);
    }
    if (details.prompt.name !== 'login') return expired(reply);
    const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint.slice(0, 255) : undefined;
    return reply.html(<LoginPage action={`${pageUrl(details.uid)}/login`} username={hint} />);
  });

  app.post(`${base}/:uid/login`, async (request, reply) => {
    if (!isSameOrigin(request.headers, realm.origin)) return refuseCrossSite(reply);
    const details = await interactionOf(request, reply);
    if (details === undefined) return expired(reply);
    const action = `${pageUrl(details.uid)}/login`;
    const username = formField(request.body, 'username');
    const outcome = await attemptLogin(
      { db, passwords, policy: options.policy, now: options.now },
      username,
      formField(request.body, 'password'),
    );
    switch (outcome.kind) {
      case 'ok':
        request.log.info({ user: outcome.user.id }, 'login succeeded');
        return finishLogin(request, reply, outcome.user.id);
      case 'password_change_required': {
        const pending = { hivematrix: { passwordChangeFor: outcome.user.id, since: options.now().getTime() } };
        await provider.interactionResult(request.raw, reply.raw, pending, { mergeWithLastSubmission: false });
        return reply.redirect(pageUrl(details.uid), 303);
      }
      case 'locked':
        request.log.info('login refused: username locked');
        return reply.html(
          <LoginPage action={action} username={username} error={lockoutMessage(outcome.retryAfterMs)} />,
          429,
        );
      case 'invalid':
        request.log.info('login refused: invalid credentials');
        return reply.html(<LoginPage action={action} username={username} error={INVALID_LOGIN_MESSAGE} />, 401);
    }
  });

  app.post(`${base}/:uid/password`, async (request, reply) => {
    if (!isSameOrigin(request.headers, realm.origin)) return refuseCrossSite(reply);
    const details = await interactionOf(request, reply);
    if (details === undefined) return expired(reply);
    const changeFor = pendingChange(details);
    const user = changeFor === undefined ? undefined : await findUserById(db, changeFor);
    if (user?.passwordHash == null || !user.enabled) {
      return reply.html(
        <LoginPage
          action={`${pageUrl(details.uid)}/login`}
          notice="Sign in again with your temporary password to choose a new one."
        />,
        400,
      );
    }
    const newPassword = formField(request.body, 'new_password');
    const problem =
      newPassword !== formField(request.body, 'confirm_password')
        ? 'The two passwords do not match.'
        : (passwordProblem(newPassword) ??
          ((await passwords.verify(user.passwordHash, newPassword))
            ? 'Choose a password different from the temporary one.'
            : undefined));
    if (problem !== undefined) {
      return reply.html(
        <PasswordChangePage action={`${pageUrl(details.uid)}/password`} username={user.username} error={problem} />,
        400,
      );
    }
    await setPasswordHash(db, user.id, await passwords.hash(newPassword), false);
    request.log.info({ user: user.id }, 'temporary password replaced');
    return finishLogin(request, reply, user.id);
  });

  app.get(autoSubmitScriptPath(realm), async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .send(AUTO_SUBMIT_SCRIPT),
  );
};
