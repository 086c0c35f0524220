/**
 * The `hivematrix` command line (commander). `main(argv)` returns the exit status; the launcher
 * in bin/hivematrix.js runs it through tsx. Every command is a function of a context (output,
 * environment, paths), so tests run them in-process.
 */
import { Command, CommanderError } from 'commander';
import { platformPaths } from '../config.js';
import { auditCommand } from './commands/audit.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerDeployCommands } from './commands/deploy.js';
import { configSyncCommand, configWriteCommand, updateConfigCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { restartCommand, startCommand, stopCommand } from './commands/lifecycle.js';
import { enableCommand } from './commands/enable.js';
import { metricsCommand } from './commands/metrics.js';
import { alertsCommand } from './commands/alerts.js';
import { statusCommand } from './commands/status.js';
import { registerUserStateCommands } from './commands/users.js';
import { CliError, type CliContext, type CliIo } from './io.js';
import { registerToolCommands } from './tool-commands.js';

/** Builds the program; each action stores its exit status in `result.code`. */
export function buildProgram(context: CliContext, result: { code: number }): Command {
  const program = new Command('hivematrix')
    .description('Run and configure the HiveMatrix platform')
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.io.out(text), writeErr: (text) => context.io.err(text) });
  const run = (work: () => Promise<number>) => async () => {
    result.code = await work();
  };

  program
    .command('start [service]')
    .description('start the platform in the background (or one service)')
    .action((service?: string) => run(() => startCommand(context, service))());
  program
    .command('stop [service]')
    .description('stop the platform (or one service)')
    .action((service?: string) => run(() => stopCommand(context, service))());
  program
    .command('restart [service]')
    .description('restart the platform (or one service)')
    .action((service?: string) => run(() => restartCommand(context, service))());
  program
    .command('enable <service>')
    .description('turn an app on (started at once when the platform runs)')
    .action((service: string) => run(() => enableCommand(context, service, true))());
  program
    .command('disable <service>')
    .description('turn an app off (stopped at once when the platform runs)')
    .action((service: string) => run(() => enableCommand(context, service, false))());
  program
    .command('status')
    .description('name, port, pid, state, health, restarts, uptime and memory of every service')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => run(() => statusCommand(context, options))());
  program
    .command('audit')
    .description(
      'security audit: exposed ports, readable secrets, certificate, admin password, identity, firewall (exit 2 on high)',
    )
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => run(() => auditCommand(context, options))());
  program
    .command('demo')
    .description(
      'load a demo MSP into codex (companies DEMO-…, people, devices, plans, months of tickets), or --remove it',
    )
    .option('--remove', 'take the demo data away again (nothing else is touched)')
    .action((options: { remove?: boolean }) => run(() => demoCommand(context, options))());
  program
    .command('update-config')
    .description('regenerate services.json and master_services.json from apps_registry.json')
    .action(run(() => updateConfigCommand(context)));

  const config = program.command('config').description('generated configuration files');
  config
    .command('sync')
    .description('rewrite every env and conf file (previous versions backed up)')
    .action(run(() => configSyncCommand(context)));
  config
    .command('write-env <app>')
    .description("rewrite one service's instance/<app>/.env")
    .action((app: string) => run(() => configWriteCommand(context, 'env', app))());
  config
    .command('write-conf <app>')
    .description("rewrite one service's instance/<app>/<app>.conf")
    .action((app: string) => run(() => configWriteCommand(context, 'conf', app))());

  registerToolCommands(program, context, run);
  registerBackupCommands(program, context, run);
  registerUserStateCommands(program, context, run);
  program
    .command('metrics [service]')
    .description('newest CPU, memory, health and restarts sample of every service (or the recent samples of one)')
    .option('--since <hours>', 'with a service: every sample of the last hours, e.g. 24h')
    .option('--json', 'machine-readable output')
    .action((service: string | undefined, options: { since?: string; json?: boolean }) =>
      run(() => metricsCommand(context, service, options))(),
    );
  program
    .command('alerts')
    .description(
      'open alerts (services down or failed, backups, certificate, high audit findings); exits 2 when a high one is open',
    )
    .option('--all', 'also the recently resolved ones')
    .option('--json', 'machine-readable output')
    .action((options: { all?: boolean; json?: boolean }) => run(() => alertsCommand(context, options))());
  registerDeployCommands(program, context, run);
  return program;
}

/** Runs the CLI with `argv` (without node and script). */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const cliIo: CliIo = io ?? {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY,
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  if (io === undefined) {
    // `hivematrix logs | head` closes the pipe early; that is not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
    });
  }
  const context: CliContext = { io: cliIo, paths: platformPaths(cliIo.env) };
  const result = { code: 0 };
  try {
    await buildProgram(context, result).parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      cliIo.err(`hivematrix: ${error.message}\n`);
      return error.code;
    }
    cliIo.err(`hivematrix: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
