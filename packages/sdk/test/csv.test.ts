/** The platform's CSV writer: RFC 4180 quoting, formulas defused, plain numbers kept as data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCell, formatCsv, formatCsvRow } from '../src/csv.js';

describe('csv', () => {
  it('quotes what needs quoting and defuses formulas, but keeps numbers', () => {
    assert.equal(formatCell('plain'), 'plain');
    assert.equal(formatCell('a,b'), '"a,b"');
    assert.equal(formatCell('say "hi"'), '"say ""hi"""');
    assert.equal(formatCell('two\nlines'), '"two\nlines"');
    assert.equal(formatCell(' padded'), '" padded"');
    assert.equal(formatCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    for (const formula of ['+1+1', '-1+1', '@SUM(A1)', '\tx', '-x'])
      assert.equal(formatCell(formula).replace(/^"/, '').charAt(0), "'", formula);
    assert.equal(formatCell('-12.50'), '-12.50');
    assert.equal(formatCell(-3), '-3');
    assert.equal(formatCell(null), '');
    assert.equal(formatCell(undefined), '');
  });

  it('writes rows and documents with CRLF record ends', () => {
    assert.equal(formatCsvRow(['a', 1, null]), 'a,1,\r\n');
    assert.equal(
      formatCsv(
        ['x', 'y'],
        [
          ['1', '2'],
          ['3', '=4'],
        ],
      ),
      "x,y\r\n1,2\r\n3,'=4\r\n",
    );
  });
});
