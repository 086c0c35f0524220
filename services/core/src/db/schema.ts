/** Drizzle table definitions, mirroring the committed SQL migrations in ./migrations. */
import { bigint, check, index, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    sub: text('sub').notNull(),
    username: text('username').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    permissionLevel: text('permission_level').notNull(),
    groups: text('groups').array().notNull(),
    identitySid: text('identity_sid'),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    lastRefreshAt: ms('last_refresh_at'),
    tokenExp: ms('token_exp').notNull(),
    revokedAt: ms('revoked_at'),
  },
  (table) => [
    index('sessions_sub_idx').on(table.sub),
    index('sessions_identity_sid_idx')
      .on(table.identitySid)
      .where(sql`identity_sid IS NOT NULL`),
    index('sessions_expires_at_idx').on(table.expiresAt),
  ],
);

export const revocationSeq = pgTable(
  'revocation_seq',
  { id: smallint('id').primaryKey(), seq: ms('seq').notNull() },
  () => [check('revocation_seq_id_check', sql`id = 1`)],
);

export const revocations = pgTable(
  'revocations',
  { seq: ms('seq').primaryKey(), jti: text('jti').notNull(), exp: ms('exp').notNull() },
  (table) => [index('revocations_exp_idx').on(table.exp)],
);

export const schema = { sessions, revocationSeq, revocations };
