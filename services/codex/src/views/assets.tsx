/** Assets: the filtered list and one asset with its billing type, contacts, UDFs and secrets. */
import type { JSX } from 'preact';
import {
  Alert,
  Button,
  Card,
  DateTime,
  EmptyState,
  PageHeader,
  Pagination,
  SelectField,
  Table,
  formatCount,
  formatNumber,
} from '@hivematrix/sdk/html';
import type { AssetDetail, AssetWithCompany, Page } from '../db/index.js';
import { BILLING_TYPE_LABELS, BILLING_TYPES } from '../domain/index.js';
import type { BillingType } from '../domain/index.js';
import { CodexPage, Info, SortLink, StatusBadge, type Flash, type ViewContext } from './layout.js';

export interface AssetFilters {
  q: string;
  company: string;
  billingType: BillingType | '';
  online: '' | 'true' | 'false';
  sort: string;
  dir: 'asc' | 'desc';
}

/** `/assets`. */
export function AssetsPage({
  ctx,
  flash,
  result,
  filters,
}: {
  ctx: ViewContext;
  flash?: Flash | undefined;
  result: Page<AssetWithCompany>;
  filters: AssetFilters;
}): JSX.Element {
  const base = {
    q: filters.q || undefined,
    company: filters.company || undefined,
    billing_type: filters.billingType || undefined,
    online: filters.online || undefined,
    sort: filters.sort,
    dir: filters.dir,
  };
  const link = (query: Record<string, string | number | undefined>) => ctx.urlFor('/assets', { ...base, ...query });
  const header = (label: string, column: string) => (
    <SortLink
      label={label}
      column={column}
      sort={filters.sort}
      dir={filters.dir}
      href={(sort, dir) => link({ sort, dir, page: undefined })}
    />
  );
  return (
    <CodexPage title="Assets" ctx={ctx} flash={flash}>
      <PageHeader
        title="Assets"
        description="Devices from the RMM. The billing type is derived from the RMM's device type unless someone overrode it."
      />
      <Card>
        <form method="get" action={ctx.urlFor('/assets')} class="search-form u-mb-2" role="search">
          <div class="search-form__controls">
            <input
              class="search-form__input"
              type="search"
              name="q"
              value={filters.q}
              aria-label="Search hostnames"
              placeholder="Hostname"
            />
            <input
              class="search-form__input"
              type="search"
              name="company"
              value={filters.company}
              aria-label="Company account number"
              placeholder="Account number"
            />
            <select class="form-inline__select" name="billing_type" aria-label="Billing type">
              <option value="">Every billing type</option>
              {BILLING_TYPES.map((type) => (
                <option value={type} selected={filters.billingType === type}>
                  {BILLING_TYPE_LABELS[type]}
                </option>
              ))}
            </select>
            <select class="form-inline__select" name="online" aria-label="Online state">
              <option value="">Online and offline</option>
              <option value="true" selected={filters.online === 'true'}>
                Online
              </option>
              <option value="false" selected={filters.online === 'false'}>
                Offline
              </option>
            </select>
            <Button type="submit" variant="secondary">
              Filter
            </Button>
          </div>
        </form>
        <div class="results-header">
          <p class="results-header__count">{formatCount(result.total, 'asset')}</p>
        </div>
        {result.items.length === 0 ? (
          filters.q === '' && filters.company === '' && filters.billingType === '' && filters.online === '' ? (
            <EmptyState
              title="No assets yet"
              message={
                <>
                  Assets arrive with the RMM sync: connect Datto RMM in Integrations and run a first sync, or load demo
                  data with <code>npx hivematrix demo</code>.
                </>
              }
              actionHref={ctx.urlFor('/admin/integrations')}
              actionLabel="Open integrations"
            />
          ) : (
            <EmptyState
              title="No assets match"
              message="Try fewer letters, another account number, or every billing type."
              actionHref={ctx.urlFor('/assets')}
              actionLabel="Clear the filters"
            />
          )
        ) : (
          <Table
            label="Assets"
            columns={[
              { key: 'hostname', label: header('Hostname', 'hostname') },
              { key: 'company', label: header('Company', 'company'), truncate: true },
              { key: 'type', label: 'RMM type' },
              { key: 'billing', label: header('Billed as', 'billing_type') },
              { key: 'os', label: 'OS', truncate: true },
              { key: 'ip', label: 'IP' },
              { key: 'status', label: 'Status' },
              { key: 'seen', label: header('Last seen', 'last_seen') },
            ]}
            rows={result.items.map((asset) => ({
              hostname: <a href={ctx.urlFor(`/assets/${asset.id}`)}>{asset.hostname}</a>,
              company: (
                <a href={ctx.urlFor(`/companies/${encodeURIComponent(asset.accountNumber)}`)}>{asset.companyName}</a>
              ),
              type: asset.rmmDeviceType ?? '—',
              billing: (
                <>
                  {BILLING_TYPE_LABELS[asset.billingType ?? asset.billingTypeDerived]}
                  {asset.billingTypeOverride !== null && <span class="u-text-secondary u-text-sm"> (override)</span>}
                </>
              ),
              os: asset.operatingSystem ?? '—',
              ip: asset.intIp ?? asset.extIp ?? '—',
              status: (
                <StatusBadge status={asset.online ? 'online' : 'offline'}>
                  {asset.online ? 'online' : 'offline'}
                </StatusBadge>
              ),
              seen: <DateTime value={asset.lastSeen} />,
            }))}
          />
        )}
        <Pagination
          page={result.page}
          perPage={result.perPage}
          total={result.total}
          hrefFor={(page) => link({ page })}
          label="Asset pages"
        />
      </Card>
    </CodexPage>
  );
}

export interface AssetDetailView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  detail: AssetDetail;
  canEditBilling: boolean;
  canListSecrets: boolean;
  canRevealSecrets: boolean;
  revealed?: { kind: string; value: string } | undefined;
}

/** `/assets/:id`. */
export function AssetDetailPage({
  ctx,
  flash,
  detail,
  canEditBilling,
  canListSecrets,
  canRevealSecrets,
  revealed,
}: AssetDetailView): JSX.Element {
  const { asset } = detail;
  const backupTb =
    asset.backupUsageBytes === null ? '—' : `${formatNumber(asset.backupUsageBytes / 2 ** 40, { decimals: 2 })} TB`;
  return (
    <CodexPage title={asset.hostname} ctx={ctx} flash={flash}>
      <PageHeader
        title={asset.hostname}
        description={asset.companyName}
        actions={
          <Button small variant="secondary" href={ctx.urlFor(`/companies/${encodeURIComponent(asset.accountNumber)}`)}>
            Company
          </Button>
        }
      />
      {revealed !== undefined && (
        <Alert variant="warning" title={`Revealed: ${revealed.kind.replaceAll('_', ' ')}`} class="u-mb-3">
          <code class="code-block code-block--inline">{revealed.value}</code> This reveal was recorded.
        </Alert>
      )}
      <div class="u-grid u-grid-2 u-mb-3">
        <Card title="Device">
          <div class="info-grid">
            <Info label="RMM device type">{asset.rmmDeviceType ?? '—'}</Info>
            <Info label="Billed as">{BILLING_TYPE_LABELS[asset.billingType ?? asset.billingTypeDerived]}</Info>
            <Info label="Derived billing type">{BILLING_TYPE_LABELS[asset.billingTypeDerived]}</Info>
            <Info label="Operating system">{asset.operatingSystem ?? '—'}</Info>
            <Info label="Internal IP">{asset.intIp ?? '—'}</Info>
            <Info label="External IP">{asset.extIp ?? '—'}</Info>
            <Info label="Status">{asset.online ? 'online' : 'offline'}</Info>
            <Info label="Last seen">
              <DateTime value={asset.lastSeen} />
            </Info>
            <Info label="Patch status">{asset.patchStatus ?? '—'}</Info>
            <Info label="Antivirus">{asset.antivirusProduct ?? '—'}</Info>
            <Info label="Backup usage">{backupTb}</Info>
            <Info label="Last user">{asset.lastLoggedInUser ?? '—'}</Info>
            <Info label="Domain">{asset.domain ?? '—'}</Info>
            <Info label="Site">{asset.siteName ?? '—'}</Info>
          </div>
          {asset.description !== null && <p class="u-mt-2">{asset.description}</p>}
          <p class="u-mt-2">
            {asset.portalUrl !== null && (
              <Button small variant="secondary" href={asset.portalUrl} target="_blank">
                RMM portal
              </Button>
            )}{' '}
            {asset.remoteUrl !== null && (
              <Button small variant="secondary" href={asset.remoteUrl} target="_blank">
                Remote access
              </Button>
            )}
          </p>
        </Card>
        <Card title="Billing type">
          <p>
            The RMM says <strong>{asset.rmmDeviceType ?? 'nothing'}</strong>, so it is billed as{' '}
            <strong>{BILLING_TYPE_LABELS[asset.billingTypeDerived]}</strong> unless overridden. Syncs never change an
            override.
          </p>
          {canEditBilling && (
            <form method="post" action={ctx.urlFor(`/assets/${asset.id}/billing-type`)}>
              <SelectField
                name="override"
                label="Override"
                placeholder="No override (use the derived type)"
                value={asset.billingTypeOverride ?? ''}
                options={BILLING_TYPES.map((type) => ({ value: type, label: BILLING_TYPE_LABELS[type] }))}
              />
              <div class="action-footer">
                <Button type="submit" variant="secondary">
                  Save billing type
                </Button>
              </div>
            </form>
          )}
        </Card>
      </div>
      <Card title="Contacts" class="u-mb-3">
        <Table
          label="Contacts"
          columns={[
            { key: 'name', label: 'Name' },
            { key: 'email', label: 'E-mail' },
          ]}
          rows={detail.contacts.map((contact) => ({
            name: <a href={ctx.urlFor(`/contacts/${contact.id}`)}>{contact.name}</a>,
            email: contact.email ?? '—',
          }))}
          empty="No contacts linked: the PSA links people to devices at the next sync."
        />
      </Card>
      <Card title="User-defined fields" class="u-mb-3">
        <Table
          label="User-defined fields"
          columns={[
            { key: 'name', label: 'Field' },
            { key: 'value', label: 'Value' },
          ]}
          rows={Object.entries(asset.udfs).map(([name, value]) => ({ name, value }))}
          empty="None: user-defined fields come from the RMM (Datto UDFs) with the next sync."
        />
      </Card>
      {canListSecrets && (
        <Card title="Secrets">
          <p class="u-text-sm u-text-secondary">
            Stored encrypted. Only admins can reveal them, and every reveal is recorded.
          </p>
          <Table
            label="Secrets"
            columns={[
              { key: 'kind', label: 'Secret' },
              { key: 'updated', label: 'Updated' },
              { key: 'action', label: '', align: 'right' },
            ]}
            rows={detail.secrets.map((secret) => ({
              kind: secret.kind.replaceAll('_', ' '),
              updated: <DateTime value={secret.updatedAt} />,
              action: canRevealSecrets ? (
                <form method="post" action={ctx.urlFor(`/assets/${asset.id}/secrets/${secret.id}/reveal`)}>
                  <Button type="submit" small variant="warning">
                    Reveal
                  </Button>
                </form>
              ) : (
                ''
              ),
            }))}
            empty="No secrets stored: BitLocker keys and similar arrive with the RMM sync."
          />
        </Card>
      )}
    </CodexPage>
  );
}
