/** Request shapes shared by the admin routes (Keycloak's query parameters and bodies). */
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';

/** Keycloak's boolean query parameters are the strings `true`/`false`. */
export const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');

/** `first` (offset) and `max` (page size, Keycloak's default 100; -1 means its default too). */
export const pageParams = {
  first: z.coerce.number().int().min(0).default(0),
  max: z.coerce
    .number()
    .int()
    .min(-1)
    .default(100)
    .transform((value) => (value === -1 ? 100 : Math.min(value, 10_000))),
};

export const idParams = z.object({ id: z.string().min(1).max(64) });
export const membershipParams = z.object({ id: z.string().min(1).max(64), groupId: z.string().min(1).max(64) });

/** Keycloak's CredentialRepresentation, the fields a password reset uses. */
export const credentialBody = z.object({
  type: z.string().optional(),
  value: z.string().max(4096),
  temporary: z.boolean().optional(),
});

/** Keycloak's UserRepresentation, the fields we accept (unknown ones are ignored, as Keycloak's clients send many). */
export const userBody = z.object({
  username: z.string().max(1024).optional(),
  email: z.string().max(1024).nullable().optional(),
  firstName: z.string().max(1024).nullable().optional(),
  lastName: z.string().max(1024).nullable().optional(),
  enabled: z.boolean().optional(),
  emailVerified: z.boolean().optional(),
  credentials: z.array(credentialBody).max(10).optional(),
  groups: z.array(z.string().max(255)).max(100).optional(),
  requiredActions: z.array(z.string().max(100)).max(20).optional(),
});

export type UserBody = z.infer<typeof userBody>;

/** Parses a request part, or throws `validation_failed` naming the first bad field (Keycloak's `field`). */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const message = issue?.message ?? 'invalid';
  throw new AppError('validation_failed', path === '' ? `Invalid request: ${message}` : `Invalid ${path}: ${message}`, {
    errors: [{ path, message }],
  });
}
