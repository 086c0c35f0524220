import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  PageHeader,
  Pagination,
  SelectField,
  Table,
  TextArea,
  TextField,
  classNames,
  renderFragment,
  safeHref,
} from '../../src/html/index.js';

const html = renderFragment;

describe('Card', () => {
  it('renders header, title, actions and body with the variant on the header', () => {
    const out = html(
      <Card title="Companies" actions={<Button small>Add</Button>} variant="danger" class="u-mb-2">
        <p>body</p>
      </Card>,
    );
    assert.equal(
      out,
      '<div class="card u-mb-2"><div class="card__header card__header--danger"><h2 class="card__title">Companies</h2>' +
        '<div class="card__header-actions"><button type="button" class="btn btn--primary btn--small">Add</button></div></div>' +
        '<div class="card__body"><p>body</p></div></div>',
    );
  });

  it('has no header without title or actions, and takes a heading level', () => {
    assert.equal(html(<Card>x</Card>), '<div class="card"><div class="card__body">x</div></div>');
    assert.match(
      html(
        <Card title="T" headingLevel={3}>
          x
        </Card>,
      ),
      /<h3 class="card__title">T<\/h3>/,
    );
  });
});

describe('Button', () => {
  it('is a button of type "button" by default, with the variant and size classes', () => {
    assert.equal(html(<Button>Go</Button>), '<button type="button" class="btn btn--primary">Go</button>');
    for (const variant of ['primary', 'secondary', 'success', 'danger', 'warning', 'ghost'] as const) {
      assert.match(html(<Button variant={variant}>x</Button>), new RegExp(`class="btn btn--${variant}"`));
    }
    assert.equal(
      html(
        <Button type="submit" variant="danger" small name="action" value="delete" disabled>
          Delete
        </Button>,
      ),
      '<button type="submit" class="btn btn--danger btn--small" name="action" value="delete" disabled>Delete</button>',
    );
  });

  it('is a link when given href, with rel for new tabs', () => {
    assert.equal(
      html(
        <Button href="/codex/companies/new" variant="secondary">
          New
        </Button>,
      ),
      '<a class="btn btn--secondary" href="/codex/companies/new">New</a>',
    );
    assert.equal(
      html(
        <Button href="https://docs.example/" target="_blank">
          Docs
        </Button>,
      ),
      '<a class="btn btn--primary" href="https://docs.example/" target="_blank" rel="noopener noreferrer">Docs</a>',
    );
  });

  it('refuses javascript: and other dangerous hrefs, rendering an inert link', () => {
    for (const href of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      '\u0001javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:msgbox(1)',
    ]) {
      const out = html(<Button href={href}>x</Button>);
      assert.ok(!out.includes('href='), `${JSON.stringify(href)} → ${out}`);
      assert.ok(out.includes('aria-disabled="true"'), out);
    }
  });

  it('passes aria-* and data-* attributes through, but nothing else', () => {
    const props = {
      children: 'x',
      'aria-label': 'Close dialog',
      'data-id': '42',
      onclick: 'alert(1)',
      style: 'color:red',
      formaction: 'javascript:alert(1)',
    };
    const out = html(<Button {...props} />);
    assert.equal(
      out,
      '<button aria-label="Close dialog" data-id="42" type="button" class="btn btn--primary">x</button>',
    );
  });
});

describe('safeHref and classNames', () => {
  it('allows relative URLs and web, mail and phone schemes', () => {
    for (const href of [
      '/x',
      'x/y',
      '?page=2',
      '#top',
      './a',
      'https://a.example',
      'HTTP://a.example',
      'mailto:a@b.example',
      'tel:+4912345',
    ]) {
      assert.equal(safeHref(href), href);
    }
    assert.equal(safeHref('javascript:void(0)'), undefined);
    assert.equal(safeHref('file:///etc/passwd'), undefined);
  });

  it('joins truthy names', () => {
    assert.equal(classNames('a', false, undefined, null, '', 'b'), 'a b');
  });
});

describe('Table', () => {
  const columns = [
    { key: 'name', label: 'Name' },
    { key: 'count', label: 'Users', align: 'right' },
    { key: 'state', label: 'State', align: 'center' },
    { key: 'notes', label: 'Notes', truncate: true },
  ] as const;

  it('renders the wrapper, header cells with scope and one row per item', () => {
    const out = html(
      <Table
        columns={columns}
        rows={[{ name: 'Acme', count: 3, state: <Badge variant="success">ok</Badge>, notes: 'long' }]}
        label="Companies"
      />,
    );
    assert.equal(
      out,
      '<div class="table-wrapper"><table class="data-table" aria-label="Companies"><thead><tr>' +
        '<th scope="col">Name</th><th scope="col" class="u-text-right">Users</th><th scope="col" class="text-center">State</th><th scope="col">Notes</th>' +
        '</tr></thead><tbody><tr><td>Acme</td><td class="u-text-right">3</td><td class="text-center"><span class="badge badge--success">ok</span></td>' +
        '<td class="text-truncate">long</td></tr></tbody></table></div>',
    );
  });

  it('shows the empty message across all columns when there are no rows', () => {
    const out = html(<Table columns={columns} rows={[]} empty="No companies yet." />);
    assert.match(out, /<tbody><tr><td colspan="4" class="text-center">No companies yet.<\/td><\/tr><\/tbody>/);
    assert.match(html(<Table columns={columns} rows={[]} />), /Nothing to show\./);
  });
});

describe('form fields', () => {
  it('TextField wires label, id, required and the error message', () => {
    const out = html(
      <TextField name="email" label="Email" type="email" value="a@b.example" required error="Enter a valid address" />,
    );
    assert.equal(
      out,
      '<div class="form-group"><label class="form-group__label" for="field-email">Email<span aria-hidden="true"> *</span></label>' +
        '<input class="form-group__input" id="field-email" name="email" type="email" value="a@b.example" required aria-invalid="true" aria-describedby="field-email-error"/>' +
        '<p id="field-email-error" class="u-text-danger u-text-sm">Enter a valid address</p></div>',
    );
  });

  it('TextField without error is valid, and a hint is described', () => {
    const out = html(<TextField name="q" id="search" label="Search" hint="Name or domain" />);
    assert.ok(!out.includes('aria-invalid'), out);
    assert.ok(!out.includes('required'), out);
    assert.match(out, /<label class="form-group__label" for="search">Search<\/label>/);
    assert.match(out, /aria-describedby="search-hint"/);
    assert.match(out, /<p id="search-hint" class="u-text-muted u-text-sm">Name or domain<\/p>/);
  });

  it('SelectField marks the selected option and offers a placeholder', () => {
    const options = [
      { value: 'admin', label: 'Admin' },
      { value: 'client', label: 'Client', disabled: true },
    ];
    const out = html(
      <SelectField name="role" label="Role" options={options} value="admin" placeholder="Choose…" required />,
    );
    assert.match(out, /<select class="form-group__select" id="field-role" name="role" required>/);
    assert.match(
      out,
      /<option value>Choose…<\/option><option value="admin" selected>Admin<\/option><option value="client" disabled>Client<\/option>/,
    );
    assert.match(
      html(<SelectField name="r" label="R" options={options} placeholder="Choose…" />),
      /<option value selected>Choose…<\/option>/,
    );
    const many = html(<SelectField name="g" label="G" multiple options={options} value={['admin', 'client']} />);
    assert.match(many, /multiple/);
    assert.equal(many.match(/selected/g)?.length, 2);
  });

  it('TextArea carries its value as content', () => {
    const out = html(<TextArea name="notes" label="Notes" value={'line 1\nline 2'} rows={6} />);
    assert.match(
      out,
      /<textarea class="form-group__input" id="field-notes" name="notes" rows="6">line 1\nline 2<\/textarea>/,
    );
  });

  it('Checkbox uses the checkbox wrapper, input and label classes', () => {
    const out = html(<Checkbox name="active" label="Active" checked />);
    assert.equal(
      out,
      '<div class="form-group"><div class="form-group__checkbox-wrapper">' +
        '<input class="form-group__checkbox" type="checkbox" id="field-active" name="active" value="on" checked/>' +
        '<label class="form-group__checkbox-label" for="field-active">Active</label></div></div>',
    );
    assert.ok(!html(<Checkbox name="a" label="A" />).includes('checked'));
  });
});

describe('Alert, Badge, PageHeader, EmptyState', () => {
  it('Alert: errors are role=alert, the rest role=status', () => {
    assert.equal(
      html(
        <Alert variant="error" title="Save failed">
          Try again.
        </Alert>,
      ),
      '<div class="alert alert--error" role="alert"><p class="alert__title">Save failed</p><div class="alert__message">Try again.</div></div>',
    );
    for (const variant of ['success', 'warning', 'info'] as const) {
      assert.equal(
        html(<Alert variant={variant}>m</Alert>),
        `<div class="alert alert--${variant}" role="status"><div class="alert__message">m</div></div>`,
      );
    }
  });

  it('Badge', () => {
    assert.equal(html(<Badge>plain</Badge>), '<span class="badge">plain</span>');
    assert.equal(html(<Badge variant="warning">due</Badge>), '<span class="badge badge--warning">due</span>');
  });

  it('PageHeader has the h1, description and actions', () => {
    assert.equal(
      html(<PageHeader title="Companies" description="All clients" actions={<Button href="/new">New</Button>} />),
      '<header class="page-header"><div class="page-header__content"><h1 class="page-header__title">Companies</h1>' +
        '<p class="page-header__description">All clients</p></div><div class="page-header__actions"><a class="btn btn--primary" href="/new">New</a></div></header>',
    );
    assert.equal(
      html(<PageHeader title="Only" />),
      '<header class="page-header"><div class="page-header__content"><h1 class="page-header__title">Only</h1></div></header>',
    );
  });

  it('EmptyState', () => {
    assert.equal(
      html(<EmptyState title="No tickets" message="All quiet." action={<Button>Refresh</Button>} headingLevel={3} />),
      '<div class="empty-state"><h3 class="empty-state__title">No tickets</h3><p class="empty-state__message">All quiet.</p>' +
        '<div class="empty-state__action"><button type="button" class="btn btn--primary">Refresh</button></div></div>',
    );
  });
});

describe('Pagination', () => {
  const hrefFor = (page: number): string => `/codex/companies?page=${page}`;

  it('disables Previous on the first page and marks the current page', () => {
    const out = html(<Pagination page={1} perPage={20} total={93} hrefFor={hrefFor} />);
    assert.match(
      out,
      /^<nav class="pagination" aria-label="Pagination"><p class="pagination__info">Showing 1–20 of 93<\/p><div class="btn-group">/,
    );
    assert.match(
      out,
      /<span class="btn btn--secondary btn--small" aria-disabled="true" aria-label="Previous page">Previous<\/span>/,
    );
    assert.match(
      out,
      /<a class="btn btn--primary btn--small" href="\/codex\/companies\?page=1" aria-current="page" aria-label="Page 1, current page">1<\/a>/,
    );
    assert.match(
      out,
      /<a class="btn btn--secondary btn--small" href="\/codex\/companies\?page=2" rel="next" aria-label="Next page">Next<\/a>/,
    );
    assert.equal(out.match(/aria-current/g)?.length, 1);
  });

  it('disables Next on the last page', () => {
    const out = html(<Pagination page={5} perPage={20} total={93} hrefFor={hrefFor} />);
    assert.match(out, /Showing 81–93 of 93/);
    assert.match(
      out,
      /<a class="btn btn--secondary btn--small" href="\/codex\/companies\?page=4" rel="prev" aria-label="Previous page">Previous<\/a>/,
    );
    assert.match(
      out,
      /<span class="btn btn--secondary btn--small" aria-disabled="true" aria-label="Next page">Next<\/span>/,
    );
  });

  it('shows first, last and neighbours with gaps in between', () => {
    const out = html(<Pagination page={6} perPage={10} total={200} hrefFor={hrefFor} />);
    const numbers = [...out.matchAll(/>(\d+|…)<\/(?:a|span)>/g)].map((match) => match[1]);
    assert.deepEqual(numbers, ['1', '…', '5', '6', '7', '…', '20']);
  });

  it('clamps out-of-range pages and handles no results', () => {
    assert.match(html(<Pagination page={99} perPage={10} total={25} hrefFor={hrefFor} />), /Showing 21–25 of 25/);
    const empty = html(<Pagination page={1} perPage={10} total={0} hrefFor={hrefFor} />);
    assert.match(empty, /No results/);
    assert.equal(empty.match(/aria-disabled="true"/g)?.length, 2);
  });

  it('never links to a refused URL', () => {
    const out = html(<Pagination page={1} perPage={10} total={30} hrefFor={() => 'javascript:alert(1)'} />);
    assert.ok(!out.includes('javascript:'), out);
    assert.ok(!out.includes('href='), out);
  });
});
