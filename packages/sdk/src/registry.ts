/**
 * `services.json`: the service table helm generates from `apps_registry.json` and every service
 * reads (nexus for routing, menus and access; services for `callService`). One schema, shared,
 * so the generator and its readers cannot drift apart. The file is generated: never edit it.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PERMISSION_LEVELS } from './auth/claims.js';

/** A path prefix inside a service, such as `/display` or `/api/tickets/`. */
const servicePath = z
  .string()
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'a path starting with /, without query or dots-only segments')
  .refine((p) => !p.split('/').some((segment) => segment === '..' || segment === '.'), 'no . or .. segments');

/** One service as helm publishes it. */
export const serviceEntrySchema = z.object({
  /** Where the service listens, as reached from this host (`http://127.0.0.1:5010`). */
  url: z.url({ protocol: /^https?$/ }),
  port: z.number().int().min(1).max(65535),
  /** Name shown in the side panel. */
  display_name: z.string().min(1).max(60),
  /** Icon name in the design system's icon set. */
  icon: z.string().max(40).default('box'),
  /** `core` for platform services (core, nexus, helm, identity), `app` for business services. */
  kind: z.enum(['core', 'app']).default('app'),
  /** Listed in the side panel. A hidden service is still reachable by URL if access allows. */
  visible: z.boolean().default(true),
  /** Only admins may open it, enforced by the gateway on every request. */
  admin_only: z.boolean().default(false),
  /** Levels allowed through the gateway; absent means every signed-in user. */
  permission_levels: z.array(z.enum(PERMISSION_LEVELS)).optional(),
  /** Path prefixes the gateway serves without login (e.g. a ticket TV display). */
  public_paths: z.array(servicePath).default([]),
  /** Whether the gateway strips `/<name>` before forwarding (true for every service but identity). */
  strip_prefix: z.boolean().default(true),
});

export type ServiceEntry = z.infer<typeof serviceEntrySchema>;

/** Service names: lowercase slugs, as in URLs (`/codex/…`). */
export const serviceNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

/** The whole `services.json`. */
export const servicesFileSchema = z.record(serviceNameSchema, serviceEntrySchema);
export type ServicesFile = z.infer<typeof servicesFileSchema>;

/** Reads and validates `services.json`; the error names the file and every bad field. */
export async function loadServicesFile(file: string): Promise<ServicesFile> {
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = servicesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${file} is not a valid services file:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The `{name: {url}}` view that `createServiceClient` takes. */
export function serviceUrls(services: ServicesFile): Record<string, { url: string }> {
  return Object.fromEntries(Object.entries(services).map(([name, entry]) => [name, { url: entry.url }]));
}
