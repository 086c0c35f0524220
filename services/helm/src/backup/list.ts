/** The backups under instance/backups: name, size, date, how it was made, whether encrypted. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BACKUP_EXTENSIONS, isEncrypted } from './archive.js';

export interface BackupListing {
  name: string;
  file: string;
  size: number;
  createdAt: Date;
  trigger: 'manual' | 'scheduled';
  /** null when the file is not a readable archive. */
  encrypted: boolean | null;
}

const NAME =
  /^hivematrix-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z-(manual|scheduled)\.(?:tar\.gz(?:\.age)?|hmbak)$/;

/** A plain file name of a backup in the folder (no path, no hidden or partial files). */
export function isBackupName(name: string): boolean {
  return (
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/.test(name) && BACKUP_EXTENSIONS.some((extension) => name.endsWith(extension))
  );
}

/** Every backup in `dir`, newest first. */
export async function listBackups(dir: string): Promise<BackupListing[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const listings: BackupListing[] = [];
  for (const name of names.filter(isBackupName)) {
    const file = path.join(dir, name);
    const info = await stat(file);
    if (!info.isFile()) continue;
    const match = NAME.exec(name);
    const createdAt =
      match === null
        ? info.mtime
        : new Date(`${match[1] ?? ''}T${match[2] ?? ''}:${match[3] ?? ''}:${match[4] ?? ''}Z`);
    const encrypted = await isEncrypted(file);
    listings.push({
      name,
      file,
      size: info.size,
      createdAt,
      trigger: match?.[5] === 'scheduled' ? 'scheduled' : 'manual',
      encrypted,
    });
  }
  return listings.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.name.localeCompare(a.name));
}
