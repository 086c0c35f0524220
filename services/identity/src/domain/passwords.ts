/**
 * Password hashing (argon2id) and the password policy.
 *
 * Parameters follow the OWASP Password Storage Cheat Sheet's first argon2id option (19 MiB, two
 * passes, one lane), which are also @node-rs/argon2's defaults; they are stated here so a library
 * upgrade cannot weaken them silently. Verification reads the parameters from the stored hash, so
 * hashes made with other parameters keep working.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** argon2id cost: memory in KiB, passes, lanes (OWASP: m=19456, t=2, p=1). */
export const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
/** An upper bound, so nobody makes the server hash megabytes per attempt. */
export const PASSWORD_MAX_LENGTH = 1024;

/** Hashes and checks passwords. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a malformed stored hash. */
  verify(storedHash: string, password: string): Promise<boolean>;
  /**
   * Spends the time of one verification against a hash no password matches. Called for unknown
   * usernames so that they take as long to refuse as wrong passwords (no user enumeration by timing).
   */
  verifyDummy(password: string): Promise<void>;
}

/** Creates the hasher; computes the dummy hash once, with the same parameters as real ones. */
export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummyHash = await hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
  const check = async (storedHash: string, password: string): Promise<boolean> => {
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, ARGON2_OPTIONS),
    verify: check,
    async verifyDummy(password) {
      await check(dummyHash, password);
    },
  };
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
function characterCount(text: string): number {
  return [...text].length;
}

/** Why `password` is not acceptable as a new password, or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  const length = characterCount(password);
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return undefined;
}

/** A random password for the first admin: 32 characters of base64url (192 bits). */
export function generatePassword(random: (size: number) => Buffer = randomBytes): string {
  return random(24).toString('base64url');
}
