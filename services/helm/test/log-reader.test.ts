/** `hivematrix logs --since`: a duration back from now in a known unit, or a date; anything else is refused. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSince } from '../src/cli/log-reader.js';
import { isLogLevel } from '../src/db/log-query.js';

describe('helm logs: --since', () => {
  const now = Date.UTC(2026, 11, 6, 12, 0, 0);

  it('reads a duration in seconds, minutes, hours or days, in either case', () => {
    assert.equal(parseSince('30s', now), now - 30_000);
    assert.equal(parseSince('10m', now), now - 600_000);
    assert.equal(parseSince('1.5H', now), now - 5_400_000);
    assert.equal(parseSince(' 2 d ', now), now - 2 * 86_400_000);
  });

  it('reads an ISO date, and refuses a unit it does not know or text that is no date', () => {
    assert.equal(parseSince('2026-12-01T00:00:00Z', now), Date.UTC(2026, 11, 1));
    assert.equal(parseSince('5w', now), undefined);
    assert.equal(parseSince('yesterday', now), undefined);
  });
});

describe('helm logs: stored levels', () => {
  it("accepts helm's five level names and nothing else", () => {
    for (const level of ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']) assert.equal(isLogLevel(level), true, level);
    for (const level of ['info', 'TRACE', 'FATAL', '']) assert.equal(isLogLevel(level), false, level);
  });
});
