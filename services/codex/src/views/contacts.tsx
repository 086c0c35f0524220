/** Contacts: the searchable list and one contact with its companies, assets and roles. */
import type { JSX } from 'preact';
import { Button, Card, Checkbox, EmptyState, PageHeader, Pagination, Table, formatCount } from '@hivematrix/sdk/html';
import type { Asset, ContactWithCompanies, Page } from '../db/index.js';
import { CodexPage, Info, SortLink, type Flash, type ViewContext } from './layout.js';

export interface ContactFilters {
  q: string;
  company: string;
  active: 'active' | 'inactive' | 'all';
  sort: 'name' | 'email';
  dir: 'asc' | 'desc';
}

/** `/contacts`. */
export function ContactsPage({
  ctx,
  flash,
  result,
  filters,
}: {
  ctx: ViewContext;
  flash?: Flash | undefined;
  result: Page<ContactWithCompanies>;
  filters: ContactFilters;
}): JSX.Element {
  const link = (query: Record<string, string | number | undefined>) =>
    ctx.urlFor('/contacts', {
      q: filters.q || undefined,
      company: filters.company || undefined,
      active: filters.active === 'active' ? undefined : filters.active,
      sort: filters.sort,
      dir: filters.dir,
      ...query,
    });
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
    <CodexPage title="Contacts" ctx={ctx} flash={flash}>
      <PageHeader title="Contacts" description="People at client companies, from the PSA." />
      <Card>
        <form method="get" action={ctx.urlFor('/contacts')} class="search-form u-mb-2" role="search">
          <div class="search-form__controls">
            <input
              class="search-form__input"
              type="search"
              name="q"
              value={filters.q}
              aria-label="Search contacts"
              placeholder="Name or e-mail"
            />
            <input
              class="search-form__input"
              type="search"
              name="company"
              value={filters.company}
              aria-label="Company account number"
              placeholder="Account number"
            />
            <select class="form-inline__select" name="active" aria-label="Active state">
              <option value="active" selected={filters.active === 'active'}>
                Active
              </option>
              <option value="inactive" selected={filters.active === 'inactive'}>
                Inactive
              </option>
              <option value="all" selected={filters.active === 'all'}>
                All
              </option>
            </select>
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </div>
        </form>
        <div class="results-header">
          <p class="results-header__count">{formatCount(result.total, 'contact')}</p>
        </div>
        {result.items.length === 0 ? (
          filters.q === '' && filters.company === '' && filters.active === 'active' ? (
            <EmptyState
              title="No contacts yet"
              message={
                <>
                  Contacts arrive with the PSA sync: connect Freshservice in Integrations and run a first sync, or load
                  demo data with <code>npx hivematrix demo</code>.
                </>
              }
              actionHref={ctx.urlFor('/admin/integrations')}
              actionLabel="Open integrations"
            />
          ) : (
            <EmptyState
              title="No contacts match"
              message="Try fewer letters, another account number, or All instead of Active."
              actionHref={ctx.urlFor('/contacts')}
              actionLabel="Clear the filters"
            />
          )
        ) : (
          <Table
            label="Contacts"
            columns={[
              { key: 'name', label: header('Name', 'name') },
              { key: 'email', label: header('E-mail', 'email') },
              { key: 'phone', label: 'Phone' },
              { key: 'companies', label: 'Companies', truncate: true },
              { key: 'active', label: 'Active' },
            ]}
            rows={result.items.map((contact) => ({
              name: <a href={ctx.urlFor(`/contacts/${contact.id}`)}>{contact.name}</a>,
              email: contact.email ?? '—',
              phone: contact.workPhone ?? contact.mobilePhone ?? '—',
              companies: contact.companies.map((company) => company.name).join(', ') || '—',
              active: contact.active ? 'yes' : 'no',
            }))}
          />
        )}
        <Pagination
          page={result.page}
          perPage={result.perPage}
          total={result.total}
          hrefFor={(page) => link({ page })}
          label="Contact pages"
        />
      </Card>
    </CodexPage>
  );
}

export interface ContactDetailView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  contact: ContactWithCompanies;
  assets: Asset[];
  roles: readonly string[];
  canEdit: boolean;
}

/** `/contacts/:id`. */
export function ContactDetailPage({ ctx, flash, contact, assets, roles, canEdit }: ContactDetailView): JSX.Element {
  return (
    <CodexPage title={contact.name} ctx={ctx} flash={flash}>
      <PageHeader title={contact.name} description={contact.jobTitle ?? undefined} />
      <div class="u-grid u-grid-2 u-mb-3">
        <Card title="Contact">
          <div class="info-grid">
            <Info label="E-mail">{contact.email ?? '—'}</Info>
            <Info label="Work phone">{contact.workPhone ?? '—'}</Info>
            <Info label="Mobile phone">{contact.mobilePhone ?? '—'}</Info>
            <Info label="Active">{contact.active ? 'yes' : 'no'}</Info>
            <Info label="VIP">{contact.vip ? 'yes' : 'no'}</Info>
            <Info label="Roles">{contact.roles.length === 0 ? '—' : contact.roles.join(', ')}</Info>
          </div>
        </Card>
        <Card title="Roles">
          {canEdit ? (
            <form method="post" action={ctx.urlFor(`/contacts/${contact.id}/roles`)}>
              {roles.map((role) => (
                <Checkbox
                  name="roles"
                  id={`role-${role}`}
                  value={role}
                  label={role.replaceAll('_', ' ')}
                  checked={contact.roles.includes(role)}
                />
              ))}
              <div class="action-footer">
                <Button type="submit" variant="secondary">
                  Save roles
                </Button>
              </div>
            </form>
          ) : (
            <p>{contact.roles.length === 0 ? 'No roles.' : contact.roles.join(', ')}</p>
          )}
        </Card>
      </div>
      <Card title="Companies" class="u-mb-3">
        <Table
          label="Companies"
          columns={[
            { key: 'name', label: 'Company' },
            { key: 'account', label: 'Account' },
          ]}
          rows={contact.companies.map((company) => ({
            name: <a href={ctx.urlFor(`/companies/${encodeURIComponent(company.accountNumber)}`)}>{company.name}</a>,
            account: company.accountNumber,
          }))}
          empty="Not linked to a company: the PSA links contacts to companies at the next sync."
        />
      </Card>
      <Card title="Assets">
        <Table
          label="Assets"
          columns={[
            { key: 'hostname', label: 'Hostname' },
            { key: 'os', label: 'OS' },
          ]}
          rows={assets.map((asset) => ({
            hostname: <a href={ctx.urlFor(`/assets/${asset.id}`)}>{asset.hostname}</a>,
            os: asset.operatingSystem ?? '—',
          }))}
          empty="No assets linked: link this contact to a device in the RMM or the PSA, then sync."
        />
      </Card>
    </CodexPage>
  );
}
