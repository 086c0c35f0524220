/**
 * The signing keys of an install from before issue 19 (one PKCS#8 PEM per key in `KEYS_DIR`
 * and `manifest.json` naming the signer), read once: on the first start with the keys in the
 * database, core imports them so that tokens signed before the upgrade stay valid. Nothing
 * writes these files any more.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { kidOf } from './key-material.js';
import type { NewKeyEntry } from './key-schedule.js';

const ManifestSchema = z.object({
  version: z.literal(1),
  signer: z.string().min(1),
  keys: z
    .array(
      z.object({
        kid: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
        created_at: z.number().int().nonnegative(),
        retire_after: z.number().int().nonnegative().nullable(),
      }),
    )
    .min(1),
});

/** The keys of the directory, ready to add to the store; null when it holds no manifest. */
export async function readLegacyKeys(dir: string): Promise<{ entry: NewKeyEntry; privatePem: string }[] | null> {
  const manifestFile = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await fs.readFile(manifestFile, 'utf8');
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
  const parsed = ManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${manifestFile} is not a valid key manifest`);
  const manifest = parsed.data;
  const signer = manifest.keys.find((key) => key.kid === manifest.signer);
  if (signer === undefined) throw new Error(`${manifestFile} names a signer that is not among its keys`);
  const signerFrom = Math.max(...manifest.keys.map((key) => key.created_at));
  const keys: { entry: NewKeyEntry; privatePem: string }[] = [];
  for (const key of manifest.keys) {
    const privatePem = await fs.readFile(path.join(dir, `${key.kid}.pem`), 'utf8');
    if ((await kidOf(privatePem)) !== key.kid)
      throw new Error(`${dir}/${key.kid}.pem does not hold the key its name says`);
    const isSigner = key.kid === signer.kid;
    // The manifest's signer stays the signer: it is the newest to sign; the others signed before it.
    keys.push({
      entry: {
        kid: key.kid,
        created_at: key.created_at,
        signs_from: isSigner ? signerFrom : Math.min(key.created_at, signerFrom - 1),
        retire_after: isSigner ? null : key.retire_after,
      },
      privatePem,
    });
  }
  return keys;
}
