/**
 * What helm refuses in external mode, with the reason: acting on a process (the pods belong to
 * whoever runs them, e.g. Kubernetes; `kubectl rollout restart deployment/<name>` is the restart)
 * and the host audit (it judges one machine's listeners, files and firewall, which a pod has not).
 * The refusals reject with AppError 'conflict', answered as 409 problem+json and recorded in the
 * audit trail as failed actions.
 */
import { AppError } from '@hivematrix/sdk';
import type { ServiceAction, ServiceControl } from '../control.js';
import type { AuditReport } from '../security/index.js';

/** Every action rejects: helm starts, stops and restarts no process in this mode. */
export function refusingControl(managedBy: string): ServiceControl {
  const refuse =
    (action: ServiceAction) =>
    (name: string): Promise<never> =>
      Promise.reject(
        new AppError('conflict', `${name} is managed by ${managedBy}: helm does not ${action} services in this mode`),
      );
  return {
    start: refuse('start'),
    stop: refuse('stop'),
    restart: refuse('restart'),
    enable: refuse('enable'),
    disable: refuse('disable'),
  };
}

/** The security page's audit: refused, since there is no machine of helm's to audit. */
export function unavailableHostAudit(managedBy: string): () => Promise<AuditReport> {
  return () =>
    Promise.reject(
      new AppError(
        'conflict',
        `The host audit checks one machine; the services here are managed by ${managedBy}, so audit its nodes and network policies instead`,
      ),
    );
}
