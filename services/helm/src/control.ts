/**
 * What helm's HTTP app may do to the services: start, stop, restart, and turn an app on or off
 * (enable starts it and keeps it in the platform; disable stops it and leaves it out, until
 * enabled again). The daemon implements it with its supervisor (the app runs inside the
 * daemon); tests pass a fake.
 */

/** The actions an admin can take on one service. */
export type ServiceAction = 'start' | 'stop' | 'restart' | 'enable' | 'disable';

export const SERVICE_ACTIONS: readonly ServiceAction[] = ['start', 'stop', 'restart', 'enable', 'disable'];

/** The actions on a running (enabled) service. */
export const RUN_ACTIONS: readonly ServiceAction[] = ['start', 'stop', 'restart'];

/** How an action ended: `ok` false when the service did not come up healthy. */
export interface ActionResult {
  ok: boolean;
  message: string | null;
}

/** The daemon's side: each call rejects when the service is unknown or not run by helm. */
export type ServiceControl = Record<ServiceAction, (name: string) => Promise<ActionResult>>;
