/**
 * `hivematrix deploy kubernetes` for the default registry: the manifests type-check (they are
 * typed against kubernetes-types), and here we check what no compiler sees: every Service selects
 * a Deployment's pods, every probe path exists (readiness asks /health/ready, liveness /health/live,
 * and an SDK app answers both), no secret sits in a ConfigMap, every Secret and
 * ConfigMap referred to exists; and the checker itself catches each kind of mistake.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import Fastify from 'fastify';
import { createHealthCheck, registerHealthRoute } from '@hivematrix/sdk';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Secret, Service } from 'kubernetes-types/core/v1.js';
import { platformPaths } from '../src/config.js';
import { main } from '../src/cli/main.js';
import { activeApps, type GenerationContext } from '../src/generate/context.js';
import { loadPlatform } from '../src/generate/sync.js';
import { checkManifests } from '../src/deploy/kubernetes/check.js';
import { allObjects } from '../src/deploy/kubernetes/render.js';
import type { KubeObject } from '../src/deploy/kubernetes/objects.js';

describe('hivematrix deploy kubernetes (default registry)', () => {
  let instance: string;
  let context: GenerationContext;
  let objects: KubeObject[];
  const env: Record<string, string> = {};

  before(async () => {
    instance = await mkdtemp(path.join(tmpdir(), 'hm-k8s-'));
    env.HIVEMATRIX_INSTANCE_DIR = instance;
    const loaded = await loadPlatform(platformPaths(env));
    context = loaded.context;
    objects = allObjects(context);
  });
  after(() => rm(instance, { recursive: true, force: true }));

  const of = <K extends KubeObject['kind']>(kind: K) =>
    objects.filter((object): object is Extract<KubeObject, { kind?: K }> => object.kind === kind);

  it('passes every consistency check', () => {
    assert.deepEqual(checkManifests(objects), []);
  });

  it('has a Deployment, Service and PodDisruptionBudget per active service, helm included; autoscalers for nexus and core; an Ingress for nexus only', () => {
    const expected = activeApps(context)
      .map((app) => app.name)
      .sort();
    assert.ok(expected.includes('helm'));
    assert.ok(
      expected.includes('nexus') && expected.includes('core') && expected.includes('codex'),
      expected.join(','),
    );
    const names = (kind: KubeObject['kind']) =>
      objects
        .filter((object) => object.kind === kind)
        .map((object) => object.metadata?.name ?? '')
        .sort();
    assert.deepEqual(names('Deployment'), expected);
    assert.deepEqual(names('Service'), expected);
    assert.deepEqual(names('PodDisruptionBudget'), expected);
    assert.deepEqual(names('HorizontalPodAutoscaler'), ['core', 'nexus']);
    assert.deepEqual(names('Ingress'), ['nexus']);
    assert.deepEqual(names('Job'), ['hivematrix-migrate']);
    // Core's instances share their signing keys through its database: no volume, no key folder.
    assert.deepEqual(names('PersistentVolumeClaim'), []);
    const core = of('Deployment').find((deployment) => deployment.metadata?.name === 'core');
    assert.ok(
      core?.spec?.template.spec?.containers[0]?.volumeMounts?.every((mount) => !mount.mountPath?.endsWith('/keys')),
    );
    assert.equal(of('ConfigMap').find((config) => config.metadata?.name === 'core-config')?.data?.KEYS_DIR, undefined);
  });

  it('keeps database URLs and service secrets in Secrets, reaching PostgreSQL and the other services by name', () => {
    const codexSecret = of('Secret').find((secret: Secret) => secret.metadata?.name === 'codex-secrets');
    const codexConfig = of('ConfigMap').find((config: ConfigMap) => config.metadata?.name === 'codex-config');
    assert.match(codexSecret?.stringData?.DATABASE_URL ?? '', /^postgres(ql)?:\/\/[^@]+@postgresql:5432\//);
    assert.equal(codexSecret?.stringData?.SERVICE_SECRET, context.config.apps.codex?.secret);
    assert.equal(codexConfig?.data?.DATABASE_URL, undefined);
    assert.equal(
      codexConfig?.data?.CORE_SERVICE_URL,
      `http://core:${context.platform.apps.find((app) => app.name === 'core')?.port}`,
    );
    assert.equal(codexConfig?.data?.HOST, '0.0.0.0');
    for (const config of of('ConfigMap')) {
      assert.doesNotMatch(
        JSON.stringify(config.data),
        /127\.0\.0\.1/,
        `${config.metadata?.name} still points at this machine`,
      );
    }
    assert.equal(codexConfig?.data?.NEXUS_URL, context.derived.publicUrl, 'the public URL stays public');
    // No path of this machine: every file a service is told about is in its pod.
    const named: [string, string][] = [
      ...of('ConfigMap').flatMap((config): [string, string][] =>
        Object.values(config.data ?? {}).map((value) => [config.metadata?.name ?? '', value]),
      ),
      ...of('Secret').flatMap((secret): [string, string][] =>
        Object.values(secret.stringData ?? {}).map((value) => [secret.metadata?.name ?? '', value]),
      ),
    ];
    for (const [name, value] of named.filter(([, entry]) => entry.startsWith('/'))) {
      assert.match(value, /^\/(var\/lib|etc)\/hivematrix(\/|$)/, `${name}: ${value}`);
    }
    const identityConfig = of('ConfigMap').find((config) => config.metadata?.name === 'identity-config')?.data ?? {};
    assert.equal(
      identityConfig.IDENTITY_BACKCHANNEL_CONNECT_ADDRESS,
      undefined,
      'identity accepts only an IP address there',
    );
    assert.equal(identityConfig.IDENTITY_BACKCHANNEL_INSECURE_LOCAL, 'false');
    const nexusSecret = of('Secret').find((secret: Secret) => secret.metadata?.name === 'nexus-secrets');
    assert.ok(nexusSecret?.stringData?.REDIS_URL !== undefined, 'several gateways share sessions through Redis');
    for (const secret of of('Secret').filter(
      (s) => /-secrets$/.test(s.metadata?.name ?? '') && s.metadata?.name !== 'helm-secrets',
    )) {
      assert.ok(
        secret.stringData?.REDIS_URL !== undefined,
        `${secret.metadata?.name ?? ''}: instances share rate limits through Redis`,
      );
    }
  });

  it('runs helm as one pod in external mode, watching the services by their Service names, and changes nothing else', () => {
    const deployments = of('Deployment');
    const helm = deployments.find((deployment) => deployment.metadata?.name === 'helm');
    assert.equal(helm?.spec?.replicas, 1);
    assert.deepEqual(
      helm?.spec?.strategy,
      { type: 'Recreate' },
      'never two monitors, samplers or retention jobs at once',
    );
    assert.deepEqual(helm?.spec?.template.spec?.containers[0]?.args, ['helm']);
    assert.equal(helm?.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet?.path, '/health/ready');
    // helm keeps its state in PostgreSQL: no claim of its own.
    assert.ok(!(helm?.spec?.template.spec?.volumes ?? []).some((volume) => volume.persistentVolumeClaim !== undefined));
    const helmConfig = of('ConfigMap').find((config) => config.metadata?.name === 'helm-config')?.data ?? {};
    const helmSecret = of('Secret').find((secret) => secret.metadata?.name === 'helm-secrets')?.stringData ?? {};
    assert.equal(helmConfig.HELM_MODE, 'external');
    assert.equal(helmConfig.HELM_MANAGED_BY, 'Kubernetes');
    assert.equal(helmConfig.ALERT_DOWN_AFTER_S, String(context.config.alerts.down_after_s));
    assert.equal(helmConfig.SERVICES_FILE, '/etc/hivematrix/services.json');
    assert.equal(helmConfig.HELM_SERVICE_URL, undefined, 'helm does not ship its logs to itself');
    assert.match(helmSecret.DATABASE_URL ?? '', /@postgresql:5432\//);
    assert.ok(helmSecret.SERVICE_SECRET !== undefined && helmSecret.SERVICE_SECRET.length >= 32);
    const helmPort = context.platform.apps.find((app) => app.name === 'helm')?.port;
    // Every other service ships its logs to helm's Service; no other Deployment is in external mode or changed shape.
    for (const deployment of deployments.filter((candidate) => candidate.metadata?.name !== 'helm')) {
      const name = deployment.metadata?.name ?? '';
      const config = of('ConfigMap').find((candidate) => candidate.metadata?.name === `${name}-config`)?.data ?? {};
      assert.equal(config.HELM_SERVICE_URL, `http://helm:${helmPort}`, name);
      assert.equal(config.HELM_MODE, undefined, name);
      assert.equal(deployment.spec?.strategy?.type, 'RollingUpdate', name);
      assert.equal(deployment.spec?.replicas, ['nexus', 'core'].includes(name) ? undefined : 2, name);
    }
    // The services table helm reads names every service by its Service, helm included.
    const table = JSON.parse(
      of('ConfigMap').find((config) => config.metadata?.name === 'hivematrix-services')?.data?.['services.json'] ??
        '{}',
    ) as Record<string, { url: string }>;
    assert.equal(table.helm?.url, `http://helm:${helmPort}`);
    assert.equal(table.codex?.url, `http://codex:${context.platform.apps.find((app) => app.name === 'codex')?.port}`);
    // Helm calls core (revoking sessions), so core knows its secret's hash.
    const hashes = JSON.parse(
      of('Secret').find((secret) => secret.metadata?.name === 'core-files')?.stringData?.['service-secrets.json'] ??
        '{}',
    ) as Record<string, string>;
    assert.match(hashes.helm ?? '', /^[0-9a-f]{64}$/);
    // Helm's migrations run in the migration Job with the others'.
    const job = of('Job')[0];
    assert.ok(job?.spec?.template.spec?.initContainers?.some((container) => container.name === 'migrate-helm'));
  });

  it("puts alert channels holding credentials in helm's Secret", () => {
    const alerts = {
      ...context.config.alerts,
      webhook_url: 'https://hooks.example/T0/B0/s3cr3t-token',
      smtp_url: 'smtps://alerts:pw-123456@mail.example',
      email_to: 'ops@example.com',
    };
    const configured: GenerationContext = { ...context, config: { ...context.config, alerts } };
    const rendered = allObjects(configured);
    const config =
      rendered.find(
        (object): object is ConfigMap => object.kind === 'ConfigMap' && object.metadata?.name === 'helm-config',
      )?.data ?? {};
    const secret =
      rendered.find((object): object is Secret => object.kind === 'Secret' && object.metadata?.name === 'helm-secrets')
        ?.stringData ?? {};
    assert.equal(secret.ALERT_WEBHOOK_URL, 'https://hooks.example/T0/B0/s3cr3t-token');
    assert.equal(secret.ALERT_SMTP_URL, 'smtps://alerts:pw-123456@mail.example');
    assert.equal(config.ALERT_EMAIL_TO, 'ops@example.com');
    assert.equal(config.ALERT_WEBHOOK_URL, undefined);
    assert.deepEqual(checkManifests(rendered), []);
  });

  it('probes readiness at /health/ready and liveness at /health/live on the named port, over HTTPS for the gateway', () => {
    for (const deployment of of('Deployment')) {
      const container = deployment.spec?.template.spec?.containers[0];
      assert.equal(container?.readinessProbe?.httpGet?.path, '/health/ready');
      assert.equal(container?.livenessProbe?.httpGet?.path, '/health/live');
      for (const probe of [container?.readinessProbe, container?.livenessProbe])
        assert.equal(probe?.httpGet?.scheme, deployment.metadata?.name === 'nexus' ? 'HTTPS' : 'HTTP');
      assert.ok(container?.resources?.requests?.memory !== undefined && container.resources.requests.cpu !== undefined);
    }
  });

  it('every probe path exists: a service built on the SDK answers each with its JSON, without signing in', async () => {
    const paths = new Set(
      of('Deployment').flatMap((deployment) =>
        (deployment.spec?.template.spec?.containers ?? []).flatMap((container) =>
          [container.readinessProbe, container.livenessProbe].map((probe) => probe?.httpGet?.path ?? '(none)'),
        ),
      ),
    );
    assert.deepEqual([...paths].sort(), ['/health/live', '/health/ready']);
    const app = Fastify();
    registerHealthRoute(app, createHealthCheck({ service: 'probe', database: { ping: () => Promise.resolve() } }));
    try {
      for (const url of paths) {
        const response = await app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
        assert.equal(response.json<{ service: string }>().service, 'probe', url);
      }
    } finally {
      await app.close();
    }
  });

  it('the checker catches a Service selecting nothing, a secret in a ConfigMap, a missing Secret and a wrong probe path', () => {
    const broken = structuredClone(objects);
    const service = broken.find(
      (object): object is Service => object.kind === 'Service' && object.metadata?.name === 'codex',
    );
    if (service?.spec) service.spec.selector = { 'app.kubernetes.io/name': 'kodex' };
    const config = broken.find(
      (object): object is ConfigMap => object.kind === 'ConfigMap' && object.metadata?.name === 'ledger-config',
    );
    const ledgerUrl =
      of('Secret').find((secret) => secret.metadata?.name === 'ledger-secrets')?.stringData?.DATABASE_URL ?? '';
    if (config?.data) config.data.NOTE = `copy of ${ledgerUrl}`;
    const deployment = broken.find(
      (object): object is Deployment => object.kind === 'Deployment' && object.metadata?.name === 'beacon',
    );
    const container = deployment?.spec?.template.spec?.containers[0];
    if (container?.readinessProbe?.httpGet) container.readinessProbe.httpGet.path = '/healthz';
    // The detailed report fails when a dependency is down: never a readiness probe.
    const ledger = broken.find(
      (object): object is Deployment => object.kind === 'Deployment' && object.metadata?.name === 'ledger',
    );
    const ledgerProbe = ledger?.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet;
    if (ledgerProbe) ledgerProbe.path = '/health';
    if (container?.envFrom?.[1]?.secretRef) container.envFrom[1].secretRef.name = 'beacon-secret';
    const problems = checkManifests(broken);
    assert.ok(
      problems.some((problem) => problem.startsWith('Service/codex selects no')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((problem) => problem.includes("ConfigMap/ledger-config NOTE holds a Secret's value")),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((problem) => problem.includes('/healthz')),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes('Deployment/ledger ledger: readiness probe asks /health, not /health/ready'),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((problem) => problem.includes('Secret beacon-secret does not exist')),
      problems.join('\n'),
    );
  });

  it('writes a kustomize base and an overlay per environment, owner-only, as YAML kubectl reads', async () => {
    const out = path.join(instance, 'k8s');
    const err: string[] = [];
    const printed: string[] = [];
    const code = await main(
      ['deploy', 'kubernetes', '--out', out, '--env', 'staging', '--env', 'production', '--tag', '1.2.3'],
      {
        out: (text) => printed.push(text),
        err: (text) => err.push(text),
        isTTY: false,
        env,
        readStdin: async () => '',
      },
    );
    assert.equal(code, 0, err.join(''));
    assert.match(printed.join(''), /kubectl apply -k/);
    const base = parse(await readFile(path.join(out, 'base', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    for (const file of base.resources) {
      const documents = parseAllDocuments(await readFile(path.join(out, 'base', file), 'utf8'));
      assert.ok(documents.length > 0);
      for (const document of documents) assert.deepEqual(document.errors, [], file);
    }
    assert.deepEqual((await readdir(path.join(out, 'overlays'))).sort(), ['production', 'staging']);
    const overlay = parse(await readFile(path.join(out, 'overlays', 'production', 'kustomization.yaml'), 'utf8')) as {
      namespace: string;
      images: { newTag: string }[];
      resources: string[];
    };
    assert.equal(overlay.namespace, 'hivematrix-production');
    assert.equal(overlay.images[0]?.newTag, '1.2.3');
    assert.deepEqual(overlay.resources, ['../../base']);
    assert.equal(
      (await stat(path.join(out, 'base', 'codex.yaml'))).mode & 0o077,
      0,
      'secrets are not readable by others',
    );
  });
});
