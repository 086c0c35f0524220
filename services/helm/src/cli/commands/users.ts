/**
 * `hivematrix users list|add|passwd|groups|disable|enable|logout|unlock`: user management through the identity provider's
 * Keycloak-compatible admin API, with the admin client's credentials from the master
 * configuration. A password helm generates is temporary (the user sets their own at first login)
 * and printed once; `--password-stdin` takes one instead.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createIdentityAdmin, platformSessionsAt } from '../../identity/index.js';
import type { IdentityAdmin, IdentityUser } from '../../identity/index.js';
import { CliError, table, type CliContext } from '../io.js';
import { existingSettings } from '../settings.js';
import { mintServiceToken } from './tokens.js';

/** The admin client for this platform. */
export async function identityAdminFor(context: CliContext): Promise<IdentityAdmin> {
  const settings = await existingSettings(context);
  return createIdentityAdmin({
    tokenUrl: settings.derived.identityTokenUrl,
    adminUrl: settings.derived.identityAdminUrl,
    clientId: settings.config.keycloak.admin_client_id,
    clientSecret: settings.config.keycloak.admin_client_secret,
    ...(context.io.fetch === undefined ? {} : { fetch: context.io.fetch }),
  });
}

/**
 * Asks core to end the user's platform sessions after a change that takes access away, and says
 * whether it worked (identity tells core too; a refresh re-checks the user within the hour).
 */
async function endPlatformSessions(context: CliContext, user: IdentityUser): Promise<void> {
  const settings = await existingSettings(context);
  const core = settings.platform.apps.find((app) => app.name === 'core');
  const url = core === undefined ? 'http://127.0.0.1:5000' : settings.derived.serviceUrl(core);
  const sessions = platformSessionsAt(
    url,
    () => mintServiceToken(context, settings, 'helm', 'core'),
    context.io.fetch ?? globalThis.fetch,
  );
  const outcome = await sessions.endUserSessions(user.id);
  if (outcome.ended)
    context.io.out(`platform sessions of ${user.username} ended at core: ${outcome.revoked} revoked\n`);
  else
    context.io.err(
      `warning: core could not be asked to end the platform sessions of ${user.username} (${outcome.error}); they are checked again at their next token refresh\n`,
    );
}

async function passwordFrom(
  context: CliContext,
  fromStdin: boolean | undefined,
): Promise<{ password: string; generated: boolean }> {
  if (fromStdin !== true) return { password: randomBytes(12).toString('base64url'), generated: true };
  if (context.io.readStdin === undefined) throw new CliError('no standard input to read the password from');
  const password = (await context.io.readStdin()).replace(/\r?\n$/, '');
  if (password.length < 12)
    throw new CliError(
      "the password read from standard input is shorter than 12 characters, the identity provider's minimum",
    );
  return { password, generated: false };
}

/** `users list`. */
export async function usersListCommand(
  context: CliContext,
  options: { search?: string; max?: string; json?: boolean },
): Promise<number> {
  const admin = await identityAdminFor(context);
  const users = await admin.listUsers(options.search, options.max === undefined ? 100 : Number(options.max));
  if (options.json === true) {
    context.io.out(`${JSON.stringify(users, null, 2)}\n`);
    return 0;
  }
  const rows = await Promise.all(
    users.map(async (user) => [
      user.username,
      user.email ?? '',
      [user.firstName, user.lastName].filter(Boolean).join(' '),
      user.enabled === false ? 'disabled' : 'enabled',
      (await admin.userGroups(user.id)).map((group) => group.name).join(','),
    ]),
  );
  context.io.out(`${table(['USERNAME', 'EMAIL', 'NAME', 'STATE', 'GROUPS'], rows)}\n`);
  return 0;
}

/** `users add <username>`. */
export async function usersAddCommand(
  context: CliContext,
  username: string,
  options: { email?: string; firstName?: string; lastName?: string; group?: string[]; passwordStdin?: boolean },
): Promise<number> {
  const admin = await identityAdminFor(context);
  const { password, generated } = await passwordFrom(context, options.passwordStdin);
  const user = await admin.createUser({
    username,
    ...(options.email === undefined ? {} : { email: options.email }),
    ...(options.firstName === undefined ? {} : { firstName: options.firstName }),
    ...(options.lastName === undefined ? {} : { lastName: options.lastName }),
  });
  await admin.setPassword(user.id, password, generated);
  for (const group of options.group ?? []) await admin.addToGroup(user.id, group);
  context.io.out(
    `created user ${user.username}${(options.group ?? []).length > 0 ? ` in ${(options.group ?? []).join(', ')}` : ''}\n`,
  );
  if (generated) context.io.out(`temporary password (shown once; to be changed at first login): ${password}\n`);
  return 0;
}

/** `users passwd <username>`. */
export async function usersPasswdCommand(
  context: CliContext,
  username: string,
  options: { passwordStdin?: boolean; permanent?: boolean },
): Promise<number> {
  const admin = await identityAdminFor(context);
  const user = await admin.findUser(username);
  const { password, generated } = await passwordFrom(context, options.passwordStdin);
  const temporary = options.permanent !== true;
  await admin.setPassword(user.id, password, temporary);
  context.io.out(`password of ${user.username} set${temporary ? ' (temporary: to be changed at next login)' : ''}\n`);
  await endPlatformSessions(context, user);
  if (generated) context.io.out(`new password (shown once): ${password}\n`);
  return 0;
}

/** `users groups <username> [--add g] [--remove g]`. */
export async function usersGroupsCommand(
  context: CliContext,
  username: string,
  options: { add?: string[]; remove?: string[] },
): Promise<number> {
  const admin = await identityAdminFor(context);
  const user = await admin.findUser(username);
  for (const group of options.add ?? []) await admin.addToGroup(user.id, group);
  for (const group of options.remove ?? []) await admin.removeFromGroup(user.id, group);
  const groups = (await admin.userGroups(user.id)).map((group) => group.name).sort();
  context.io.out(`${user.username}: ${groups.length === 0 ? '(no groups: client level)' : groups.join(', ')}\n`);
  if ((options.add ?? []).length + (options.remove ?? []).length > 0) await endPlatformSessions(context, user);
  return 0;
}

/** `users disable|enable <username>`: disabling also ends the user's sessions at the provider. */
export async function usersEnableCommand(context: CliContext, username: string, enabled: boolean): Promise<number> {
  const admin = await identityAdminFor(context);
  const user = await admin.findUser(username);
  await admin.updateUser(user.id, { enabled });
  context.io.out(`${user.username} ${enabled ? 'enabled' : 'disabled (their identity sessions were ended)'}\n`);
  if (!enabled) await endPlatformSessions(context, user);
  return 0;
}

/** `users logout <username>`: ends every session of the user. */
export async function usersLogoutCommand(context: CliContext, username: string): Promise<number> {
  const admin = await identityAdminFor(context);
  const user = await admin.findUser(username);
  await admin.logout(user.id);
  context.io.out(`every session of ${user.username} ended\n`);
  await endPlatformSessions(context, user);
  return 0;
}

/** `users unlock <username>`: ends a lockout after failed logins. */
export async function usersUnlockCommand(context: CliContext, username: string): Promise<number> {
  const admin = await identityAdminFor(context);
  const user = await admin.findUser(username);
  const before = await admin.lockout(user.id);
  await admin.unlock(user.id);
  context.io.out(
    before.locked ? `${user.username} unlocked: they can sign in again\n` : `${user.username} was not locked out\n`,
  );
  return 0;
}

/** Adds `disable`, `enable`, `logout` and `unlock` to the program's `users` command. */
export function registerUserStateCommands(
  program: Command,
  context: CliContext,
  run: (work: () => Promise<number>) => () => Promise<void>,
): void {
  const users =
    program.commands.find((command) => command.name() === 'users') ??
    program.command('users').description('users of the identity provider');
  users
    .command('disable <username>')
    .description('disable a user and end their sessions')
    .action((username: string) => run(() => usersEnableCommand(context, username, false))());
  users
    .command('enable <username>')
    .description('enable a disabled user')
    .action((username: string) => run(() => usersEnableCommand(context, username, true))());
  users
    .command('logout <username>')
    .description('end every session of a user')
    .action((username: string) => run(() => usersLogoutCommand(context, username))());
  users
    .command('unlock <username>')
    .description('end a lockout after failed sign-ins')
    .action((username: string) => run(() => usersUnlockCommand(context, username))());
}
