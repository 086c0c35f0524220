/**
 * A backup or restore refused for a reason the operator can act on (a corrupt, foreign or
 * tampered archive, a wrong passphrase, an unknown component). The CLI prints the message and
 * exits non-zero; the console answers it as problem+json (422).
 */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}
