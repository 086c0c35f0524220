/**
 * The claims of the platform's two kinds of JWT, as zod schemas.
 *
 * These schemas are applied only to a payload whose signature, issuer, audience and lifetime jose
 * has already verified (see `verify.ts`): they guard the *shape* a verified token must have, they
 * are never a substitute for verification. Contract: DESIGN.md §2.
 */
import { z } from 'zod';

/** The `iss` of every token core mints. */
export const PLATFORM_ISSUER = 'hivematrix-core';

/** The `aud` of user tokens: they are valid at every service of the platform. */
export const PLATFORM_AUDIENCE = 'hivematrix';

/** Permission levels, most to least privileged (core maps identity groups to one of them). */
export const PERMISSION_LEVELS = ['admin', 'technician', 'billing', 'client'] as const;

/** Schema of one permission level. */
export const PermissionLevelSchema = z.enum(PERMISSION_LEVELS);

/** A user's permission level. */
export type PermissionLevel = z.infer<typeof PermissionLevelSchema>;

/** `aud` may be a string or an array of strings (RFC 7519 §4.1.3). */
const AudienceSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** Seconds since the epoch (RFC 7519 NumericDate). */
const NumericDate = z.number().int().nonnegative();

/**
 * A user token's claims. `jti` is the core session id and is required: without it the token could
 * not be revoked (the original minted such tokens for services and could never revoke them).
 */
export const UserClaimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string(),
  email: z.string(),
  preferred_username: z.string(),
  permission_level: PermissionLevelSchema,
  groups: z.array(z.string()),
  jti: z.string().min(1),
  iat: NumericDate,
  exp: NumericDate,
  aud: AudienceSchema,
  iss: z.string().min(1),
});

/** The verified claims of a user token. */
export type UserClaims = z.infer<typeof UserClaimsSchema>;

/** A service token's claims: `aud` and `target_service` both name the receiving service. */
export const ServiceClaimsSchema = z.object({
  type: z.literal('service'),
  calling_service: z.string().min(1),
  target_service: z.string().min(1),
  jti: z.string().min(1).optional(),
  iat: NumericDate,
  exp: NumericDate,
  aud: AudienceSchema,
  iss: z.string().min(1),
});

/** The verified claims of a service token. */
export type ServiceClaims = z.infer<typeof ServiceClaimsSchema>;

/** Who made a request, once their token is verified. */
export type Principal =
  { kind: 'user'; user: UserClaims } | { kind: 'service'; service: string; claims: ServiceClaims };

/** The audiences of a token as a list, whatever form `aud` had. */
export function audiences(aud: string | readonly string[]): readonly string[] {
  return typeof aud === 'string' ? [aud] : aud;
}
