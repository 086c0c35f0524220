/**
 * `hivematrix token --service NAME [--target T] | --user NAME` and `hivematrix keys rotate`.
 * A service token is minted by core's `POST /service-token`, authenticated with that service's
 * own secret from the master configuration. A user token only comes from a login (the gateway
 * keeps it server-side), so for users the command explains how to call an endpoint as them.
 */
import type { GenerationContext } from '../../generate/index.js';
import { CliError, type CliContext } from '../io.js';
import { existingSettings } from '../settings.js';

function coreUrl(settings: GenerationContext): string {
  const core = settings.platform.apps.find((app) => app.name === 'core');
  return core === undefined ? 'http://127.0.0.1:5000' : settings.derived.serviceUrl(core);
}

async function readError(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { detail?: unknown; code?: unknown };
    if (typeof body.detail === 'string')
      return `${body.detail}${typeof body.code === 'string' ? ` (${body.code})` : ''}`;
  } catch {
    // Not JSON.
  }
  return `HTTP ${response.status}`;
}

/** Mints a service token at core for `calling` → `target`. */
export async function mintServiceToken(
  context: CliContext,
  settings: GenerationContext,
  calling: string,
  target: string,
): Promise<string> {
  const secret = settings.config.apps[calling]?.secret;
  if (secret === undefined) throw new CliError(`there is no service "${calling}" in the master configuration`);
  const fetchImpl = context.io.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(`${coreUrl(settings)}/service-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ calling_service: calling, target_service: target }),
    });
  } catch (error) {
    throw new CliError(
      `core does not answer at ${coreUrl(settings)} (${(error as Error).message}); is the platform running?`,
    );
  }
  if (!response.ok) throw new CliError(`core refused the service token: ${await readError(response)}`);
  const body = (await response.json()) as { token?: unknown };
  if (typeof body.token !== 'string') throw new CliError('core answered without a token');
  return body.token;
}

/** `token`. */
export async function tokenCommand(
  context: CliContext,
  options: { service?: string; user?: string; target?: string },
): Promise<number> {
  if ((options.service === undefined) === (options.user === undefined))
    throw new CliError('give exactly one of --service NAME or --user NAME');
  const settings = await existingSettings(context);
  if (options.service !== undefined) {
    const target = options.target ?? 'core';
    const token = await mintServiceToken(context, settings, options.service, target);
    context.io.out(`${token}\n`);
    context.io.err(
      `(service token of ${options.service} for ${target}, valid 5 minutes: curl -H "Authorization: Bearer $TOKEN" <${target} URL>)\n`,
    );
    return 0;
  }
  const url = settings.derived.publicUrl;
  context.io.err(
    [
      `A user token comes only from a login: the gateway keeps ${options.user ?? 'the user'}'s platform token on the server side.`,
      `To call an endpoint as that user, sign in at ${url}/ in a browser, copy the value of the __Host-hm_session cookie, and go through the gateway:`,
      `  curl -k -H 'Accept: application/json' --cookie '__Host-hm_session=<value>' ${url}/<service>/<path>`,
      'To test a service-to-service call instead: npx hivematrix token --service <caller> --target <service>',
      '',
    ].join('\n'),
  );
  return 2;
}

/**
 * `keys rotate`: asks core to make a new signing key (the old one keeps verifying until the last
 * token it signed expires). Core allows this to admins; with `--token` an admin's platform token
 * is used, otherwise helm's own service token, which core accepts only if it lets helm rotate.
 */
export async function keysRotateCommand(context: CliContext, options: { token?: string }): Promise<number> {
  const settings = await existingSettings(context);
  const bearer = options.token ?? (await mintServiceToken(context, settings, 'helm', 'core'));
  const fetchImpl = context.io.fetch ?? globalThis.fetch;
  const response = await fetchImpl(`${coreUrl(settings)}/api/admin/keys/rotate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
  });
  if (response.ok) {
    const body = (await response.json()) as {
      kid?: unknown;
      signs_from?: unknown;
      previous?: { kid?: unknown; retire_after?: unknown };
    };
    const retire =
      typeof body.previous?.retire_after === 'number'
        ? new Date(body.previous.retire_after * 1000).toISOString()
        : 'its last token expires';
    // Core publishes a new key at once but signs with it only once every instance serves it.
    const from = typeof body.signs_from === 'number' ? `from ${new Date(body.signs_from * 1000).toISOString()}` : 'now';
    context.io.out(
      `core signs with key ${String(body.kid)} ${from}; ${String(body.previous?.kid)} keeps verifying until ${retire}\n`,
    );
    return 0;
  }
  if ((response.status === 401 || response.status === 403) && options.token === undefined) {
    throw new CliError(
      `core rotates keys for admin users only (${await readError(response)}). Pass an admin's platform token with --token, or rotate from helm's admin pages once they exist.`,
    );
  }
  throw new CliError(`core refused the rotation: ${await readError(response)}`);
}
