/**
 * Making and reading RSA signing keys: a fresh key pair as PKCS#8 PEM named by its JWK thumbprint
 * (RFC 7638, so a kid always names exactly one key), and the public half of a private key.
 */
import { createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';

const generateRsa = promisify(generateKeyPair);

/** A new RSA 2048 key: its kid and private PEM. */
export async function generateSigningKey(): Promise<{ kid: string; privatePem: string }> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { kid: await kidOf(privatePem), privatePem };
}

/** The kid of a private key: the thumbprint of its public JWK. */
export function kidOf(privatePem: string): Promise<string> {
  return calculateJwkThumbprint(publicJwkOf(privatePem), 'sha256');
}

/** The public half of a PEM private key as a bare RSA JWK (`kty`, `n`, `e`). */
export function publicJwkOf(privatePem: string): JWK {
  const jwk = createPublicKey(privatePem).export({ format: 'jwk' });
  return { kty: String(jwk.kty), n: String(jwk.n), e: String(jwk.e) };
}
