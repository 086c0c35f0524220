/**
 * `hivematrix deploy kubernetes [--out DIR] [--env NAME]…`: writes the platform's Kubernetes
 * manifests (a kustomize base and an overlay per environment) from the registry and the master
 * configuration, after checking them (checkManifests). The base holds the services' Secrets, so
 * the folder is written owner-only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  allObjects,
  checkManifests,
  DEFAULT_OPTIONS,
  renderKubernetes,
  type KubernetesOptions,
} from '../../deploy/index.js';
import { CliError, shortPath, type CliContext } from '../io.js';
import { existingSettings } from '../settings.js';

export interface DeployKubernetesFlags {
  out?: string;
  env?: string[];
  image?: string;
  tag?: string;
  replicas?: string;
  databaseHost?: string;
  redisUrl?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The options the flags give (names checked: they become namespaces and folder names). */
export function kubernetesOptions(flags: DeployKubernetesFlags): KubernetesOptions {
  const environments = flags.env !== undefined && flags.env.length > 0 ? flags.env : DEFAULT_OPTIONS.environments;
  for (const name of environments)
    if (!NAME.test(name)) throw new CliError(`--env ${name}: lower-case letters, digits and dashes only`);
  const replicas = flags.replicas === undefined ? DEFAULT_OPTIONS.replicas : Number(flags.replicas);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 100)
    throw new CliError('--replicas: a whole number from 1 to 100');
  return {
    environments,
    imageRepository: flags.image ?? DEFAULT_OPTIONS.imageRepository,
    imageTag: flags.tag ?? DEFAULT_OPTIONS.imageTag,
    replicas,
    cluster: {
      ...DEFAULT_OPTIONS.cluster,
      ...(flags.databaseHost === undefined ? {} : { databaseHost: flags.databaseHost }),
      ...(flags.redisUrl === undefined ? {} : { redisUrl: flags.redisUrl }),
    },
  };
}

/** `deploy kubernetes`. */
export async function deployKubernetesCommand(context: CliContext, flags: DeployKubernetesFlags): Promise<number> {
  const settings = await existingSettings(context);
  const options = kubernetesOptions(flags);
  const problems = checkManifests(allObjects(settings, options));
  if (problems.length > 0) throw new CliError(`the manifests are inconsistent:\n  ${problems.join('\n  ')}`);
  const out = path.resolve(flags.out ?? path.join(context.paths.instance, 'kubernetes'));
  for (const [file, text] of renderKubernetes(settings, options)) {
    const target = path.join(out, file);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, text, { mode: 0o600 });
  }
  context.io.out(
    [
      `wrote ${shortPath(out)}/ (base/ and overlays/${options.environments.join(', overlays/')}). To deploy:`,
      `  kubectl apply -k ${shortPath(out)}/overlays/${options.environments[0] ?? 'production'}`,
      `PostgreSQL is expected at ${options.cluster.databaseHost} and Redis at ${options.cluster.redisUrl} (an ExternalName Service, or --database-host / --redis-url).`,
      "base/ holds the services' secrets: keep it out of version control (or encrypt it, e.g. with SOPS).",
      '',
    ].join('\n'),
  );
  return 0;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Registers `deploy kubernetes` on the program. */
export function registerDeployCommands(
  program: Command,
  context: CliContext,
  run: (work: () => Promise<number>) => () => Promise<void>,
): void {
  const deploy = program.command('deploy').description('deployment files for engines past one machine');
  deploy
    .command('kubernetes')
    .description(
      'write Kubernetes manifests (kustomize base + an overlay per environment) from the registry and master configuration',
    )
    .option('--out <dir>', 'output folder (default instance/kubernetes)')
    .option('--env <name>', 'an overlay (repeatable; default staging and production)', collect)
    .option('--image <repository>', 'the image repository the overlays use')
    .option('--tag <tag>', 'the image tag the overlays use (default latest)')
    .option('--replicas <count>', "replicas per service (the autoscalers' minimum for nexus and core; default 2)")
    .option(
      '--database-host <host:port>',
      'PostgreSQL for databases the configuration keeps embedded (default postgresql:5432)',
    )
    .option('--redis-url <url>', 'Redis when the configuration names none (default redis://redis:6379)')
    .action((flags: DeployKubernetesFlags) => run(() => deployKubernetesCommand(context, flags))());
}
