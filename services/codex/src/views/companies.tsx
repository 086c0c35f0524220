/** The companies list: search, sortable columns, paging. */
import type { JSX } from 'preact';
import { Button, Card, DateTime, EmptyState, PageHeader, Pagination, Table, formatCount } from '@hivematrix/sdk/html';
import type { CompanyWithPlan, Page } from '../db/index.js';
import { CodexPage, SortLink, StatusBadge, type Flash, type ViewContext } from './layout.js';

export interface CompanyListView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  result: Page<CompanyWithPlan>;
  q: string;
  sort: string;
  dir: 'asc' | 'desc';
  archived: 'active' | 'archived' | 'all';
}

/** `/companies`. */
export function CompaniesPage({ ctx, flash, result, q, sort, dir, archived }: CompanyListView): JSX.Element {
  const link = (query: Record<string, string | number | undefined>) =>
    ctx.urlFor('/companies', {
      q: q || undefined,
      sort,
      dir,
      archived: archived === 'active' ? undefined : archived,
      ...query,
    });
  const sortHref = (column: string, direction: 'asc' | 'desc') =>
    link({ sort: column, dir: direction, page: undefined });
  const header = (label: string, column: string) => (
    <SortLink label={label} column={column} sort={sort} dir={dir} href={sortHref} />
  );
  return (
    <CodexPage title="Companies" ctx={ctx} flash={flash}>
      <PageHeader
        title="Companies"
        description="Clients and their plans. Names come from the PSA; plans, terms and compliance are kept here."
      />
      <Card>
        <form method="get" action={ctx.urlFor('/companies')} class="search-form u-mb-2" role="search">
          <div class="search-form__controls">
            <input
              class="search-form__input"
              type="search"
              name="q"
              value={q}
              aria-label="Search companies"
              placeholder="Name or account number"
            />
            <select class="form-inline__select" name="archived" aria-label="Which companies">
              <option value="active" selected={archived === 'active'}>
                Active
              </option>
              <option value="archived" selected={archived === 'archived'}>
                Archived
              </option>
              <option value="all" selected={archived === 'all'}>
                All
              </option>
            </select>
            <input type="hidden" name="sort" value={sort} />
            <input type="hidden" name="dir" value={dir} />
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </div>
        </form>
        <div class="results-header">
          <p class="results-header__count">{formatCount(result.total, 'company', 'companies')}</p>
        </div>
        {result.items.length === 0 ? (
          q === '' && archived === 'active' ? (
            <EmptyState
              title="No companies yet"
              message={
                <>
                  Companies arrive with the PSA sync: connect Freshservice in Integrations and run a first sync, or load
                  demo data with <code>npx hivematrix demo</code>.
                </>
              }
              actionHref={ctx.urlFor('/admin/integrations')}
              actionLabel="Open integrations"
            />
          ) : (
            <EmptyState
              title="No companies match"
              message="Try fewer letters, or look among archived companies too (All)."
              actionHref={ctx.urlFor('/companies')}
              actionLabel="Clear the search"
            />
          )
        ) : (
          <Table
            label="Companies"
            columns={[
              { key: 'name', label: header('Company', 'name'), truncate: true },
              { key: 'account', label: header('Account', 'account_number') },
              { key: 'plan', label: header('Plan', 'plan') },
              { key: 'term', label: 'Term' },
              { key: 'support', label: 'Support' },
              { key: 'end', label: header('Contract end', 'contract_end') },
              { key: 'compliance', label: 'Compliance' },
            ]}
            rows={result.items.map((company) => ({
              name: (
                <>
                  <a href={ctx.urlFor(`/companies/${encodeURIComponent(company.accountNumber)}`)}>{company.name}</a>
                  {company.archivedAt !== null && (
                    <>
                      {' '}
                      <StatusBadge status="archived">archived</StatusBadge>
                    </>
                  )}
                </>
              ),
              account: <code>{company.accountNumber}</code>,
              plan: company.planName ?? '—',
              term: company.contractTerm ?? '—',
              support: company.supportLevel ?? '—',
              end: <DateTime value={company.contractEnd} />,
              compliance:
                company.complianceLevel === 'standard' ? (
                  'standard'
                ) : (
                  <StatusBadge status="warning">{company.complianceLevel.toUpperCase()}</StatusBadge>
                ),
            }))}
          />
        )}
        <Pagination
          page={result.page}
          perPage={result.perPage}
          total={result.total}
          hrefFor={(page) => link({ page })}
          label="Company pages"
        />
      </Card>
    </CodexPage>
  );
}
