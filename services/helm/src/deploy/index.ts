/** Deployment outside helm's own supervision: Kubernetes manifests rendered from the registry and the master configuration, and their checks. */
export { checkManifests } from './kubernetes/check.js';
export { allObjects, DEFAULT_OPTIONS, renderKubernetes, type KubernetesOptions } from './kubernetes/render.js';
