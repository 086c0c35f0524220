/**
 * The Kubernetes objects of one service, typed against the Kubernetes API (kubernetes-types), so
 * the compiler checks every field: its ConfigMap and Secret (variables), Deployment (readiness on
 * /health/ready, liveness on /health/live, resources, a non-root read-only container, a pause before SIGTERM so endpoints drop
 * it first), Service, PodDisruptionBudget, and for the gateway and core an autoscaler; helm runs
 * as one pod in external mode.
 */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type {
  ConfigMap,
  Container,
  PersistentVolumeClaim,
  Probe,
  Secret,
  Service,
  Volume,
  VolumeMount,
} from 'kubernetes-types/core/v1.js';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { HEALTH_PATHS } from '@hivematrix/sdk';
import type { AppDefinition } from '../../registry/index.js';
import { SERVICE_SECRETS_FILE, SERVICES_FILE, STATE_DIR, type ClusterEnv } from './env.js';

/** Every object this generator writes. */
export type KubeObject =
  | ConfigMap
  | Secret
  | Deployment
  | Service
  | PodDisruptionBudget
  | HorizontalPodAutoscaler
  | Ingress
  | Job
  | PersistentVolumeClaim;

/** The image every service runs from; the overlays set its registry and tag (kustomize `images`). */
export const IMAGE = 'hivematrix';
/**
 * The probe paths every service serves (SDK `registerHealthRoute`). Readiness asks only about the
 * pod's own state (not draining, its database answers): `/health` also fails when a dependency is
 * down, and a readiness probe on it would take every pod of every caller out of the Service
 * whenever one service fails. Liveness asks only whether the process answers, so a pod is
 * restarted for a hung process, never for a dependency's outage.
 */
export const PROBE_PATHS = { readiness: HEALTH_PATHS.ready, liveness: HEALTH_PATHS.live } as const;
/** Apps that get an autoscaler (stateless, on every request's path). */
export const AUTOSCALED = new Set(['nexus', 'core']);
const NON_ROOT_UID = 10001;

/** The labels that select `app`'s pods. */
export function podLabels(app: AppDefinition): Record<string, string> {
  return { 'app.kubernetes.io/name': app.name, 'app.kubernetes.io/part-of': 'hivematrix' };
}

function probe(app: AppDefinition, path: string, periodSeconds: number, failureThreshold: number): Probe {
  return {
    httpGet: { path, port: 'http', scheme: app.scheme === 'https' ? 'HTTPS' : 'HTTP' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  };
}

export function configMapFor(app: AppDefinition, env: ClusterEnv): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${app.name}-config`, labels: podLabels(app) },
    data: env.config,
  };
}

export function secretFor(app: AppDefinition, env: ClusterEnv): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: `${app.name}-secrets`, labels: podLabels(app) },
    stringData: env.secret,
  };
}

export function deploymentFor(app: AppDefinition, replicas: number): Deployment {
  const volumes: Volume[] = [
    { name: 'state', emptyDir: {} },
    { name: 'tmp', emptyDir: {} },
    { name: 'services', configMap: { name: 'hivematrix-services' } },
  ];
  // The root filesystem is read-only: what a service writes goes to its state folder or /tmp.
  const mounts: VolumeMount[] = [
    { name: 'state', mountPath: STATE_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'services', mountPath: SERVICES_FILE, subPath: 'services.json', readOnly: true },
  ];
  if (app.name === 'core') {
    volumes.push({ name: 'core-files', secret: { secretName: 'core-files' } });
    mounts.push({
      name: 'core-files',
      mountPath: SERVICE_SECRETS_FILE,
      subPath: 'service-secrets.json',
      readOnly: true,
    });
    // Core's instances share their signing keys through core's database (sealed, rotated under a
    // lock), so no volume is shared between its pods.
  }
  const container: Container = {
    name: app.name,
    image: IMAGE,
    args: [app.name],
    ports: [{ name: 'http', containerPort: app.port }],
    envFrom: [{ configMapRef: { name: `${app.name}-config` } }, { secretRef: { name: `${app.name}-secrets` } }],
    readinessProbe: probe(app, PROBE_PATHS.readiness, 5, 2),
    // Liveness restarts only a process that stopped answering for a minute, not one whose
    // database or dependency is down (a restart cures neither).
    livenessProbe: { ...probe(app, PROBE_PATHS.liveness, 10, 6), initialDelaySeconds: 10 },
    // Endpoints drop the pod while it sleeps; then SIGTERM starts the drain (runService).
    lifecycle: { preStop: { sleep: { seconds: 5 } } },
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NON_ROOT_UID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: mounts,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app.name, labels: podLabels(app) },
    spec: {
      ...(AUTOSCALED.has(app.name) ? {} : { replicas }),
      selector: { matchLabels: podLabels(app) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: podLabels(app) },
        spec: {
          // The drain is bounded at 10 s after the 5 s pause; leave room for closing resources.
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: NON_ROOT_UID, fsGroup: NON_ROOT_UID },
          containers: [container],
          volumes,
        },
      },
    },
  };
}

/**
 * Helm's Deployment: one pod, replaced (not rolled) on update, so its alert monitor, metrics
 * sampler and log retention never run twice at once. It keeps everything in its PostgreSQL
 * database, so the pod needs no volume beyond the others'; `HELM_MODE=external` (its ConfigMap)
 * makes it watch the services instead of starting them.
 */
export function helmDeploymentFor(helm: AppDefinition): Deployment {
  const deployment = deploymentFor(helm, 1);
  const spec = deployment.spec;
  if (spec === undefined) throw new Error('deploymentFor returned no spec');
  return { ...deployment, spec: { ...spec, replicas: 1, strategy: { type: 'Recreate' } } };
}

export function serviceFor(app: AppDefinition): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app.name, labels: podLabels(app) },
    spec: { selector: podLabels(app), ports: [{ name: 'http', port: app.port, targetPort: 'http' }] },
  };
}

export function disruptionBudgetFor(app: AppDefinition): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: app.name, labels: podLabels(app) },
    spec: { maxUnavailable: 1, selector: { matchLabels: podLabels(app) } },
  };
}

export function autoscalerFor(app: AppDefinition, minReplicas: number): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: app.name, labels: podLabels(app) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
      minReplicas,
      maxReplicas: Math.max(minReplicas, 6),
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  };
}

/** The only way in from outside: the gateway, by its public host name. */
export function ingressFor(nexus: AppDefinition, publicUrl: string): Ingress {
  const host = new URL(publicUrl).hostname;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'nexus',
      labels: podLabels(nexus),
      // The gateway speaks HTTPS itself (its own certificate); ingress-nginx must talk HTTPS to it.
      annotations: {
        'nginx.ingress.kubernetes.io/backend-protocol': nexus.scheme === 'https' ? 'HTTPS' : 'HTTP',
        'nginx.ingress.kubernetes.io/proxy-body-size': '16m',
      },
    },
    spec: {
      tls: [{ hosts: [host], secretName: 'hivematrix-tls' }],
      rules: [
        {
          host,
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'nexus', port: { name: 'http' } } } }],
          },
        },
      ],
    },
  };
}

/**
 * One Job applying every service's migrations, one init container per database (in install
 * order), before the new version rolls out. Services apply them at boot too, under the same
 * advisory lock, so a rollout that races the Job is still safe.
 */
export function migrationJob(apps: readonly { app: AppDefinition; migrations: string }[]): Job {
  const securityContext = {
    runAsNonRoot: true,
    runAsUser: NON_ROOT_UID,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'hivematrix-migrate',
      labels: { 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/part-of': 'hivematrix' },
    },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/part-of': 'hivematrix' } },
        spec: {
          restartPolicy: 'OnFailure',
          initContainers: apps.map(({ app, migrations }) => ({
            name: `migrate-${app.name}`,
            image: IMAGE,
            command: ['node', 'packages/sdk/dist/cli/migrate.js', migrations],
            env: [
              {
                name: 'DATABASE_URL',
                valueFrom: { secretKeyRef: { name: `${app.name}-secrets`, key: 'DATABASE_URL' } },
              },
            ],
            securityContext,
          })),
          containers: [
            {
              name: 'done',
              image: IMAGE,
              command: ['node', '-e', 'process.stdout.write("migrations applied\\n")'],
              securityContext,
            },
          ],
        },
      },
    },
  };
}
