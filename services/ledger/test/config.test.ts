import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@hivematrix/sdk';
import { loadLedgerConfig } from '../src/config.js';

describe('ledger config', () => {
  it('defaults to port 5030, codex on 5010 and UTC months', () => {
    const config = loadLedgerConfig({
      HIVEMATRIX_INSTANCE_DIR: '/nonexistent',
      DATABASE_URL: 'postgres://x@127.0.0.1/ledger',
    });
    assert.equal(config.PORT, 5030);
    assert.equal(config.CODEX_SERVICE_URL, 'http://127.0.0.1:5010');
    assert.equal(config.BUSINESS_TIMEZONE, 'UTC');
  });

  it('refuses an unknown time zone and a short secret, naming both', () => {
    assert.throws(
      () =>
        loadLedgerConfig({
          HIVEMATRIX_INSTANCE_DIR: '/nonexistent',
          DATABASE_URL: 'postgres://x@127.0.0.1/ledger',
          BUSINESS_TIMEZONE: 'Mars/Olympus',
          SERVICE_SECRET: 'short',
        }),
      (error: unknown) =>
        error instanceof ConfigError && /BUSINESS_TIMEZONE/.test(error.message) && /SERVICE_SECRET/.test(error.message),
    );
  });
});
