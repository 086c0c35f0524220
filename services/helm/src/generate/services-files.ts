/**
 * `services.json` (what the gateway and every service read: URL, menu and access flags per
 * service, validated by the SDK's schema) and `master_services.json` (`{name: {url, port}}`).
 * Both list the active apps in start order and are rebuilt from scratch each time.
 */
import { servicesFileSchema, type ServicesFile } from '@hivematrix/sdk';
import { activeApps, type GenerationContext } from './context.js';

/** The content of services.json; throws if it would not pass the SDK's own schema. */
export function buildServicesFile(context: GenerationContext): ServicesFile {
  const entries: Record<string, unknown> = {};
  for (const app of activeApps(context)) {
    entries[app.name] = {
      url: context.derived.serviceUrl(app),
      port: app.port,
      display_name: app.displayName,
      icon: app.icon,
      kind: app.kind,
      visible: app.visible,
      admin_only: app.adminOnly,
      ...(app.permissionLevels === undefined ? {} : { permission_levels: app.permissionLevels }),
      public_paths: app.publicPaths,
      strip_prefix: app.stripPrefix,
    };
  }
  const parsed = servicesFileSchema.safeParse(entries);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`generated services.json would be invalid: ${lines.join('; ')}`);
  }
  return parsed.data;
}

/** The content of master_services.json. */
export function buildMasterServicesFile(context: GenerationContext): Record<string, { url: string; port: number }> {
  return Object.fromEntries(
    activeApps(context).map((app) => [app.name, { url: context.derived.serviceUrl(app), port: app.port }]),
  );
}
