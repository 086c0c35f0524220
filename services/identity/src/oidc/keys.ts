/**
 * The provider's secrets that every instance must share: the RS256 key pair that signs ID tokens
 * and logout tokens (published at `…/protocol/openid-connect/certs`), and the keys that sign its
 * cookies. Generated on first start and kept in the database, so a restart or a second instance
 * signs and verifies with the same keys. Created with INSERT … ON CONFLICT DO NOTHING, so two
 * instances booting together agree on one set.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { providerSecrets } from '../db/index.js';
import type { IdentityDb } from '../db/index.js';

export interface ProviderKeys {
  /** Private JWKs (the provider publishes only their public parts). */
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

const SIGNING_KEYS = 'signing-keys';
const COOKIE_KEYS = 'cookie-keys';

/** A new RS256 signing key as a private JWK with `kid`, `alg` and `use`. */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

async function loadOrCreate<T>(db: IdentityDb, name: string, create: () => Promise<T>): Promise<T> {
  const read = async () => (await db.select().from(providerSecrets).where(eq(providerSecrets.name, name)).limit(1))[0];
  const existing = await read();
  if (existing !== undefined) return existing.value as T;
  await db
    .insert(providerSecrets)
    .values({ name, value: await create() })
    .onConflictDoNothing();
  const stored = await read();
  if (stored === undefined) throw new Error(`provider secret ${name} could not be stored`);
  return stored.value as T;
}

/** Loads the provider's keys, generating them on the very first start. */
export async function loadProviderKeys(
  db: IdentityDb,
  random: (size: number) => Buffer = randomBytes,
): Promise<ProviderKeys> {
  const signing = await loadOrCreate(db, SIGNING_KEYS, async () => ({ keys: [await generateSigningKey()] }));
  const cookieKeys = await loadOrCreate(db, COOKIE_KEYS, async () => [random(32).toString('base64url')]);
  return { jwks: signing, cookieKeys };
}
