/**
 * The manifest: the first entry of every archive. It names the platform the backup came from,
 * each component (the instance files, one per service database) and the sha256 and size of
 * every entry, so a restore can check each byte it is about to use.
 */
import { z } from 'zod';
import { BackupError } from './errors.js';

export const MANIFEST_ENTRY = 'manifest.json';
/** The sha256 of every other entry, as `sha256sum -c` reads them: for an operator checking a backup by hand. */
export const SUMS_ENTRY = 'SHA256SUMS';
/** The component holding configuration, secrets, keys and certificates. */
export const FILES_COMPONENT = 'files';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/);
/** Schema and table names come from the catalog; quoted on use, but still kept sane. */
const sqlName = z.string().min(1).max(63);

export const entryInfoSchema = z.object({
  sha256,
  size: z.number().int().min(0),
  mode: z.number().int().min(0).max(0o7777),
});

export const tableDumpSchema = z.object({
  schema: sqlName,
  name: sqlName,
  columns: z.array(sqlName).min(1),
  rows: z.number().int().min(0),
  entry: z.string(),
});
export type TableDump = z.infer<typeof tableDumpSchema>;

export const sequenceDumpSchema = z.object({
  schema: sqlName,
  name: sqlName,
  /** bigint, kept as text. */
  last_value: z.string().regex(/^-?\d+$/),
  is_called: z.boolean(),
});
export type SequenceDump = z.infer<typeof sequenceDumpSchema>;

export const databaseComponentSchema = z.object({
  name: identifier.or(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/)),
  type: z.literal('database'),
  database: identifier,
  role: identifier,
  migrations: z.array(z.object({ name: z.string(), checksum: sha256 })),
  tables: z.array(tableDumpSchema),
  sequences: z.array(sequenceDumpSchema),
});
export type DatabaseComponent = z.infer<typeof databaseComponentSchema>;

export const filesComponentSchema = z.object({
  name: z.literal(FILES_COMPONENT),
  type: z.literal('files'),
  /** Entry names under `files/`, each restored to the same path under the instance folder. */
  entries: z.array(z.string()),
});
export type FilesComponent = z.infer<typeof filesComponentSchema>;

export const manifestSchema = z.object({
  kind: z.literal('hivematrix-backup'),
  version: z.literal(1),
  created_at: z.iso.datetime({ offset: true }),
  platform_id: z.string().min(1).max(100),
  hostname: z.string(),
  /** `manual` (CLI or console) or `scheduled` (the daemon's timer; subject to retention). */
  trigger: z.enum(['manual', 'scheduled']),
  components: z.array(z.discriminatedUnion('type', [filesComponentSchema, databaseComponentSchema])),
  entries: z.record(z.string(), entryInfoSchema),
});
export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupComponent = BackupManifest['components'][number];

const ENTRY_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Throws unless `name` is a plain relative path without `..` (an archive must not write outside its folder). */
export function assertEntryName(name: string): void {
  if (
    !ENTRY_NAME.test(name) ||
    name.split('/').some((part) => part === '..' || part === '.') ||
    Buffer.byteLength(name) > 1000
  ) {
    throw new BackupError(`the archive holds an invalid entry name ${JSON.stringify(name.slice(0, 80))}`);
  }
}
