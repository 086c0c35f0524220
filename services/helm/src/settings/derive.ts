/**
 * Values that follow from the master configuration and the app table: URLs of the gateway, of
 * the identity provider and of every service, and database URLs. Computed, never stored, so one
 * change (the hostname) moves everything that depends on it.
 */
import { databaseUrl } from '@hivematrix/sdk/db';
import type { AppDefinition } from '../registry/index.js';
import type { MasterConfig } from './schema.js';

/** The derived view of a configuration. */
export interface DerivedSettings {
  /** The gateway's public URL, without a trailing slash. */
  publicUrl: string;
  /** The identity provider's issuer as browsers and tokens see it. */
  issuer: string;
  /** The realm URL as services reach it from this host. */
  identityInternalUrl: string;
  /** Keycloak's admin API base for the realm. */
  identityAdminUrl: string;
  /** The realm's token endpoint, reached internally. */
  identityTokenUrl: string;
  /** `http://127.0.0.1:<port>` (https for a TLS app) where helm and other services reach `app`. */
  serviceUrl(app: AppDefinition): string;
  /** The listen address of `app`. */
  listenHost(app: AppDefinition): string;
  /** The app's database URL, undefined when it has no database. */
  databaseUrl(app: AppDefinition): string | undefined;
  /** A URL with the rights to create roles and databases; undefined when helm may not provision. */
  postgresAdminUrl: string | undefined;
}

const trim = (url: string): string => url.replace(/\/+$/, '');

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Derives URLs from `config` for the apps of `apps`. */
export function deriveSettings(config: MasterConfig, apps: readonly AppDefinition[]): DerivedSettings {
  const nexusPort = apps.find((app) => app.name === 'nexus')?.port ?? 8443;
  const hostname = config.system.hostname.includes(':') ? `[${config.system.hostname}]` : config.system.hostname;
  const publicUrl = trim(config.system.public_url ?? `https://${hostname}${nexusPort === 443 ? '' : `:${nexusPort}`}`);
  const { keycloak } = config;
  const embedded = keycloak.mode === 'embedded';
  const issuer = trim(
    keycloak.issuer ??
      (embedded
        ? `${publicUrl}/keycloak/realms/${keycloak.realm}`
        : `${trim(keycloak.upstream_url)}/realms/${keycloak.realm}`),
  );
  const identityInternalUrl = trim(
    keycloak.internal_url ?? `${trim(keycloak.upstream_url)}${embedded ? '/keycloak' : ''}/realms/${keycloak.realm}`,
  );
  const realmSuffix = `/realms/${keycloak.realm}`;
  const identityBase = identityInternalUrl.endsWith(realmSuffix)
    ? identityInternalUrl.slice(0, -realmSuffix.length)
    : identityInternalUrl;

  const { databases } = config;
  const embeddedAdmin = `postgres://postgres:${encodeURIComponent(databases.embedded.superuser_password)}@127.0.0.1:${databases.embedded.port}/postgres`;
  const postgresAdminUrl = databases.mode === 'embedded' ? embeddedAdmin : databases.admin_url;

  const listenHost = (app: AppDefinition): string =>
    config.apps[app.name]?.host ?? (app.name === 'nexus' ? '0.0.0.0' : '127.0.0.1');
  return {
    publicUrl,
    issuer,
    identityInternalUrl,
    identityAdminUrl: `${identityBase}/admin${realmSuffix}`,
    identityTokenUrl: `${identityInternalUrl}/protocol/openid-connect/token`,
    serviceUrl: (app) => `${app.scheme}://${urlHost(listenHost(app))}:${app.port}`,
    listenHost,
    databaseUrl(app) {
      if (!app.database) return undefined;
      const grant = databases.apps[app.name];
      if (grant === undefined) return undefined;
      if (grant.url !== undefined) return grant.url;
      const base = databases.mode === 'embedded' ? embeddedAdmin : databases.admin_url;
      if (base === undefined) return undefined;
      return databaseUrl(base, { database: grant.database, user: grant.role, password: grant.password });
    },
    postgresAdminUrl,
  };
}
