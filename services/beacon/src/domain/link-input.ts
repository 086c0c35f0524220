/** What an admin may ask of a new display link, validated once for the form and the JSON API. */
import { z } from 'zod';
import { BOARD_COLUMNS, type BoardColumn } from './rows.js';
import { PRIORITIES } from './sla.js';

/** By default a wall screen shows neither requester e-mail addresses nor anything not on the board. */
export const DEFAULT_DISPLAY_FIELDS: readonly BoardColumn[] = BOARD_COLUMNS.filter(
  (column) => column !== 'requester_email',
);

const blankToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value);
const oneOrMany = (value: unknown) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

export const linkInput = z.object({
  name: z.string().trim().min(1).max(100),
  view: z.string().max(40),
  agent: z.preprocess(blankToUndefined, z.string().trim().max(40).optional()),
  company: z.preprocess(blankToUndefined, z.string().trim().max(50).optional()),
  priority: z.preprocess(blankToUndefined, z.enum(PRIORITIES).optional()),
  fields: z.preprocess(oneOrMany, z.array(z.enum(BOARD_COLUMNS)).min(1).max(BOARD_COLUMNS.length).optional()),
  expires_in_days: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(366).default(30)),
});
export type LinkInput = z.infer<typeof linkInput>;
