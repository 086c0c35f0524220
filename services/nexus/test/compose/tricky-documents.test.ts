/**
 * composePage on documents that fool naive string matching: the landmarks must be the ones a
 * browser's tokenizer sees, not look-alikes in comments, scripts, templates or attribute values.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composePage } from '../../src/compose/index.js';
import { findLandmarks } from '../../src/compose/scan.js';
import { LAYOUT_CLOSING } from '../../src/compose/side-panel.js';
import { count, htmlTagOf, makeContext } from './fixtures.js';

const LAYOUT = '<div class="hivematrix-layout">';
const STYLESHEET = '/static/css/hivematrix.css';

/** The text between the content column's opening and the layout's closing. */
function contentOf(out: string): string {
  const open = '<div class="hivematrix-content" id="hivematrix-main" tabindex="-1">';
  const start = out.indexOf(open);
  const end = out.lastIndexOf(LAYOUT_CLOSING);
  assert.ok(start > 0 && end > start, 'layout present');
  return out.slice(start + open.length, end);
}

describe('composePage: tricky documents', () => {
  it('ignores <html>, <body> and </head> inside comments', () => {
    const page =
      '<!DOCTYPE html><!-- <html data-theme="x"><body> --><html lang="en"><head><!-- </head><body> --><title>t</title></head><body><p>real</p><!-- </body> --></body></html>';
    const out = composePage(page, makeContext());
    assert.ok(out.startsWith('<!DOCTYPE html><!-- <html data-theme="x"><body> --><html lang="en" data-theme='));
    assert.ok(out.indexOf(STYLESHEET) > out.indexOf('<title>t</title>'));
    assert.equal(contentOf(out), '<p>real</p><!-- </body> -->');
  });

  it('ignores look-alikes inside <script>, <style>, <textarea>, <title> and <noscript>', () => {
    const page =
      '<html><head><title>a <body> b</title><script>var s = "</head><body>";</script><style>/* <body> */</style></head>' +
      '<body><textarea></body></textarea><script>if (a</body>b) {}</script><noscript><body></noscript><p>end</p></body></html>';
    const out = composePage(page, makeContext());
    assert.ok(out.indexOf(STYLESHEET) > out.indexOf('</style>'), 'assets after the real head content');
    assert.equal(count(out, LAYOUT), 1);
    assert.equal(
      contentOf(out),
      '<textarea></body></textarea><script>if (a</body>b) {}</script><noscript><body></noscript><p>end</p>',
    );
  });

  it('ignores <body> and </body> inside <template> contents', () => {
    const page =
      '<html><head></head><body><template><body class="fake"><p>t</p></body></template><p>after</p></body></html>';
    const out = composePage(page, makeContext());
    assert.ok(out.includes('<body>' + LAYOUT));
    assert.equal(contentOf(out), '<template><body class="fake"><p>t</p></body></template><p>after</p>');
  });

  it('handles upper-case tags and attributes', () => {
    const page =
      '<!DOCTYPE HTML><HTML LANG="en" DATA-THEME="dark"><HEAD><TITLE>x</TITLE></HEAD><BODY CLASS="b"><P>hi</P></BODY></HTML>';
    const out = composePage(page, makeContext({ theme: 'light' }));
    assert.equal(htmlTagOf(out), '<html LANG="en" data-theme="light" data-color-theme="blue" data-sidebar="expanded">');
    assert.ok(out.indexOf(STYLESHEET) < out.indexOf('</HEAD>'));
    assert.ok(out.includes('<BODY CLASS="b">' + LAYOUT));
    assert.equal(contentOf(out), '<P>hi</P>');
  });

  it('puts the assets before <body> when there is no </head>', () => {
    const out = composePage('<html><head><title>t</title><body><p>x</p></body></html>', makeContext());
    assert.ok(out.indexOf('<title>t</title>') < out.indexOf(STYLESHEET));
    assert.ok(out.indexOf(STYLESHEET) < out.indexOf('<body>'));
    const headless = composePage('<html><body><p>x</p></body></html>', makeContext());
    assert.ok(headless.indexOf(STYLESHEET) < headless.indexOf('<body>'));
    assert.equal(count(headless, STYLESHEET), 1);
  });

  it('keeps a > inside quoted attribute values inside the tag', () => {
    const page = `<html data-x="a>b" title='<body>' lang=en><head></head><body data-y="c>d" class='e>f'><p>x</p></body></html>`;
    const out = composePage(page, makeContext());
    assert.ok(
      out.startsWith(
        `<html data-x="a>b" title='<body>' lang=en data-theme="light" data-color-theme="blue" data-sidebar="expanded"><head>`,
      ),
    );
    assert.ok(out.includes(`<body data-y="c>d" class='e>f'>${LAYOUT}`));
    assert.equal(contentOf(out), '<p>x</p>');
  });

  it('wraps up to </html> or the end when </body> is missing', () => {
    const out = composePage('<html><head></head><body><p>a</p></html>', makeContext());
    assert.equal(contentOf(out), '<p>a</p>');
    assert.ok(out.endsWith(`${LAYOUT_CLOSING}</html>`));
    const open = composePage('<html><body><p>b</p>', makeContext());
    assert.ok(open.endsWith(`<p>b</p>${LAYOUT_CLOSING}`));
  });

  it('handles abrupt comments, bogus comments and a stray </head> after <body>', () => {
    const page =
      '<!DOCTYPE html><html><!--><head><?php echo "<body>" ?></head><body><!---><p>x</p></head></body></html>';
    const marks = findLandmarks(page);
    assert.ok(marks);
    assert.equal(page.slice(marks.body.start, marks.body.end), '<body>');
    assert.equal(marks.headClose, page.indexOf('</head>'));
    const out = composePage(page, makeContext());
    assert.equal(contentOf(out), '<!---><p>x</p></head>');
  });

  it('uses the first <html> and <body> and the last </body>', () => {
    const page = '<html><head></head><body><p>1</p></body><body class="second"><p>2</p></body></html>';
    const out = composePage(page, makeContext());
    assert.equal(count(out, LAYOUT), 1);
    assert.equal(contentOf(out), '<p>1</p></body><body class="second"><p>2</p>');
  });

  it('reads attribute spans exactly, whatever the quoting', () => {
    const page = `<html a b=1 c = "x y" d='z' e=f/><body>`;
    const marks = findLandmarks(page);
    assert.ok(marks);
    const attributes = marks.html.attributes.map((a) => page.slice(a.start, a.end));
    assert.deepEqual(attributes, ['a', 'b=1', 'c = "x y"', "d='z'", 'e=f/']);
    assert.deepEqual(
      marks.html.attributes.map((a) => a.name),
      ['a', 'b', 'c', 'd', 'e'],
    );
  });
});
