/** An invoice's dates come from its billing period, never from today (reference §3.9 item 8). */
import { lastDayOf, type Period } from '../engine/index.js';

/** Days between the invoice date and the due date. */
export const PAYMENT_TERM_DAYS = 30;

/** Invoice date = the last day of the billing month; due date = 30 days later (`YYYY-MM-DD`). */
export function invoiceDates(period: Period): { invoiceDate: string; dueDate: string } {
  const invoiceDate = lastDayOf(period);
  const due = new Date(`${invoiceDate}T00:00:00Z`);
  due.setUTCDate(due.getUTCDate() + PAYMENT_TERM_DAYS);
  return { invoiceDate, dueDate: due.toISOString().slice(0, 10) };
}
