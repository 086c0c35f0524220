import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HELM_LEVELS, LEVEL_TABLE, LOG_LEVELS, helmLevel, logLevelOf, severityOf } from '../../src/index.js';

describe('log levels (one table)', () => {
  it('names every pino level once, most severe first for LOG_LEVEL', () => {
    assert.deepEqual(LOG_LEVELS, ['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
    assert.deepEqual(
      LEVEL_TABLE.map((row) => row.severity),
      [10, 20, 30, 40, 50, 60],
    );
    assert.deepEqual([...new Set(LEVEL_TABLE.map((row) => row.helm))], [...HELM_LEVELS]);
  });

  it('reads pino and Python names in any case', () => {
    assert.equal(logLevelOf('WARNING'), 'warn');
    assert.equal(logLevelOf('Critical'), 'fatal');
    assert.equal(logLevelOf('DEBUG'), 'debug');
    assert.equal(logLevelOf('verbose'), undefined);
    assert.equal(severityOf('warning'), 40);
    assert.equal(severityOf('trace'), 10);
    assert.equal(severityOf(35), 30);
    assert.equal(severityOf('nope'), undefined);
  });

  it("maps to helm's names: numbers by the level at or below them, unknown as INFO", () => {
    assert.deepEqual([5, 10, 20, 30, 35, 40, 50, 60, 70].map(helmLevel), [
      'DEBUG',
      'DEBUG',
      'DEBUG',
      'INFO',
      'INFO',
      'WARNING',
      'ERROR',
      'CRITICAL',
      'CRITICAL',
    ]);
    assert.deepEqual(['trace', 'warn', 'WARNING', 'fatal', 'critical', 'error'].map(helmLevel), [
      'DEBUG',
      'WARNING',
      'WARNING',
      'CRITICAL',
      'CRITICAL',
      'ERROR',
    ]);
    assert.equal(helmLevel('verbose'), 'INFO');
    assert.equal(helmLevel(undefined), 'INFO');
  });
});
