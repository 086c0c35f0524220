/**
 * `hivematrix enable|disable <service>`: turns an app on or off. With the platform running, the
 * daemon does it at once (writes the configuration, then starts the app, or stops it and stops
 * supervising it); without, only the configuration changes, for the next start.
 */
import { AppError } from '@hivematrix/sdk';
import { setAppEnabled } from '../../generate/index.js';
import { controlRequest, fetchStatus, problemMessage } from '../control-client.js';
import { CliError, type CliContext } from '../io.js';

export async function enableCommand(context: CliContext, service: string, enabled: boolean): Promise<number> {
  if ((await fetchStatus(context.paths)) !== undefined) {
    const answer = await controlRequest(
      context.paths.socket,
      'POST',
      `/services/${encodeURIComponent(service)}/${enabled ? 'enable' : 'disable'}`,
    );
    if (answer.status !== 200) throw new CliError(problemMessage(answer));
    const result = answer.body as { ok: boolean; message: string | null };
    (result.ok ? context.io.out : context.io.err)(`${result.ok ? '✓' : '✗'} ${result.message ?? service}\n`);
    return result.ok ? 0 : 1;
  }
  try {
    const { changed } = await setAppEnabled(context.paths, service, enabled);
    const state = enabled ? 'enabled' : 'disabled';
    context.io.out(
      changed ? `${service} ${state}; it takes effect when the platform starts\n` : `${service} was already ${state}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.message);
    throw error;
  }
}
