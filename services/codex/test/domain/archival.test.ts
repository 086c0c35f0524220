/** Archival rules: only after a complete fetch, never everything on an empty answer, restore what returns. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planArchival } from '../../src/domain/archival.js';

const known = [
  { id: 1, externalId: 'a', archived: false },
  { id: 2, externalId: 'b', archived: false },
  { id: 3, externalId: 'c', archived: true },
];

describe('archival', () => {
  it('archives the records a complete fetch did not return and restores those it returned again', () => {
    assert.deepEqual(planArchival({ complete: true, seen: new Set(['a', 'c']), known }), {
      archive: [2],
      restore: [3],
    });
  });
  it('archives nothing after a partial or failed fetch, but still restores', () => {
    const plan = planArchival({ complete: false, seen: new Set(['c']), known });
    assert.deepEqual(plan.archive, []);
    assert.deepEqual(plan.restore, [3]);
    assert.match(plan.skipped ?? '', /partial or failed/);
  });
  it('refuses to archive everything when the vendor returned nothing', () => {
    const plan = planArchival({ complete: true, seen: new Set(), known });
    assert.deepEqual(plan.archive, []);
    assert.match(plan.skipped ?? '', /returned none/);
  });
  it('does nothing when nothing is missing', () => {
    assert.deepEqual(planArchival({ complete: true, seen: new Set(['a', 'b']), known: known.slice(0, 2) }), {
      archive: [],
      restore: [],
    });
  });
});
