/** The board's query string (view, agent, company, priority, sort), parsed once for pages, API and stream. */
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import type { BoardSettings } from '../config.js';
import { PRIORITIES } from '../domain/index.js';
import type { BoardFilter } from '../domain/index.js';

export const boardQuery = z.object({
  view: z.string().max(40).optional(),
  agent: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  company: z
    .string()
    .trim()
    .max(50)
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  priority: z
    .union([z.enum(PRIORITIES), z.literal('')])
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  sort: z
    .string()
    .max(40)
    .regex(/^[a-z_]*(:(asc|desc))?$/)
    .optional(),
});
export type BoardQuery = z.infer<typeof boardQuery>;

/** The filter a query asks for; an unknown view is a 404 (the first view when none is named). */
export function filterOf(query: BoardQuery, settings: BoardSettings): BoardFilter {
  const view =
    query.view === undefined ? settings.views[0] : settings.views.find((candidate) => candidate.slug === query.view);
  if (view === undefined) throw new AppError('not_found', 'There is no such view');
  return { view, agent: query.agent, company: query.company, priority: query.priority };
}
