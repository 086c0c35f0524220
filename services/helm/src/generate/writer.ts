/**
 * Writing generated files: deterministically (same inputs, same bytes), atomically, with the
 * right mode, and never losing a hand edit silently. Helm records the sha256 of each file it
 * writes; a file that no longer matches (someone edited it) is copied under
 * `instance/backups/config/<timestamp>/` before it is replaced, and the caller is told.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HelmPaths } from '../paths.js';

/** What happened to one file. */
export interface WriteResult {
  file: string;
  status: 'created' | 'updated' | 'unchanged';
  /** Where the previous version was saved, when it was backed up. */
  backup?: string;
  /** The previous version differed from what helm last wrote (a hand edit). */
  handEdited?: boolean;
}

/** Options of a writer. */
export interface WriterOptions {
  /** Back up the previous version of every file that changes (`config sync`), not only hand-edited ones. */
  backupAll?: boolean;
  now?: () => Date;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes generated files; call `finish()` to record their hashes. */
export class GeneratedWriter {
  private index: Record<string, string> | undefined;
  private backupDir: string | undefined;
  readonly results: WriteResult[] = [];

  constructor(
    private readonly paths: HelmPaths,
    private readonly options: WriterOptions = {},
  ) {}

  private async loadIndex(): Promise<Record<string, string>> {
    if (this.index === undefined) {
      const text = await readText(this.paths.generatedIndex);
      let parsed: unknown;
      try {
        parsed = text === undefined ? {} : JSON.parse(text);
      } catch {
        parsed = {};
      }
      this.index = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    }
    return this.index;
  }

  private relative(file: string): string {
    return path.relative(this.paths.instance, file);
  }

  /** The backup folder of this run, created on first use (mode 0700: it holds secrets). */
  async backupFolder(): Promise<string> {
    if (this.backupDir === undefined) {
      const stamp = (this.options.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-');
      this.backupDir = path.join(this.paths.backupsDir, 'config', stamp);
      await mkdir(this.backupDir, { recursive: true, mode: 0o700 });
    }
    return this.backupDir;
  }

  /** Copies `file` into this run's backup folder, keeping its path relative to the instance. */
  async backup(file: string): Promise<string> {
    const target = path.join(await this.backupFolder(), this.relative(file));
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await copyFile(file, target);
    await chmod(target, 0o600);
    return target;
  }

  /** Writes `content` to `file` unless it already holds exactly that. */
  async write(file: string, content: string, mode = 0o600): Promise<WriteResult> {
    const index = await this.loadIndex();
    const key = this.relative(file);
    const previous = await readText(file);
    const hash = sha256(content);
    let result: WriteResult;
    if (previous === content) {
      await chmod(file, mode);
      result = { file, status: 'unchanged' };
    } else {
      const handEdited = previous !== undefined && sha256(previous) !== index[key];
      const backup =
        previous !== undefined && (handEdited || this.options.backupAll === true) ? await this.backup(file) : undefined;
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, content, { mode });
      await chmod(temp, mode);
      await rename(temp, file);
      result = {
        file,
        status: previous === undefined ? 'created' : 'updated',
        ...(backup === undefined ? {} : { backup }),
        ...(handEdited ? { handEdited } : {}),
      };
    }
    index[key] = hash;
    this.results.push(result);
    return result;
  }

  /** Writes a value as pretty JSON. */
  writeJson(file: string, value: unknown, mode = 0o600): Promise<WriteResult> {
    return this.write(file, `${JSON.stringify(value, null, 2)}\n`, mode);
  }

  /** Records the hashes of what was written. */
  async finish(): Promise<void> {
    if (this.index === undefined) return;
    const sorted = Object.fromEntries(Object.entries(this.index).sort(([a], [b]) => a.localeCompare(b)));
    await mkdir(path.dirname(this.paths.generatedIndex), { recursive: true, mode: 0o700 });
    await writeFile(this.paths.generatedIndex, `${JSON.stringify(sorted, null, 2)}\n`, { mode: 0o600 });
  }
}
