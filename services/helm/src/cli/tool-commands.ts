/** The CLI's tool commands: logs, install, users, token, keys, new-service, systemd, doctor. */
import type { Command } from 'commander';
import { doctorCommand } from './commands/doctor.js';
import { installCommand } from './commands/install.js';
import { logsCommand, type LogsOptions } from './commands/logs.js';
import { newServiceCommand } from './commands/new-service.js';
import { systemdCommand } from './commands/systemd.js';
import { keysRotateCommand, tokenCommand } from './commands/tokens.js';
import { usersAddCommand, usersGroupsCommand, usersListCommand, usersPasswdCommand } from './commands/users.js';
import type { CliContext } from './io.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Registers the tool commands on `program`; `run` records each action's exit status. */
export function registerToolCommands(
  program: Command,
  context: CliContext,
  run: (work: () => Promise<number>) => () => Promise<void>,
): void {
  program
    .command('logs [service]')
    .description("show the services' logs (instance/logs), merged by time")
    .option('-f, --follow', 'keep printing new lines')
    .option('--level <level>', 'only this level and above (debug, info, warn, error, fatal)')
    .option('--since <when>', 'only lines since a duration ago (30s, 10m, 2h, 1d) or a date')
    .option('--grep <text>', 'only lines containing the text (any case)')
    .option('-n, --lines <count>', 'how many lines to show (default 100)')
    .option('--json', 'print the raw JSON lines')
    .action((service: string | undefined, options: LogsOptions) => run(() => logsCommand(context, service, options))());

  program
    .command('install <source>')
    .description('install an app from a git URL, a local folder, or the registry, then configure and start it')
    .action((source: string) => run(() => installCommand(context, source))());

  const users = program.command('users').description('users of the identity provider');
  users
    .command('list')
    .option('--search <text>', 'username, name or email containing the text')
    .option('--max <count>', 'at most this many users', '100')
    .option('--json', 'machine-readable output')
    .action((options: { search?: string; max?: string; json?: boolean }) =>
      run(() => usersListCommand(context, options))(),
    );
  users
    .command('add <username>')
    .option('--email <email>')
    .option('--first-name <name>')
    .option('--last-name <name>')
    .option('--group <group>', 'add to a group (admins, technicians, billing, client); repeatable', collect)
    .option('--password-stdin', 'read the password from standard input (else a temporary one is generated)')
    .action(
      (
        username: string,
        options: { email?: string; firstName?: string; lastName?: string; group?: string[]; passwordStdin?: boolean },
      ) => run(() => usersAddCommand(context, username, options))(),
    );
  users
    .command('passwd <username>')
    .option('--password-stdin', 'read the password from standard input (else a temporary one is generated)')
    .option('--permanent', 'do not ask the user to change it at next login')
    .action((username: string, options: { passwordStdin?: boolean; permanent?: boolean }) =>
      run(() => usersPasswdCommand(context, username, options))(),
    );
  users
    .command('groups <username>')
    .option('--add <group>', 'add to a group; repeatable', collect)
    .option('--remove <group>', 'remove from a group; repeatable', collect)
    .action((username: string, options: { add?: string[]; remove?: string[] }) =>
      run(() => usersGroupsCommand(context, username, options))(),
    );

  program
    .command('token')
    .description('mint a token to test an endpoint')
    .option('--service <name>', 'a service token of this service (from core, with its secret)')
    .option('--target <service>', 'the service the token is for (default core)')
    .option('--user <name>', 'explains how to act as a user (user tokens come only from a login)')
    .action((options: { service?: string; user?: string; target?: string }) =>
      run(() => tokenCommand(context, options))(),
    );

  program
    .command('keys')
    .description('signing keys')
    .command('rotate')
    .description('make core sign with a new key (old tokens stay valid until they expire)')
    .option('--token <jwt>', "an admin's platform token")
    .action((options: { token?: string }) => run(() => keysRotateCommand(context, options))());

  program
    .command('new-service <name>')
    .description('create services/<name> from the template, register it, and start it if the platform runs')
    .action((name: string) => run(() => newServiceCommand(context, name))());

  program
    .command('systemd')
    .description('write a systemd unit that starts the platform at boot')
    .option('-o, --output <file>', 'where to write it (default instance/hivematrix.service)')
    .action((options: { output?: string }) => run(() => systemdCommand(context, options))());

  program
    .command('doctor')
    .description('check versions, ports, permissions and configuration, and explain fixes')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => run(() => doctorCommand(context, options))());
}
