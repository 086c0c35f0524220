/** Taking an action on a service on behalf of an admin, and recording it in the audit trail. */
import { AppError, type UserClaims } from '@hivematrix/sdk';
import type { ActionResult, ServiceAction, ServiceControl } from '../../control.js';
import { recordAudit } from '../../db/index.js';
import type { HelmDb } from '../../db/index.js';
import type { PlatformStatus, ServiceStatusView } from '../../status.js';

/** What an action needs. */
export interface ActionDeps {
  db: HelmDb;
  control: ServiceControl;
  status: () => PlatformStatus;
  now: () => Date;
}

/** The name recorded for a user: their username, else their subject. */
export function actorOf(user: UserClaims): string {
  return user.preferred_username === '' ? user.sub : user.preferred_username;
}

/** The status of one service, or 404. */
export function findService(status: PlatformStatus, name: string): ServiceStatusView {
  const service = status.services.find((candidate) => candidate.name === name);
  if (service === undefined) throw new AppError('not_found', `No service named ${name}`);
  return service;
}

/**
 * Runs `action` on `name` and records it, successful or not. A refusal by the daemon (helm
 * itself, a disabled or uninstalled service) is recorded as a failure and answered 409.
 */
export async function performAction(
  deps: ActionDeps,
  actor: string,
  name: string,
  action: ServiceAction,
): Promise<ActionResult> {
  findService(deps.status(), name);
  let result: ActionResult;
  try {
    result = await deps.control[action](name);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    await recordAudit(deps.db, {
      at: deps.now(),
      actor,
      action: `service.${action}`,
      target: name,
      result: 'failure',
      detail,
    });
    throw new AppError('conflict', detail);
  }
  await recordAudit(deps.db, {
    at: deps.now(),
    actor,
    action: `service.${action}`,
    target: name,
    result: result.ok ? 'success' : 'failure',
    detail: result.message,
  });
  return result;
}
