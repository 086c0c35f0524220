/** RFC 4180 CSV: quoting, line breaks, BOM, the formula guard and its exact round trip. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csvRecords, formatCsv, parseCsv } from '../../src/domain/csv.js';
import { plansFromCsv, plansToCsv, type PlanRow } from '../../src/domain/plans-csv.js';

describe('csv', () => {
  it('quotes what needs quoting and reads it back unchanged', () => {
    const rows = [['plain', 'with, comma', 'with "quotes"', 'two\nlines', ' padded ', '=SUM(A1)', '-5', '@cmd', '']];
    const text = formatCsv(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], rows);
    assert.ok(text.includes("'=SUM(A1)"), 'formulas are defused for spreadsheets');
    assert.deepEqual(parseCsv(text).slice(1), rows);
  });
  it('reads CRLF, LF, a BOM and skips blank lines', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\r\n1,2\n\n3,"4\r\n5"\r\n'), [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4\r\n5'],
    ]);
  });
  it('reports an unterminated quote and a short row', () => {
    assert.throws(() => parseCsv('a,b\n"1,2\n'), /never closed/);
    assert.throws(() => csvRecords('a,b\n1\n'), /row 2 has 1 cells/);
  });
});

describe('plans as CSV', () => {
  const rows: PlanRow[] = [
    {
      planName: 'MSP Platinum, "gold"',
      term: '1 Year',
      supportLevel: 'Unlimited',
      prices: {
        per_user: 12000,
        per_workstation: 7500,
        per_server: 15000,
        per_vm: 10000,
        per_switch: 2500,
        per_firewall: 5000,
        per_hour: 0,
        backup_base_workstation: 2000,
        backup_base_server: 4000,
        backup_per_tb: 1500,
      },
      backupIncludedTb: '1.50',
      features: { antivirus: 'SentinelOne', soc: 'Included' },
    },
    {
      planName: '=cmd',
      term: 'Month to Month',
      supportLevel: 'Billed Hourly',
      prices: {
        per_user: 5000,
        per_workstation: 0,
        per_server: 0,
        per_vm: 0,
        per_switch: 0,
        per_firewall: 0,
        per_hour: 9000,
        backup_base_workstation: 0,
        backup_base_server: 0,
        backup_per_tb: 0,
      },
      backupIncludedTb: '1.00',
      features: {},
    },
  ];
  const known = new Set(['antivirus', 'soc']);

  it('round-trips exactly', () => {
    assert.deepEqual(plansFromCsv(plansToCsv(rows), known), rows);
  });
  it('lists every bad cell with its row and column, and accepts other term spellings', () => {
    const text =
      'plan_name,term,support_level,per_user,backup_included_tb,feature:nope\nA,1-Year,Unlimited,12.345,1,x\n,forever,Sometimes,5,abc,\n';
    assert.throws(
      () => plansFromCsv(text, known),
      (error: unknown) => {
        const paths = (error as { errors: { path: string }[] }).errors.map((entry) => entry.path);
        assert.deepEqual(paths, [
          'row 1.feature:nope',
          'row 2.per_user',
          'row 3.plan_name',
          'row 3.term',
          'row 3.support_level',
          'row 3.backup_included_tb',
        ]);
        return true;
      },
    );
    assert.equal(plansFromCsv('plan_name,term\nA,1-Year\n', known)[0]?.term, '1 Year');
  });
  it('refuses the same plan and term twice', () => {
    assert.throws(() => plansFromCsv('plan_name,term\nA,1 Year\nA,1-year\n', known), /problem/);
  });
});
