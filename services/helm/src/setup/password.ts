/**
 * The checklist's first step: the admin account's generated password replaced through the identity
 * provider's admin API, then the file that held it deleted (so the security audit's finding clears
 * on its next run). Both halves are in the audit trail, successful or not.
 */
import { unlink } from 'node:fs/promises';
import { AppError } from '@hivematrix/sdk';
import { recordAudit } from '../db/index.js';
import type { HelmDb } from '../db/index.js';
import { asAppError } from '../identity/index.js';
import type { IdentityAdmin } from '../identity/index.js';

/** The account the first start creates (identity's INITIAL_ADMIN_USERNAME). */
export const INITIAL_ADMIN = 'admin';

export interface PasswordStepDeps {
  identity: IdentityAdmin | undefined;
  db: HelmDb;
  now: () => Date;
  passwordFile: string;
}

/** Sets the admin account's new password, then deletes the generated password file. */
export async function changeInitialPassword(deps: PasswordStepDeps, actor: string, password: string): Promise<void> {
  if (deps.identity === undefined)
    throw new AppError(
      'service_unavailable',
      "Changing the password needs the identity provider's admin client, which is not configured",
    );
  const identity = deps.identity;
  const audit = (action: string, result: 'success' | 'failure', detail: string | null) =>
    recordAudit(deps.db, { at: deps.now(), actor, action, target: INITIAL_ADMIN, result, detail });
  try {
    const user = await identity.findUser(INITIAL_ADMIN);
    await identity.setPassword(user.id, password, false);
  } catch (error) {
    const failure = asAppError(error);
    await audit('setup.password', 'failure', failure.message);
    throw failure;
  }
  await audit('setup.password', 'success', 'permanent');
  try {
    await unlink(deps.passwordFile);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
      const message = error instanceof Error ? error.message : String(error);
      await audit('setup.password_file', 'failure', message);
      throw new AppError(
        'internal',
        `The password was changed, but ${deps.passwordFile} could not be deleted: ${message}`,
      );
    }
  }
  await audit('setup.password_file', 'success', `${deps.passwordFile} deleted`);
}
