/**
 * The shape of `apps_registry.json` (the source of truth for the platform's apps) and of the
 * `hivematrix` field of an app's package.json (its manifest, which makes an app discoverable
 * without editing the registry).
 */
import { z } from 'zod';
import { PERMISSION_LEVELS, serviceNameSchema } from '@hivematrix/sdk';

const pathPrefix = z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, 'a path starting with /');
const port = z.number().int().min(1).max(65535);
/** Names in `depends_on`: apps or system dependencies (postgresql, redis). */
const dependencyName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

/** The settings an app can declare, in the registry or in its own manifest. */
const appFields = {
  display_name: z.string().min(1).max(60).optional(),
  description: z.string().max(300).optional(),
  icon: z.string().max(40).optional(),
  port: port.optional(),
  /** Apps and system dependencies that must be up before this app starts. */
  depends_on: z.array(dependencyName).optional(),
  /** Tie-breaker among apps whose dependencies are met (lower starts first). */
  install_order: z.number().int().min(0).max(1000).optional(),
  visible: z.boolean().optional(),
  admin_only: z.boolean().optional(),
  permission_levels: z.array(z.enum(PERMISSION_LEVELS)).optional(),
  public_paths: z.array(pathPrefix).optional(),
  strip_prefix: z.boolean().optional(),
  /** Whether helm gives the app its own PostgreSQL database and role (default true). */
  database: z.boolean().optional(),
  /** `https` for an app that serves TLS itself (the gateway). */
  scheme: z.enum(['http', 'https']).optional(),
  /** The entry file run with the project's Node through tsx, relative to the app folder. */
  entry: z
    .string()
    .regex(/^[A-Za-z0-9._\-/]+\.(ts|tsx|js|mjs)$/)
    .optional(),
  /** A shell command `hivematrix install` runs in the app folder after fetching it. */
  install: z.string().max(500).optional(),
};

/** One app in the registry. */
export const registryAppSchema = z.strictObject({
  ...appFields,
  /** Folder of the app relative to the repository root; default `services/<name>`. */
  path: z
    .string()
    .regex(/^[A-Za-z0-9._\-/]+$/)
    .optional(),
  /** Where `hivematrix install <name>` clones the app from. */
  git_url: z.string().min(1).optional(),
  required: z.boolean().optional(),
  /**
   * `false`: a new installation writes the app as `enabled: false` (the template is a scaffold for
   * developers, not a product page); `hivematrix enable <name>` turns it on. Existing
   * installations keep their setting. Only the registry can say this, so services copied from the
   * template by `hivematrix new-service` start enabled.
   */
  enabled_by_default: z.boolean().optional(),
});
export type RegistryApp = z.infer<typeof registryAppSchema>;

/** A system dependency: something apps need that is not an app of ours. */
export const systemDependencySchema = z.strictObject({
  description: z.string().max(300).optional(),
  /** Helm runs it itself unless the master configuration points at an external server. */
  embedded: z.boolean().default(false),
  /** Nothing fails without it; features that use it are enabled when it is configured. */
  optional: z.boolean().default(false),
  install_order: z.number().int().min(0).default(0),
});
export type SystemDependency = z.infer<typeof systemDependencySchema>;

/** The whole `apps_registry.json`. */
export const registrySchema = z.strictObject({
  $comment: z.string().optional(),
  core_apps: z.record(serviceNameSchema, registryAppSchema),
  default_apps: z.record(serviceNameSchema, registryAppSchema).default({}),
  system_dependencies: z.record(dependencyName, systemDependencySchema).default({}),
});
export type Registry = z.infer<typeof registrySchema>;

/** The `hivematrix` field of an app's package.json. */
export const manifestSchema = z.object({
  service: serviceNameSchema,
  ...appFields,
});
export type AppManifest = z.infer<typeof manifestSchema>;
