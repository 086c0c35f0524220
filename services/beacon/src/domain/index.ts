/** Board rows, their sections and SLA state, the business calendar, display-link and note input: pure functions. */
export { parseClock } from './business-hours.js';
export type { BusinessCalendar } from './business-hours.js';
export { DEFAULT_DISPLAY_FIELDS, linkInput } from './link-input.js';
export type { LinkInput } from './link-input.js';
export { noteInput } from './note-input.js';
export type { NoteInput } from './note-input.js';
export { BOARD_COLUMNS, matches, projectRow, toRow } from './rows.js';
export type { BoardColumn, BoardFilter, BoardRow, CodexTicket, ViewDefinition } from './rows.js';
export { DEFAULT_SLA_SETTINGS, PRIORITIES } from './sla.js';
export type { Priority, Section, SlaSettings } from './sla.js';
