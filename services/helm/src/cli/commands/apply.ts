/** After an app was added (install, new-service): regenerate the configuration and start it if the platform runs. */
import { loadPlatform, syncAll, GeneratedWriter } from '../../generate/index.js';
import type { StartOutcome } from '../../supervisor/index.js';
import { controlRequest, fetchStatus, problemMessage } from '../control-client.js';
import type { CliContext } from '../io.js';

/** Regenerates every file; when the daemon runs, has it pick up and start the new app. Returns the exit status. */
export async function applyConfiguration(context: CliContext, name: string): Promise<number> {
  const loaded = await loadPlatform(context.paths);
  const writer = new GeneratedWriter(context.paths);
  await syncAll(loaded, writer);
  const app = loaded.platform.apps.find((candidate) => candidate.name === name);
  context.io.out(
    `configuration regenerated: ${name} is registered${app === undefined ? '' : ` on port ${app.port}`}\n`,
  );
  if ((await fetchStatus(context.paths)) === undefined) {
    context.io.out('the platform is not running; ./start.sh (or npx hivematrix start) will start it\n');
    return 0;
  }
  const answer = await controlRequest(context.paths.socket, 'POST', '/reload', { start: true });
  if (answer.status !== 200) {
    context.io.err(`helm could not start ${name}: ${problemMessage(answer)}\n`);
    return 1;
  }
  const { outcomes } = answer.body as { outcomes: StartOutcome[] };
  const outcome = outcomes.find((candidate) => candidate.name === name);
  if (outcome === undefined) return 0;
  if (outcome.ok) {
    context.io.out(`✓ ${name} started (${outcome.health})\n`);
    return 0;
  }
  context.io.err(
    `✗ ${name} did not start: ${outcome.message ?? 'failed'}\n${outcome.logTail
      .slice(-10)
      .map((line) => `    ${line}`)
      .join('\n')}\n`,
  );
  return 1;
}
