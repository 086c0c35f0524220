import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  JsonScript,
  Page,
  PageHeader,
  Pagination,
  SelectField,
  Table,
  TextArea,
  TextField,
  renderDocument,
  renderFragment,
  serializeJsonForScript,
} from '../../src/html/index.js';

/** A name a user could type, aimed at both text and attribute contexts. */
const EVIL = `"><script>alert(1)</script><img src=x onerror='alert(2)'>`;

/** Every element and attribute name of a document; fails on anything that is not well-formed. */
function tokenize(document: string): { tags: Set<string>; attributes: Set<string> } {
  const token =
    /<!DOCTYPE html>|<\/([a-z][a-z0-9]*)>|<([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9-]*(?:="[^"]*")?)*)\s*\/?>|[^<]+/y;
  const tags = new Set<string>();
  const attributes = new Set<string>();
  while (token.lastIndex < document.length) {
    const at = token.lastIndex;
    const match = token.exec(document);
    assert.ok(match !== null, `not well-formed at ${at}: ${document.slice(at, at + 60)}`);
    const name = match[1] ?? match[2];
    if (name !== undefined) tags.add(name);
    for (const attribute of (match[3] ?? '').matchAll(/\s+([a-z][a-z0-9-]*)(?:="[^"]*")?/g)) {
      if (attribute[1] !== undefined) attributes.add(attribute[1]);
    }
  }
  return { tags, attributes };
}

describe('escaping', () => {
  it('escapes user text and attribute values in every component', () => {
    const out = renderDocument(
      <Page title={EVIL} service={EVIL} version={EVIL} description={EVIL}>
        <PageHeader
          title={EVIL}
          description={EVIL}
          actions={
            <Button href={`/x?q=${EVIL}`} title={EVIL} data-name={EVIL} aria-label={EVIL}>
              {EVIL}
            </Button>
          }
        />
        <Card title={EVIL} actions={<Badge>{EVIL}</Badge>}>
          <Alert variant="error" title={EVIL}>
            {EVIL}
          </Alert>
          <Table columns={[{ key: 'name', label: EVIL }]} rows={[{ name: EVIL }]} label={EVIL} />
          <Table columns={[{ key: 'name', label: 'Name' }]} rows={[]} empty={EVIL} />
          <TextField name={EVIL} id={EVIL} label={EVIL} value={EVIL} placeholder={EVIL} error={EVIL} hint={EVIL} />
          <TextArea name="notes" label={EVIL} value={`</textarea>${EVIL}`} />
          <SelectField name="s" label={EVIL} options={[{ value: EVIL, label: EVIL }]} value={EVIL} placeholder={EVIL} />
          <Checkbox name="c" label={EVIL} value={EVIL} error={EVIL} />
          <EmptyState
            title={EVIL}
            message={EVIL}
            action={
              <Button value={EVIL} name={EVIL}>
                {EVIL}
              </Button>
            }
          />
          <Pagination page={2} perPage={10} total={50} hrefFor={(page) => `/list?p=${page}&q=${EVIL}`} label={EVIL} />
        </Card>
      </Page>,
    );
    // Tokenise the document the way a browser would (double-quoted attributes, text without
    // `<`): an injection would show up as a foreign element or attribute (`script`, `img`, `onerror`).
    const { tags, attributes } = tokenize(out);
    const allowedTags = [
      'html',
      'head',
      'meta',
      'title',
      'body',
      'main',
      'header',
      'footer',
      'nav',
      'div',
      'h1',
      'h2',
      'h3',
      'p',
      'a',
      'span',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'label',
      'input',
      'textarea',
      'select',
      'option',
      'button',
    ];
    const allowedAttributes = [
      'lang',
      'charset',
      'name',
      'content',
      'role',
      'aria-label',
      'aria-hidden',
      'aria-disabled',
      'aria-current',
      'aria-invalid',
      'aria-describedby',
      'class',
      'href',
      'title',
      'data-name',
      'scope',
      'colspan',
      'for',
      'id',
      'type',
      'value',
      'placeholder',
      'rows',
      'selected',
      'rel',
    ];
    assert.deepEqual(
      [...tags].filter((tag) => !allowedTags.includes(tag)),
      [],
    );
    assert.deepEqual(
      [...attributes].filter((name) => !allowedAttributes.includes(name)),
      [],
    );
    assert.equal(out.match(/<\/textarea>/g)?.length, 1, 'textarea content cannot close it');
    assert.ok(out.includes('rows="4">&lt;/textarea>'), 'its content is escaped');
    assert.ok(out.includes('&lt;script>alert(1)&lt;/script>'), 'text is kept, escaped');
    assert.ok(out.includes('title="&quot;>&lt;script>'), 'attribute is kept, escaped');
  });

  it('escapes a title so it cannot close <title>', () => {
    const out = renderDocument(
      <Page title="</title><script>alert(1)</script>" service="codex">
        x
      </Page>,
    );
    assert.match(out, /<title>&lt;\/title>&lt;script>alert\(1\)&lt;\/script> - HiveMatrix<\/title>/);
  });
});

describe('JsonScript', () => {
  it('keeps data intact for JSON.parse while making </script>, <!-- and line separators inert', () => {
    const data = {
      name: '</script><script>alert(1)</script>',
      comment: '<!-- x -->',
      amp: 'a & b',
      lines: 'a\u2028b\u2029c',
      nested: [1, null, true],
    };
    const out = renderFragment(<JsonScript id="data" data={data} />);
    const inner = /^<script type="application\/json" id="data">(.*)<\/script>$/s.exec(out)?.[1];
    assert.ok(inner !== undefined, out);
    assert.ok(!/[<>&\u2028\u2029]/.test(inner), inner);
    assert.deepEqual(JSON.parse(inner), data);
  });

  it('escapes its id attribute and serialises undefined as null', () => {
    assert.equal(
      renderFragment(<JsonScript id={'a"b'} data={undefined} />),
      '<script type="application/json" id="a&quot;b">null</script>',
    );
    assert.equal(serializeJsonForScript('</script>'), '"\\u003c/script\\u003e"');
  });
});
