/** The companies list: search, sortable columns, paging. */
import type { JSX } from 'preact';
import { Button, Card, EmptyState, PageHeader, Pagination, Table } from '@hivematrix/sdk/html';
import type { CompanyWithPlan } from '../db/companies.js';
import type { Page } from '../db/query-helpers.js';
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
  const link = (query: Record<string, string | number | undefined>) => ctx.urlFor('/companies', { q: q || undefined, sort, dir, archived: archived === 'active' ? undefined : archived, ...query });
  const sortHref = (column: string, direction: 'asc' | 'desc') => link({ sort: column, dir: direction, page: undefined });
  const header = (label: string, column: string) => <SortLink label={label} column={column} sort={sort} dir={dir} href={sortHref} />;
  return (
    <CodexPage title="Companies" ctx={ctx} flash={flash}>
      <PageHeader title="Companies" description="Clients and their plans. Names come from the PSA; plans, terms and compliance are kept here." />
      <Card>
        <form method="get" action={ctx.urlFor('/companies')} class="search-form u-mb-2" role="search">
          <div class="search-form__controls">
            <input class="search-form__input" type="search" name="q" value={q} aria-label="Search companies" placeholder="Name or account number" />
            <select class="form-inline__select" name="archived" aria-label="Which companies">
              <option value="active" selected={archived === 'active'}>Active</option>
              <option value="archived" selected={archived === 'archived'}>Archived</option>
              <option value="all" selected={archived === 'all'}>All</option>
            </select>
            <input type="hidden" name="sort" value={sort} />
            <input type="hidden" name="dir" value={dir} />
            <Button type="submit" variant="secondary">Search</Button>
          </div>
        </form>
        <div class="results-header">
          <p class="results-header__count">{result.total === 1 ? '1 company' : `${result.total} companies`}</p>
        </div>
        {result.items.length === 0 ? (
          <EmptyState title="No companies match" message={q === '' ? 'Companies arrive with the PSA sync.' : 'Try fewer letters.'} />
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
                  {company.archivedAt !== null && <> <StatusBadge status="archived">archived</StatusBadge></>}
                </>
              ),
              account: <code>{company.accountNumber}</code>,
              plan: company.planName ?? '—',
              term: company.contractTerm ?? '—',
              support: company.supportLevel ?? '—',
              end: company.contractEnd ?? '—',
              compliance: company.complianceLevel === 'standard' ? 'standard' : <StatusBadge status="warning">{company.complianceLevel.toUpperCase()}</StatusBadge>,
            }))}
          />
        )}
        <Pagination page={result.page} perPage={result.perPage} total={result.total} hrefFor={(page) => link({ page })} label="Company pages" />
      </Card>
    </CodexPage>
  );
}
