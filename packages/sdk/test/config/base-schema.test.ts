import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  baseServiceEnv,
  envValue,
  zBoolean,
  zCsv,
  zDurationMs,
  zHttpUrl,
  zLogLevel,
  zPort,
  zUrl,
} from '../../src/config/base-schema.js';

function ok<T extends z.ZodType>(schema: T, raw: string): z.output<T> {
  const result = schema.safeParse(raw);
  assert.ok(result.success, `${raw} should be accepted: ${JSON.stringify(result.error?.issues)}`);
  return result.data;
}

function rejects(schema: z.ZodType, raw: string): string {
  const result = schema.safeParse(raw);
  assert.ok(!result.success, `${raw} should be rejected`);
  return result.error.issues.map((issue) => issue.message).join('; ');
}

describe('env value helpers', () => {
  it('zBoolean accepts true/false, 1/0, yes/no in any case', () => {
    for (const raw of ['true', 'TRUE', '1', 'yes', ' Yes ']) assert.equal(ok(zBoolean, raw), true);
    for (const raw of ['false', '0', 'no', 'NO']) assert.equal(ok(zBoolean, raw), false);
    assert.match(rejects(zBoolean, 'maybe'), /expected true\/false, 1\/0 or yes\/no/);
  });

  it('zDurationMs reads bare milliseconds and ms/s/m/h suffixes', () => {
    assert.equal(ok(zDurationMs, '1500'), 1500);
    assert.equal(ok(zDurationMs, '250ms'), 250);
    assert.equal(ok(zDurationMs, '1.5s'), 1500);
    assert.equal(ok(zDurationMs, '5m'), 300_000);
    assert.equal(ok(zDurationMs, '1h'), 3_600_000);
    assert.match(rejects(zDurationMs, '5 days'), /expected a duration/);
    rejects(zDurationMs, '-5s');
  });

  it('zCsv trims items and drops empty ones', () => {
    assert.deepEqual(ok(zCsv, ' a, b ,,c,'), ['a', 'b', 'c']);
    assert.deepEqual(ok(zCsv, ''), []);
  });

  it('zPort, zUrl and zHttpUrl', () => {
    assert.equal(ok(zPort, '443'), 443);
    rejects(zPort, '1e3');
    assert.equal(ok(zUrl, 'postgres://h:5432/db'), 'postgres://h:5432/db');
    assert.equal(ok(zHttpUrl, 'https://example.test/base//'), 'https://example.test/base');
    assert.match(rejects(zHttpUrl, 'ftp://example.test'), /expected an http:\/\/ or https:\/\/ URL/);
    rejects(zUrl, 'not a url');
  });

  it('zLogLevel is case-insensitive and maps Python names', () => {
    assert.equal(ok(zLogLevel, 'DEBUG'), 'debug');
    assert.equal(ok(zLogLevel, 'critical'), 'fatal');
    rejects(zLogLevel, 'verbose');
  });

  it('envValue builds a custom variable type', () => {
    const zEven = envValue('an even number', (raw) =>
      /^\d+$/.test(raw) && Number(raw) % 2 === 0 ? Number(raw) : undefined,
    );
    assert.equal(ok(zEven, '4'), 4);
    assert.match(rejects(zEven, '3'), /^expected an even number$/);
  });

  it('every base field is described', () => {
    for (const [name, field] of Object.entries(baseServiceEnv)) {
      assert.ok(field.description, `${name} has no description`);
    }
  });

  it('SERVICE_SECRET needs 32 characters and TRUSTED_PROXIES only IPs or CIDR ranges', () => {
    const schema = z.object({
      SERVICE_SECRET: baseServiceEnv.SERVICE_SECRET,
      TRUSTED_PROXIES: baseServiceEnv.TRUSTED_PROXIES,
    });
    assert.ok(!schema.safeParse({ SERVICE_SECRET: 'x'.repeat(31) }).success);
    assert.ok(schema.safeParse({ SERVICE_SECRET: 'x'.repeat(32) }).success);
    assert.ok(!schema.safeParse({ TRUSTED_PROXIES: '10.0.0.0/33' }).success);
    assert.ok(!schema.safeParse({ TRUSTED_PROXIES: 'gateway.local' }).success);
    assert.ok(schema.safeParse({ TRUSTED_PROXIES: '::1,2001:db8::/32' }).success);
  });
});
