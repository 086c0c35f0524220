/** The section and SLA function over a table of cases, and business time across a weekend and a holiday. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { businessMs, type BusinessCalendar } from '../../src/domain/business-hours.js';
import { DEFAULT_SLA_SETTINGS, PRIORITIES, placeTicket, type Placement, type SlaTicket } from '../../src/domain/sla.js';

const NOW = new Date('2026-11-25T12:00:00Z'); // a Wednesday
const MIN = 60_000;
const at = (offsetMinutes: number) => new Date(NOW.getTime() + offsetMinutes * MIN);

function ticket(overrides: Partial<SlaTicket>): SlaTicket {
  return {
    status: 'open',
    priority: 'medium',
    ticketType: 'Incident',
    responder: '7',
    updatedAt: at(-10),
    frDueBy: null,
    dueBy: null,
    firstRespondedAt: null,
    ...overrides,
  };
}

function place(
  overrides: Partial<SlaTicket>,
  now = NOW,
  settings = DEFAULT_SLA_SETTINGS,
): Pick<Placement, 'section' | 'sla'> | null {
  const placed = placeTicket(ticket(overrides), now, settings);
  return placed === null ? null : { section: placed.section, sla: placed.sla };
}

describe('placeTicket: statuses', () => {
  const cases: [string, Partial<SlaTicket>, Pick<Placement, 'section' | 'sla'> | null][] = [
    ['open, no SLA date', { status: 'open' }, { section: 'needs_response', sla: 'normal' }],
    ['update_needed', { status: 'update_needed' }, { section: 'needs_response', sla: 'normal' }],
    ['pending', { status: 'pending' }, { section: 'needs_response', sla: 'normal' }],
    [
      'open, first response made',
      { status: 'open', firstRespondedAt: at(-5) },
      { section: 'needs_response', sla: 'responded' },
    ],
    ['customer_replied', { status: 'customer_replied' }, { section: 'customer_replied', sla: 'warning' }],
    [
      'customer_replied, even when stale',
      { status: 'customer_replied', updatedAt: at(-30 * 1440) },
      { section: 'customer_replied', sla: 'warning' },
    ],
    [
      'pending_hubspot, even when stale',
      { status: 'pending_hubspot', updatedAt: at(-30 * 1440) },
      { section: 'other', sla: 'in_progress' },
    ],
    ['waiting_customer', { status: 'waiting_customer' }, { section: 'other', sla: 'responded' }],
    ['on_hold', { status: 'on_hold' }, { section: 'other', sla: 'in_progress' }],
    ['an unknown status', { status: 'scheduled' }, { section: 'other', sla: 'in_progress' }],
    [
      'waiting, unassigned',
      { status: 'waiting_customer', responder: null },
      { section: 'needs_attention', sla: 'warning' },
    ],
    [
      'open, unassigned (section 1 wins)',
      { status: 'open', responder: null },
      { section: 'needs_response', sla: 'normal' },
    ],
  ];
  for (const status of DEFAULT_SLA_SETTINGS.closedStatuses) cases.push([`closed status ${status}`, { status }, null]);
  for (const [name, overrides, expected] of cases) {
    it(name, () => assert.deepEqual(place(overrides), expected));
  }
});

describe('placeTicket: update overdue, each priority just before and after its limit', () => {
  const limits = { urgent: 30, high: 2 * 1440, medium: 3 * 1440, low: 4 * 1440 };
  for (const priority of PRIORITIES) {
    for (const status of ['open', 'waiting_customer', 'on_hold']) {
      it(`${priority}, ${status}`, () => {
        const limit = limits[priority];
        const before = place({ priority, status, updatedAt: at(-limit + 1) });
        assert.notEqual(before?.section, 'needs_attention', 'one minute inside the limit');
        assert.deepEqual(
          place({ priority, status, updatedAt: at(-limit) }),
          before,
          'exactly at the limit is not yet overdue',
        );
        assert.deepEqual(place({ priority, status, updatedAt: at(-limit - 1) }), {
          section: 'needs_attention',
          sla: 'overdue',
        });
      });
    }
  }
});

describe('placeTicket: first-response SLA just before and after each threshold', () => {
  const cases: [string, number, string][] = [
    ['overdue by a minute', -1, 'overdue'],
    ['due now', 0, 'overdue'],
    ['a minute left', 1, 'critical'],
    ['just under 4 h', 4 * 60 - 1, 'critical'],
    ['exactly 4 h', 4 * 60, 'warning'],
    ['just under 12 h', 12 * 60 - 1, 'warning'],
    ['exactly 12 h', 12 * 60, 'normal'],
    ['two days', 2 * 1440, 'normal'],
  ];
  for (const priority of PRIORITIES) {
    for (const [name, minutesLeft, sla] of cases) {
      it(`${priority}: ${name} → ${sla}`, () => {
        assert.deepEqual(place({ priority, updatedAt: at(-1), frDueBy: at(minutesLeft) }), {
          section: 'needs_response',
          sla,
        });
      });
    }
  }
  it('service requests are measured against due_by, incidents against fr_due_by', () => {
    const dates = { frDueBy: at(60), dueBy: at(3 * 1440) };
    assert.equal(place({ ...dates, ticketType: 'Service Request' })?.sla, 'normal');
    assert.equal(place({ ...dates, ticketType: 'Incident' })?.sla, 'critical');
  });
  it('thresholds are settings', () => {
    const settings = {
      ...DEFAULT_SLA_SETTINGS,
      frCriticalMinutes: 30,
      frWarningMinutes: 60,
      updateOverdueMinutes: { ...DEFAULT_SLA_SETTINGS.updateOverdueMinutes, urgent: 5 },
    };
    assert.equal(place({ frDueBy: at(45) }, NOW, settings)?.sla, 'warning');
    assert.equal(place({ frDueBy: at(90) }, NOW, settings)?.sla, 'normal');
    assert.deepEqual(place({ priority: 'urgent', updatedAt: at(-6) }, NOW, settings), {
      section: 'needs_attention',
      sla: 'overdue',
    });
  });
});

describe('business hours', () => {
  // Mon–Fri 09:00–17:00 in New York; Thanksgiving 2026 (Thursday 26 November) a holiday.
  const calendar: BusinessCalendar = {
    timeZone: 'America/New_York',
    days: [1, 2, 3, 4, 5],
    startMinute: 9 * 60,
    endMinute: 17 * 60,
    holidays: ['2026-11-26'],
  };
  const settings = { ...DEFAULT_SLA_SETTINGS, calendar };
  const H = 3_600_000;

  it('counts only open hours across a weekend', () => {
    // Friday 27 Nov 16:00 EST (21:00 UTC) to Monday 30 Nov 10:00 EST (15:00 UTC): 1 h + 1 h.
    assert.equal(businessMs(new Date('2026-11-27T21:00:00Z'), new Date('2026-11-30T15:00:00Z'), calendar), 2 * H);
  });
  it('skips a holiday', () => {
    // Wednesday 25 Nov 16:00 EST to Friday 27 Nov 10:00 EST: 1 h Wednesday, Thursday closed, 1 h Friday.
    assert.equal(businessMs(new Date('2026-11-25T21:00:00Z'), new Date('2026-11-27T15:00:00Z'), calendar), 2 * H);
  });
  it('is negative when the end is before the start, and plain time without a calendar', () => {
    assert.equal(businessMs(new Date('2026-11-27T15:00:00Z'), new Date('2026-11-25T21:00:00Z'), calendar), -2 * H);
    assert.equal(businessMs(new Date('2026-11-27T15:00:00Z'), new Date('2026-11-27T16:30:00Z'), null), 1.5 * H);
  });
  it('keeps wall-clock hours across a daylight-saving change', () => {
    // Friday 30 Oct 2026 16:00 EDT (20:00 UTC) to Monday 2 Nov 10:00 EST (15:00 UTC), DST ended 1 Nov.
    assert.equal(businessMs(new Date('2026-10-30T20:00:00Z'), new Date('2026-11-02T15:00:00Z'), calendar), 2 * H);
  });
  it('an urgent ticket updated Friday afternoon is not overdue on Monday morning', () => {
    const monday = new Date('2026-11-30T14:10:00Z'); // 09:10 EST
    const friday = new Date('2026-11-27T21:50:00Z'); // 16:50 EST: 10 min + 10 min of business time
    assert.deepEqual(place({ priority: 'urgent', updatedAt: friday }, monday, settings), {
      section: 'needs_response',
      sla: 'normal',
    });
    assert.deepEqual(place({ priority: 'urgent', updatedAt: friday }, monday), {
      section: 'needs_attention',
      sla: 'overdue',
    });
    const later = new Date('2026-11-30T14:21:00Z'); // 09:21 EST: 10 + 21 minutes
    assert.equal(place({ priority: 'urgent', updatedAt: friday }, later, settings)?.sla, 'overdue');
  });
  it('a first-response clock pauses over the holiday', () => {
    // Wednesday 25 Nov 16:30 EST; due Friday 27 Nov 11:00 EST: 0.5 h + 2 h of business time left.
    const now = new Date('2026-11-25T21:30:00Z');
    const due = new Date('2026-11-27T16:00:00Z');
    assert.equal(place({ updatedAt: now, frDueBy: due }, now, settings)?.sla, 'critical');
    assert.equal(place({ updatedAt: now, frDueBy: due }, now)?.sla, 'normal', 'round the clock it has 42.5 h');
  });
});
