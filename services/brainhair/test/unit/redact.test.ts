/** The redactor's rules, one by one: what is always masked, what only for hipaa/cjis, and what is kept. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../../src/tools/redact.js';

const r = new Redactor('unit-key');

describe('redactor', () => {
  it('masks card numbers that pass the Luhn check and keeps other long numbers', () => {
    assert.equal(r.text('card 4111-1111-1111-1111 ok', 'standard'), 'card [REDACTED CARD] ok');
    assert.equal(r.text('card 5500 0000 0000 0004', 'standard'), 'card [REDACTED CARD]');
    assert.equal(r.text('order 4111111111111112', 'standard'), 'order 4111111111111112');
  });

  it('masks SSNs, UK national insurance numbers, IBANs and passports', () => {
    assert.equal(r.text('SSN 123-45-6789', 'standard'), 'SSN [REDACTED SSN]');
    assert.equal(r.text('ssn: 123456789', 'standard'), 'ssn: [REDACTED SSN]');
    assert.equal(r.text('not 000-12-3456', 'standard'), 'not 000-12-3456');
    assert.equal(r.text('NI AB123456C', 'standard'), 'NI [REDACTED NATIONAL ID]');
    assert.equal(r.text('pay DE89 3704 0044 0532 0130 00 now', 'standard'), 'pay [REDACTED IBAN] now');
    assert.equal(r.text('pay DE89370400440532013001', 'standard'), 'pay DE89370400440532013001');
    assert.equal(r.text('Passport No. X1234567', 'standard'), 'Passport No. [REDACTED PASSPORT]');
  });

  it('masks API keys, tokens and passwords, keeping the label', () => {
    assert.equal(r.text('key sk-proj-abcdefghijklmnopqrstuvwx', 'standard'), 'key [REDACTED API KEY]');
    assert.equal(r.text('ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'standard'), '[REDACTED API KEY]');
    assert.equal(r.text('AKIAABCDEFGHIJKLMNOP', 'standard'), '[REDACTED API KEY]');
    assert.equal(
      r.text('Authorization: Bearer abcdefghijklmnop123456', 'standard'),
      'Authorization: Bearer [REDACTED TOKEN]',
    );
    assert.equal(r.text('the password: hunter2!', 'standard'), 'the password: [REDACTED SECRET]');
    assert.equal(r.text('pwd="a b c"', 'standard'), 'pwd=[REDACTED SECRET]');
  });

  it('masks values under secret-like keys and keeps ids, hostnames and companies', () => {
    const out = r.value(
      {
        hostname: 'SRV-01',
        api_key: 'x',
        password: 'p',
        token_count: 3,
        int_ip: '10.0.0.5',
        company: { account_number: 'A1', name: 'Acme', compliance_level: 'standard' },
      },
      'standard',
    );
    assert.deepEqual(out, {
      hostname: 'SRV-01',
      api_key: '[REDACTED SECRET]',
      password: '[REDACTED SECRET]',
      token_count: '[REDACTED SECRET]',
      int_ip: '10.0.0.5',
      company: { account_number: 'A1', name: 'Acme', compliance_level: 'standard' },
    });
  });

  it('leaves names and contacts of a standard company readable', () => {
    const out = r.value(
      { compliance_level: 'standard', requester_name: 'Bob Smith', requester_email: 'bob@x.test' },
      'standard',
    ) as Record<string, string>;
    assert.equal(out.requester_name, 'Bob Smith');
    assert.equal(out.requester_email, 'bob@x.test');
  });

  it('replaces personal data of a cjis record with stable placeholders, in fields and in text', () => {
    const out = r.value(
      {
        ticket: {
          compliance_level: 'cjis',
          requester_name: 'Bob Smith',
          account_number: 'PD',
          company_name: 'Police Dept',
        },
        conversations: [{ body_text: 'Bob Smith lives at 12 Oak Street, call +1 555 123 4567, DOB 01/02/1970' }],
      },
      'standard',
    ) as { ticket: Record<string, string>; conversations: { body_text: string }[] };
    const person = out.ticket.requester_name ?? '';
    assert.match(person, /^\[Person [0-9a-f]{6}\]$/);
    assert.equal(out.ticket.company_name, 'Police Dept');
    const body = out.conversations[0]?.body_text ?? '';
    assert.ok(body.includes(person), body);
    for (const leak of ['Bob Smith', '12 Oak Street', '555 123 4567', '01/02/1970'])
      assert.ok(!body.includes(leak), body);
    assert.equal(
      new Redactor('unit-key').text('Bob Smith', 'strict', ['Bob Smith']),
      person,
      'same key, same placeholder',
    );
    assert.notEqual(
      new Redactor('other-chat').text('Bob Smith', 'strict', ['Bob Smith']),
      person,
      'another chat, another placeholder',
    );
  });
});
