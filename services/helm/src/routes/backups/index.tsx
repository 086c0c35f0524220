/**
 * Backups in the console, admins only: `GET /backups` (the list, a create button, the restore
 * form), `POST /backups` (make one now; 303 back), `GET /backups/:file` (download, streamed),
 * `POST /backups/restore` (restore one component of a listed backup; 303 back). Every action is
 * recorded in the audit trail, refused ones too. A refused archive is answered as problem+json.
 *
 * A restore of everything replaces helm's own database under it and needs every service stopped,
 * so the console restores one component at a time (the daemon stops and restarts that service);
 * the whole platform is restored with `hivematrix restore` while it is stopped.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError, currentUser, requireRole, type ServiceApp } from '@hivematrix/sdk';
import { MIN_PASSPHRASE_LENGTH, BackupError, isBackupName, listBackups } from '../../backup/index.js';
import type { BackupConsole } from '../../backup/index.js';
import { recordAudit } from '../../db/index.js';
import type { HelmDb } from '../../db/index.js';
import { BackupsPage } from '../../views/backups.js';
import { actorOf } from '../services/actions.js';

/** What the console needs from the daemon. */
export interface BackupDeps extends BackupConsole {
  db: HelmDb;
  now: () => Date;
}

const adminPage = requireRole(['admin'], { page: true });
const fileName = z.string().refine(isBackupName, 'a backup file name');
const passphrase = z
  .string()
  .max(1024)
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value))
  .refine(
    (value) => value === undefined || value.length >= MIN_PASSPHRASE_LENGTH,
    `at least ${MIN_PASSPHRASE_LENGTH} characters`,
  );
const createBody = z.object({ passphrase });
const restoreBody = z.object({
  file: fileName,
  component: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/),
  passphrase,
  confirm: z.literal('yes'),
});
const noticeQuery = z.object({ notice: z.string().max(300).optional() });

function refusal(error: unknown): AppError {
  return error instanceof BackupError
    ? new AppError('unprocessable_entity', error.message)
    : new AppError('internal', 'the backup operation failed', { cause: error });
}

/** Registers the routes. */
export async function backupRoutes(app: ServiceApp, deps: BackupDeps): Promise<void> {
  app.get('/backups', { preValidation: adminPage, schema: { querystring: noticeQuery } }, async (request, reply) =>
    reply
      .header('Cache-Control', 'no-store')
      .html(
        <BackupsPage
          backups={await listBackups(deps.backupsDir)}
          components={deps.components()}
          notice={request.query.notice}
          urlFor={(target, query) => request.urlFor(target, query)}
        />,
      ),
  );

  app.post('/backups', { preValidation: adminPage, schema: { body: createBody } }, async (request, reply) => {
    const actor = actorOf(currentUser(request));
    try {
      const created = await deps.create(request.body.passphrase);
      const name = path.basename(created.file);
      const copied = created.copy === undefined ? '' : `, copied to ${created.copy}`;
      await recordAudit(deps.db, {
        at: deps.now(),
        actor,
        action: 'backup.create',
        target: name,
        result: 'success',
        detail: `${created.size} bytes${request.body.passphrase === undefined ? '' : ', encrypted'}${copied}`,
      });
      return reply.redirectTo('/backups', { notice: `Backup ${name} created${copied}.` });
    } catch (error) {
      await recordAudit(deps.db, {
        at: deps.now(),
        actor,
        action: 'backup.create',
        target: 'platform',
        result: 'failure',
        detail: error instanceof Error ? error.message : String(error),
      });
      throw refusal(error);
    }
  });

  app.post('/backups/restore', { preValidation: adminPage, schema: { body: restoreBody } }, async (request, reply) => {
    const actor = actorOf(currentUser(request));
    const { file, component } = request.body;
    const target = `${file}:${component}`;
    try {
      if (!deps.components().includes(component))
        throw new BackupError(
          `${component} cannot be restored from the console; restore it with hivematrix restore while the platform is stopped`,
        );
      await stat(path.join(deps.backupsDir, file)).catch(() => {
        throw new AppError('not_found', `No backup named ${file}`);
      });
      const result = await deps.restore(path.join(deps.backupsDir, file), component, request.body.passphrase);
      await recordAudit(deps.db, {
        at: deps.now(),
        actor,
        action: 'backup.restore',
        target,
        result: 'success',
        detail: `restored ${result.restored.join(', ')}`,
      });
      return reply.redirectTo('/backups', { notice: `Restored ${result.restored.join(', ')} from ${file}.` });
    } catch (error) {
      await recordAudit(deps.db, {
        at: deps.now(),
        actor,
        action: 'backup.restore',
        target,
        result: 'failure',
        detail: error instanceof Error ? error.message : String(error),
      });
      throw error instanceof AppError ? error : refusal(error);
    }
  });

  app.get(
    '/backups/:file',
    { preValidation: adminPage, schema: { params: z.object({ file: fileName }) } },
    async (request, reply) => {
      const file = path.join(deps.backupsDir, request.params.file);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile() !== true) throw new AppError('not_found', `No backup named ${request.params.file}`);
      await recordAudit(deps.db, {
        at: deps.now(),
        actor: actorOf(currentUser(request)),
        action: 'backup.download',
        target: request.params.file,
        result: 'success',
        detail: null,
      });
      return reply
        .type('application/octet-stream')
        .header('Content-Length', String(info.size))
        .header('Cache-Control', 'no-store')
        .header('Content-Disposition', `attachment; filename="${request.params.file}"`)
        .send(createReadStream(file));
    },
  );
}
