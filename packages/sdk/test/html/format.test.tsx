import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Button,
  DateTime,
  EmptyState,
  Money,
  Num,
  Pagination,
  STICKY_ROWS,
  Table,
  formatCount,
  formatDateTime,
  formatMoney,
  formatNumber,
  renderFragment,
} from '../../src/html/index.js';

const html = renderFragment;
const EVIL = '<script>alert("x")</script>&';
const ESCAPED = '&lt;script>alert(&quot;x&quot;)&lt;/script>&amp;';

describe('formatNumber and formatCount', () => {
  it('groups thousands, keeps up to two decimals, and says — for nothing', () => {
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(999), '999');
    assert.equal(formatNumber(1234), '1,234');
    assert.equal(formatNumber(-1234567), '-1,234,567');
    assert.equal(formatNumber(1234.5), '1,234.5');
    assert.equal(formatNumber(1234.567), '1,234.57');
    assert.equal(formatNumber(12345678901234567890n), '12,345,678,901,234,567,890');
    assert.equal(formatNumber('1234.50'), '1,234.5');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatNumber(undefined), '—');
    assert.equal(formatNumber(Number.NaN), '—');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '—');
    assert.equal(formatNumber('12abc'), '—');
  });

  it('takes a fixed number of decimals', () => {
    assert.equal(formatNumber(1500, { decimals: 2 }), '1,500.00');
    assert.equal(formatNumber(2.345, { decimals: 1 }), '2.3');
    assert.equal(formatNumber(2.5, { decimals: 0 }), '3');
  });

  it('counts with the noun that fits', () => {
    assert.equal(formatCount(1, 'company', 'companies'), '1 company');
    assert.equal(formatCount(0, 'company', 'companies'), '0 companies');
    assert.equal(formatCount(12345, 'asset'), '12,345 assets');
    assert.equal(formatCount(1n, 'ticket'), '1 ticket');
  });
});

describe('formatMoney', () => {
  it('formats integer cents exactly, negatives with a leading minus', () => {
    assert.equal(formatMoney(0), '$0.00');
    assert.equal(formatMoney(5), '$0.05');
    assert.equal(formatMoney(123450), '$1,234.50');
    assert.equal(formatMoney(-1200), '-$12.00');
    assert.equal(formatMoney(900719925474099n), '$9,007,199,254,740.99');
    assert.equal(formatMoney(100, '€'), '€1.00');
  });

  it('refuses fractions of a cent and nothing with —', () => {
    assert.equal(formatMoney(12.5), '—');
    assert.equal(formatMoney(null), '—');
    assert.equal(formatMoney(undefined), '—');
    assert.equal(formatMoney(Number.NaN), '—');
  });
});

describe('Num and Money', () => {
  it('render a <data> with the machine value and the grouped text', () => {
    assert.equal(html(<Num value={1234567} />), '<data class="num" value="1234567">1,234,567</data>');
    assert.equal(
      html(<Num value={2.5} decimals={2} unit="h" class="u-mr-1" />),
      '<data class="num u-mr-1" value="2.5">2.50 h</data>',
    );
    assert.equal(html(<Num value={null} />), '<span class="num">—</span>');
    assert.equal(html(<Money cents={123450} />), '<data class="num money" value="1234.50">$1,234.50</data>');
    assert.equal(html(<Money cents={-99} />), '<data class="num money" value="-0.99">-$0.99</data>');
    assert.equal(html(<Money cents={undefined} />), '<span class="num money">—</span>');
  });

  it('escapes the unit and never puts text that is not a number in value', () => {
    assert.equal(html(<Num value={3} unit={EVIL} />), `<data class="num" value="3">3 ${ESCAPED}</data>`);
    assert.equal(html(<Num value={EVIL} />), '<span class="num">—</span>');
  });
});

describe('formatDateTime', () => {
  const instant = new Date('2026-11-25T12:03:45.678Z');

  it('writes instants in UTC, to the minute', () => {
    assert.equal(formatDateTime(instant), '2026-11-25 12:03 UTC');
    assert.equal(formatDateTime(instant, 'date'), '2026-11-25');
    assert.equal(formatDateTime(instant, 'time'), '12:03 UTC');
    assert.equal(formatDateTime(instant, 'precise'), '2026-11-25 12:03:45.678 UTC');
    assert.equal(formatDateTime('2026-11-25T23:30:00+02:00'), '2026-11-25 21:30 UTC');
    assert.equal(formatDateTime(instant.getTime()), '2026-11-25 12:03 UTC');
  });

  it('keeps calendar dates, and says — for nothing', () => {
    assert.equal(formatDateTime('2026-02-01'), '2026-02-01');
    assert.equal(formatDateTime(null), '—');
    assert.equal(formatDateTime(''), '—');
    assert.equal(formatDateTime('next week'), 'next week');
    assert.equal(formatDateTime(new Date(Number.NaN)), '—');
  });
});

describe('DateTime', () => {
  it('renders a <time> with the ISO instant and the UTC text for the browser to localise', () => {
    assert.equal(
      html(<DateTime value={new Date('2026-11-25T12:00:00Z')} />),
      '<time class="datetime" datetime="2026-11-25T12:00:00.000Z" data-hm-format="datetime">2026-11-25 12:00 UTC</time>',
    );
    assert.equal(
      html(<DateTime value="2026-11-25T12:00:00Z" style="date" class="u-text-sm" />),
      '<time class="datetime u-text-sm" datetime="2026-11-25T12:00:00.000Z" data-hm-format="date">2026-11-25</time>',
    );
  });

  it('marks calendar dates so the browser reads them in UTC and never shows the day before', () => {
    assert.equal(
      html(<DateTime value="2026-03-01" />),
      '<time class="datetime" datetime="2026-03-01" data-hm-format="date" data-hm-calendar="true">2026-03-01</time>',
    );
  });

  it('shows the empty text, and a string that is not a date as escaped text without <time>', () => {
    assert.equal(html(<DateTime value={null} />), '<span>—</span>');
    assert.equal(html(<DateTime value={undefined} empty="never" />), '<span>never</span>');
    assert.equal(html(<DateTime value={EVIL} />), `<span>${ESCAPED}</span>`);
    // An impossible calendar date is not silently moved to another day.
    assert.equal(html(<DateTime value="2026-02-30" />), '<span>2026-02-30</span>');
  });
});

describe('EmptyState', () => {
  it('says how to fill the list, with an optional action link', () => {
    assert.equal(
      html(
        <EmptyState
          title="No companies yet"
          message="Connect Freshservice in Integrations."
          actionHref="/codex/admin/integrations"
          actionLabel="Open integrations"
          compact
        />,
      ),
      '<div class="empty-state empty-state--compact"><h2 class="empty-state__title">No companies yet</h2>' +
        '<p class="empty-state__message">Connect Freshservice in Integrations.</p><div class="empty-state__action">' +
        '<a class="btn btn--secondary btn--small" href="/codex/admin/integrations">Open integrations</a></div></div>',
    );
  });

  it('escapes every text and refuses an unsafe link', () => {
    const out = html(
      <EmptyState
        title={EVIL}
        message={EVIL}
        actionHref="javascript:alert(1)"
        actionLabel={EVIL}
        action={<Button>{EVIL}</Button>}
      />,
    );
    assert.ok(!out.includes('<script>'));
    assert.ok(!out.includes('javascript:'));
    assert.equal(out.split(ESCAPED).length - 1, 4);
  });
});

describe('Table stickiness and Pagination figures', () => {
  const columns = [{ key: 'n', label: 'N' }] as const;
  const rows = (count: number) => Array.from({ length: count }, (_, index) => ({ n: String(index) }));

  it('scrolls a long table in a focusable box with sticky headers', () => {
    const short = html(<Table columns={columns} rows={rows(STICKY_ROWS)} label="Numbers" />);
    assert.match(short, /^<div class="table-wrapper"><table/);
    const long = html(<Table columns={columns} rows={rows(STICKY_ROWS + 1)} label="Numbers" />);
    assert.match(
      long,
      /^<div class="table-wrapper table-wrapper--sticky" tabindex="0"><table class="data-table" aria-label="Numbers">/,
    );
    assert.match(html(<Table columns={columns} rows={rows(2)} sticky />), /table-wrapper--sticky/);
    assert.doesNotMatch(html(<Table columns={columns} rows={rows(40)} sticky={false} />), /table-wrapper--sticky/);
  });

  it('groups the thousands of the pagination text', () => {
    const out = html(<Pagination page={60} perPage={20} total={12345} hrefFor={(page) => `/x?page=${page}`} />);
    assert.match(out, /Showing 1,181–1,200 of 12,345/);
  });
});
