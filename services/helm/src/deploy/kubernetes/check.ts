/**
 * What the compiler cannot see in a set of manifests: each Service selects the pods of a
 * Deployment and names a port they have, every probe asks a path the services serve (readiness `/health/ready`, liveness
 * `/health/live`), no
 * ConfigMap holds a secret (by name or by value), and every Secret, ConfigMap, Deployment and
 * Service referred to exists. `hivematrix deploy kubernetes` refuses to write manifests that fail.
 */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Container, PodSpec, Probe, Secret, Service } from 'kubernetes-types/core/v1.js';
import { HEALTH_PATHS } from '@hivematrix/sdk';
import { isSecretVariable } from './env.js';
import { PROBE_PATHS, type KubeObject } from './objects.js';

/** Paths every service serves without authentication (a probe may only ask these). */
const SERVED_PATHS: ReadonlySet<string> = new Set(Object.values(HEALTH_PATHS));

function byKind<K extends KubeObject['kind']>(
  objects: readonly KubeObject[],
  kind: K,
): Extract<KubeObject, { kind?: K }>[] {
  return objects.filter((object): object is Extract<KubeObject, { kind?: K }> => object.kind === kind);
}

function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '(unnamed)';
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}

function podSpecs(
  objects: readonly KubeObject[],
): { owner: string; spec: PodSpec; labels: Record<string, string> | undefined }[] {
  const specs: { owner: string; spec: PodSpec; labels: Record<string, string> | undefined }[] = [];
  for (const object of objects) {
    if ((object.kind === 'Deployment' || object.kind === 'Job') && object.spec?.template.spec !== undefined) {
      specs.push({
        owner: `${object.kind}/${nameOf(object)}`,
        spec: object.spec.template.spec,
        labels: object.spec.template.metadata?.labels,
      });
    }
  }
  return specs;
}

function checkProbe(
  owner: string,
  container: Container,
  kind: keyof typeof PROBE_PATHS,
  probe: Probe | undefined,
  problems: string[],
): void {
  if (probe === undefined) return;
  const get = probe.httpGet;
  if (get === undefined) return;
  if (!SERVED_PATHS.has(get.path ?? ''))
    problems.push(`${owner} ${container.name}: ${kind} probe asks ${get.path ?? '(no path)'}, which no service serves`);
  else if (get.path !== PROBE_PATHS[kind])
    // /health fails when a dependency is down: as a readiness probe it empties every caller's
    // Service during one service's outage; as a liveness probe it restarts them all.
    problems.push(`${owner} ${container.name}: ${kind} probe asks ${get.path ?? ''}, not ${PROBE_PATHS[kind]}`);
  if (typeof get.port === 'string' && !(container.ports ?? []).some((port) => port.name === get.port)) {
    problems.push(
      `${owner} ${container.name}: ${kind} probe names port ${get.port}, which the container does not have`,
    );
  }
}

/** The problems found; empty when the manifests are consistent. */
export function checkManifests(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const deployments: Deployment[] = byKind(objects, 'Deployment');
  const services: Service[] = byKind(objects, 'Service');
  const secrets: Secret[] = byKind(objects, 'Secret');
  const configMaps: ConfigMap[] = byKind(objects, 'ConfigMap');
  const secretKeys = new Map(
    secrets.map((secret) => [
      nameOf(secret),
      new Set([...Object.keys(secret.stringData ?? {}), ...Object.keys(secret.data ?? {})]),
    ]),
  );
  const configMapNames = new Set(configMaps.map(nameOf));
  const claimNames = new Set(byKind(objects, 'PersistentVolumeClaim').map(nameOf));

  for (const service of services) {
    const selector = service.spec?.selector ?? {};
    const targets = deployments.filter((deployment) => selects(selector, deployment.spec?.template.metadata?.labels));
    if (targets.length === 0) problems.push(`Service/${nameOf(service)} selects no Deployment's pods`);
    for (const port of service.spec?.ports ?? []) {
      const target = port.targetPort;
      if (typeof target !== 'string') continue;
      for (const deployment of targets) {
        const named = (deployment.spec?.template.spec?.containers ?? []).some((container) =>
          (container.ports ?? []).some((candidate) => candidate.name === target),
        );
        if (!named)
          problems.push(
            `Service/${nameOf(service)} targets port ${target}, which Deployment/${nameOf(deployment)} does not name`,
          );
      }
    }
  }

  // Nothing secret in a ConfigMap: no secret-like name, and no value of any Secret inside any value.
  const secretValues = secrets
    .flatMap((secret) => Object.values(secret.stringData ?? {}))
    .filter((value) => value.length >= 8);
  for (const configMap of configMaps) {
    for (const [key, value] of Object.entries(configMap.data ?? {})) {
      if (isSecretVariable(key)) problems.push(`ConfigMap/${nameOf(configMap)} holds ${key}, a secret`);
      if (secretValues.some((secret) => value.includes(secret)))
        problems.push(`ConfigMap/${nameOf(configMap)} ${key} holds a Secret's value`);
    }
  }

  for (const { owner, spec } of podSpecs(objects)) {
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      checkProbe(owner, container, 'readiness', container.readinessProbe, problems);
      checkProbe(owner, container, 'liveness', container.livenessProbe, problems);
      for (const source of container.envFrom ?? []) {
        if (source.secretRef !== undefined && !secretKeys.has(source.secretRef.name ?? ''))
          problems.push(`${owner} ${container.name}: Secret ${source.secretRef.name ?? ''} does not exist`);
        if (source.configMapRef !== undefined && !configMapNames.has(source.configMapRef.name ?? ''))
          problems.push(`${owner} ${container.name}: ConfigMap ${source.configMapRef.name ?? ''} does not exist`);
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref === undefined) continue;
        const keys = secretKeys.get(ref.name ?? '');
        if (keys === undefined) problems.push(`${owner} ${container.name}: Secret ${ref.name ?? ''} does not exist`);
        else if (!keys.has(ref.key))
          problems.push(`${owner} ${container.name}: Secret ${ref.name ?? ''} has no key ${ref.key}`);
      }
      if (container.securityContext?.runAsNonRoot !== true && spec.securityContext?.runAsNonRoot !== true)
        problems.push(`${owner} ${container.name}: may run as root`);
    }
    for (const volume of spec.volumes ?? []) {
      if (volume.secret !== undefined && !secretKeys.has(volume.secret.secretName ?? ''))
        problems.push(`${owner}: volume ${volume.name} names a missing Secret`);
      if (volume.configMap !== undefined && !configMapNames.has(volume.configMap.name ?? ''))
        problems.push(`${owner}: volume ${volume.name} names a missing ConfigMap`);
      if (volume.persistentVolumeClaim !== undefined && !claimNames.has(volume.persistentVolumeClaim.claimName))
        problems.push(`${owner}: volume ${volume.name} names a missing PersistentVolumeClaim`);
    }
  }

  const deploymentNames = new Set(deployments.map(nameOf));
  for (const hpa of byKind(objects, 'HorizontalPodAutoscaler')) {
    if (!deploymentNames.has(hpa.spec?.scaleTargetRef.name ?? ''))
      problems.push(`HorizontalPodAutoscaler/${nameOf(hpa)} scales a missing Deployment`);
  }
  for (const budget of byKind(objects, 'PodDisruptionBudget')) {
    const selector = budget.spec?.selector?.matchLabels ?? {};
    if (!deployments.some((deployment) => selects(selector, deployment.spec?.template.metadata?.labels)))
      problems.push(`PodDisruptionBudget/${nameOf(budget)} covers no Deployment`);
  }
  for (const ingress of byKind(objects, 'Ingress')) {
    for (const rule of ingress.spec?.rules ?? []) {
      for (const entry of rule.http?.paths ?? []) {
        const backend = entry.backend.service;
        const service = services.find((candidate) => nameOf(candidate) === backend?.name);
        if (service === undefined)
          problems.push(`Ingress/${nameOf(ingress)} routes to a missing Service ${backend?.name ?? ''}`);
        else if (
          backend?.port?.name !== undefined &&
          !(service.spec?.ports ?? []).some((port) => port.name === backend.port?.name)
        ) {
          problems.push(
            `Ingress/${nameOf(ingress)} names port ${backend.port.name} of Service/${nameOf(service)}, which it does not have`,
          );
        }
      }
    }
  }
  return problems;
}
