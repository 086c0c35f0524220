/**
 * `hivematrix systemd`: writes a systemd unit that runs the helm daemon in the foreground at boot
 * (helm then starts and supervises everything). On stop, systemd signals helm alone
 * (KillMode=mixed), helm stops the services in order, and whatever is left after the timeout is
 * killed. A gateway on a port below 1024 gets CAP_NET_BIND_SERVICE for this unit only (the
 * original granted it to the system's Python binary).
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { BUILD_NODE_FLAGS, buildEnv } from '../../daemon/build-tuning.js';
import { TSX_LOADER } from '../../daemon/service-specs.js';
import { shortPath, type CliContext } from '../io.js';
import { existingSettings } from '../settings.js';

/** The unit file's text. */
export function systemdUnit(options: {
  root: string;
  instance: string;
  nodePath: string;
  user: string;
  lowPort: boolean;
  appsDir: string;
  build?: boolean;
}): string {
  // The production build (npm run build) runs with plain node, and helm then runs every service's build too.
  const entry =
    options.build === true
      ? path.join(options.root, 'services', 'helm', 'dist', 'main.js')
      : path.join(options.root, 'services', 'helm', 'src', 'main.ts');
  return [
    '[Unit]',
    'Description=HiveMatrix (helm supervising every service)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${options.user}`,
    `WorkingDirectory=${options.root}`,
    `Environment=HIVEMATRIX_INSTANCE_DIR=${options.instance}`,
    `Environment=HIVEMATRIX_APPS_DIR=${options.appsDir}`,
    ...(options.build === true
      ? [
          'Environment=HIVEMATRIX_RUNTIME=build',
          ...Object.entries(buildEnv(path.join(options.instance, 'run'))).map(
            ([name, value]) => `Environment=${name}=${value}`,
          ),
          `ExecStart=${[options.nodePath, ...BUILD_NODE_FLAGS, entry].join(' ')}`,
        ]
      : [`ExecStart=${options.nodePath} --import ${TSX_LOADER} ${entry}`]),
    'ExecReload=/bin/kill -HUP $MAINPID',
    'KillMode=mixed',
    'TimeoutStopSec=180',
    'Restart=on-failure',
    'RestartSec=5',
    'NoNewPrivileges=true',
    'LimitNOFILE=65536',
    ...(options.lowPort
      ? ['AmbientCapabilities=CAP_NET_BIND_SERVICE', 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE']
      : []),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** `systemd [--output FILE]`. */
export async function systemdCommand(context: CliContext, options: { output?: string }): Promise<number> {
  const settings = await existingSettings(context);
  const nexus = settings.platform.apps.find((app) => app.name === 'nexus');
  const file = path.resolve(options.output ?? path.join(context.paths.instance, 'hivematrix.service'));
  const text = systemdUnit({
    root: context.paths.root,
    instance: context.paths.instance,
    appsDir: context.paths.appsDir,
    nodePath: process.execPath,
    user: userInfo().username,
    lowPort: (nexus?.port ?? 8443) < 1024,
    build: (context.io.env.HIVEMATRIX_RUNTIME ?? settings.config.system.runtime) === 'build',
  });
  await writeFile(file, text, { mode: 0o644 });
  context.io.out(
    [
      `wrote ${shortPath(file)}. To start HiveMatrix at boot:`,
      `  sudo cp ${file} /etc/systemd/system/hivematrix.service`,
      '  sudo systemctl daemon-reload',
      '  npx hivematrix stop          # if it runs now, from this shell',
      '  sudo systemctl enable --now hivematrix',
      'Its output goes to the journal (journalctl -u hivematrix); the services still log to instance/logs/.',
      '',
    ].join('\n'),
  );
  return 0;
}
