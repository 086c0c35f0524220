/**
 * Who may ask for a service token: each service proves itself with its own secret, which core
 * knows only as a SHA-256 hash (`service-secrets.json`, `{ "<service>": "<hex sha256>" }`, written
 * by helm). Secrets are long random strings, not passwords, so a plain hash is enough; the compare
 * is constant-time and is made even for an unknown caller, so timing tells nothing about which
 * services exist. Both files are re-read when they change on disk (helm adds services).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { loadServicesFile } from '@hivematrix/sdk';

const SecretsFileSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/),
  z.string().regex(/^[0-9a-fA-F]{64}$/),
);

/** Options of `createServiceDirectory`. */
export interface ServiceDirectoryOptions {
  secretsFile: string;
  /** services.json; its names are valid targets too. */
  servicesFile?: string | undefined;
  /** Core's own name: always a valid target (the revocation feed is read with tokens for core). */
  selfName?: string;
  logger?: { warn(obj: object, msg?: string): void };
}

/** The services core knows, and their secrets. */
export interface ServiceDirectory {
  /** True only when `secret` is the secret of `calling`. */
  authenticate(calling: string, secret: string): Promise<boolean>;
  /** Whether `name` is a service tokens may be minted for. */
  isKnown(name: string): Promise<boolean>;
}

/** A file read again whenever its inode, mtime or size changes; null while it is missing or invalid. */
function watchedFile<T>(
  file: string,
  read: (file: string) => Promise<T>,
  logger: ServiceDirectoryOptions['logger'],
): () => Promise<T | null> {
  let stamp: string | null = null;
  let value: T | null = null;
  return async () => {
    let current: string | null;
    try {
      const stat = await fs.stat(file);
      current = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      current = null;
    }
    if (current === stamp) return value;
    stamp = current;
    value = null;
    if (current === null) return null;
    try {
      value = await read(file);
    } catch (error) {
      // Fail closed: a broken secrets file authenticates nobody until it is fixed.
      logger?.warn(
        { file, err: error instanceof Error ? error.message : String(error) },
        'cannot read file; ignoring it',
      );
    }
    return value;
  };
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const DUMMY = sha256('no such service');

/** Creates the directory over the secrets file (and services.json when given). */
export function createServiceDirectory(options: ServiceDirectoryOptions): ServiceDirectory {
  const secrets = watchedFile(
    options.secretsFile,
    async (file) => {
      const parsed = SecretsFileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
      return new Map(Object.entries(parsed).map(([name, hex]) => [name, Buffer.from(hex, 'hex')]));
    },
    options.logger,
  );
  const services =
    options.servicesFile === undefined
      ? async () => null
      : watchedFile(options.servicesFile, loadServicesFile, options.logger);

  return {
    async authenticate(calling, secret) {
      const expected = (await secrets())?.get(calling);
      const same = timingSafeEqual(sha256(secret), expected ?? DUMMY);
      return expected !== undefined && secret !== '' && same;
    },
    async isKnown(name) {
      if (name === (options.selfName ?? 'core')) return true;
      const [known, directory] = await Promise.all([secrets(), services()]);
      return known?.has(name) === true || (directory !== null && Object.hasOwn(directory, name));
    },
  };
}

/** The hex SHA-256 of a secret, as `service-secrets.json` stores it (helm and tests write it). */
export function hashServiceSecret(secret: string): string {
  return sha256(secret).toString('hex');
}
