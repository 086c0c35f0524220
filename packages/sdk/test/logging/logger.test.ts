import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { createLogger, createLoggerOptions } from '../../src/logging/logger.js';
import { captureStream } from './helpers.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('createLogger', () => {
  it('writes JSON lines with an ISO time, a level label and the service name', () => {
    const out = captureStream();
    const logger = createLogger({ service: 'codex', level: 'info', destination: out, now: () => NOW });
    logger.info({ company: 42 }, 'company synced');
    logger.debug('not written at info level');
    assert.deepEqual(out.records, [
      { level: 'info', time: '2026-01-02T03:04:05.678Z', service: 'codex', company: 42, msg: 'company synced' },
    ]);
  });

  it('uses the real clock when none is given', () => {
    const out = captureStream();
    const logger = createLogger({ service: 'codex', level: 'info', destination: out });
    logger.warn('w');
    const time = out.records[0]?.time;
    assert.equal(typeof time, 'string');
    assert.ok(Math.abs(Date.parse(time as string) - Date.now()) < 60_000);
    assert.equal(out.records[0]?.level, 'warn');
  });

  it('redacts credentials in headers and password/secret/token fields', () => {
    const out = captureStream();
    const logger = createLogger({ service: 'core', level: 'info', destination: out, now: () => NOW });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'session=xyz', accept: 'text/html' } },
        res: { headers: { 'set-cookie': 'session=xyz' } },
        password: 'pw1',
        token: 'top-level-token',
        user: { name: 'ann', password: 'pw2', token: 'tok', secret: 's' },
      },
      'sensitive',
    );
    const line = JSON.stringify(out.records[0]);
    for (const leaked of ['Bearer abc', 'session=xyz', 'pw1', 'pw2', 'top-level-token', '"tok"', '"s"']) {
      assert.ok(!line.includes(leaked), `${leaked} leaked: ${line}`);
    }
    const record = out.records[0] as { req: { headers: Record<string, string> }; user: Record<string, string> };
    assert.equal(record.req.headers.authorization, '[REDACTED]');
    assert.equal(record.req.headers.accept, 'text/html');
    assert.equal(record.user.name, 'ann');
    assert.equal(record.user.password, '[REDACTED]');
  });
});

describe('createLoggerOptions', () => {
  it("configures Fastify's own logger (destination passed as stream)", async () => {
    const out = captureStream();
    const app = Fastify({
      logger: createLoggerOptions({ service: 'helm', level: 'info', destination: out, now: () => NOW }),
    });
    app.get('/', (request) => {
      request.log.info({ secret: 'hidden-value' }, 'handled');
      return { ok: true };
    });
    const response = await app.inject({ method: 'GET', url: '/', headers: { authorization: 'Bearer nope' } });
    assert.equal(response.statusCode, 200);
    await app.close();
    const handled = out.records.find((record) => record.msg === 'handled');
    assert.ok(handled);
    assert.equal(handled.service, 'helm');
    assert.equal(handled.level, 'info');
    assert.equal(handled.time, '2026-01-02T03:04:05.678Z');
    assert.equal(handled.secret, '[REDACTED]');
    assert.ok(out.records.some((record) => record.msg === 'request completed'));
    assert.ok(!JSON.stringify(out.records).includes('Bearer nope'));
  });
});
