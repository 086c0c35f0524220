/**
 * The very first start: a realm without users gets an `admin` in `admins` with a random
 * password, written to `<instance>/secrets/admin-password` (mode 0600 in a 0700 directory) and
 * shown once on the terminal. Never a fixed default password (the original reset `admin` to
 * `admin` on every configuration run).
 *
 * Several instances may boot at once: a transaction-scoped advisory lock lets exactly one of them
 * see an empty realm. The file is written before the commit, so a failed write creates no admin
 * and the next start tries again.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { addMembership, countUsers, findGroupsByName, insertUser } from '../db/index.js';
import type { IdentityDb } from '../db/index.js';
import type { PasswordHasher } from './passwords.js';

export const INITIAL_ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD_FILE = 'admin-password';
/** Advisory lock keys: "HM" and "ID1" (identity's first-start lock). */
const LOCK_KEYS = [0x484d, 0x494431] as const;

export interface InitialAdminDeps {
  db: IdentityDb;
  passwords: PasswordHasher;
  /** `<instance>/secrets`. */
  secretsDir: string;
  generatePassword: () => string;
  /** Shows the password to the operator once (stdout, not the log). */
  announce: (text: string) => void;
}

export interface InitialAdminResult {
  created: boolean;
  /** Only when created. */
  password?: string;
  file?: string;
}

/** Writes `content` to `dir/name` atomically, the file 0600 and the directory 0700. */
export async function writeSecretFile(dir: string, name: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const target = path.join(dir, name);
  const temporary = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await chmod(target, 0o600);
  return target;
}

/** Creates the first admin when the realm has no user at all; otherwise does nothing. */
export async function ensureInitialAdmin(deps: InitialAdminDeps): Promise<InitialAdminResult> {
  // Cheap check first, so that every later start costs one query and no hashing.
  if ((await countUsers(deps.db)) > 0) return { created: false };
  const password = deps.generatePassword();
  const passwordHash = await deps.passwords.hash(password);

  const file = await deps.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEYS[0]}, ${LOCK_KEYS[1]})`);
    if ((await countUsers(tx)) > 0) return undefined;
    const admin = await insertUser(tx, {
      username: INITIAL_ADMIN_USERNAME,
      email: 'admin@hivematrix.local',
      firstName: null,
      lastName: null,
      enabled: true,
      emailVerified: true,
      passwordHash,
      // The operator is handed this password directly, so it is not a temporary one.
      temporaryPassword: false,
    });
    const [admins] = await findGroupsByName(tx, ['admins']);
    if (admins === undefined) throw new Error('the admins group is missing (migration 0001 seeds it)');
    await addMembership(tx, admin.id, admins.id);
    return writeSecretFile(deps.secretsDir, ADMIN_PASSWORD_FILE, `${password}\n`);
  });
  if (file === undefined) return { created: false };

  deps.announce(
    [
      '',
      'HiveMatrix identity: created the first administrator account.',
      `  username: ${INITIAL_ADMIN_USERNAME}`,
      `  password: ${password}`,
      `  (also saved in ${file}, readable only by this user; it is not shown again)`,
      '',
      '',
    ].join('\n'),
  );
  return { created: true, password, file };
}
