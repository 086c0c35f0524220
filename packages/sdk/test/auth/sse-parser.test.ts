import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSseParser } from '../../src/auth/revocation.js';
import type { SseEvent } from '../../src/auth/revocation.js';

const STREAM = [
  ': connected',
  '',
  'id: 1',
  'event: revoked',
  'data: {"jti":"a","exp":1}',
  '',
  ': ping',
  '',
  'id: 2',
  'event: revoked',
  'data: first line',
  'data:second line',
  'data',
  '',
  'event: ignored-without-data',
  '',
  'data: plain message',
  '',
  '',
];

const EXPECTED: SseEvent[] = [
  { type: 'revoked', data: '{"jti":"a","exp":1}', id: '1' },
  { type: 'revoked', data: 'first line\nsecond line\n', id: '2' },
  { type: 'message', data: 'plain message', id: '2' },
];

function parseIn(chunks: string[]): SseEvent[] {
  const parser = createSseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('createSseParser', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`parses ${name} line endings split at every position`, () => {
      const text = STREAM.join(eol);
      assert.deepEqual(parseIn([text]), EXPECTED);
      for (let cut = 0; cut <= text.length; cut += 1) {
        assert.deepEqual(parseIn([text.slice(0, cut), text.slice(cut)]), EXPECTED, `cut at ${cut}`);
      }
      assert.deepEqual(parseIn([...text]), EXPECTED, 'one character per chunk');
    });
  }

  it('does not dispatch an event before its blank line', () => {
    const parser = createSseParser();
    assert.deepEqual(parser.push('id: 7\nevent: revoked\ndata: x\n'), []);
    assert.deepEqual(parser.push('\n'), [{ type: 'revoked', data: 'x', id: '7' }]);
  });

  it('treats CR then LF in the next chunk as one line break', () => {
    const parser = createSseParser();
    assert.deepEqual(parser.push('data: a\r'), []);
    assert.deepEqual(parser.push('\n\r'), [{ type: 'message', data: 'a', id: '' }]);
  });
});
