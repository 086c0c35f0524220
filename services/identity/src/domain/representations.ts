/**
 * Keycloak's JSON shapes for the admin API (UserRepresentation, GroupRepresentation), so that
 * clients written for Keycloak (helm, `@keycloak/keycloak-admin-client`) read our answers as
 * theirs. Field names and defaults follow Keycloak 26.
 */
import type { GroupRow, UserRow } from '../db/index.js';

/** Keycloak's required action for "choose a new password at next login". */
export const UPDATE_PASSWORD_ACTION = 'UPDATE_PASSWORD';

export interface UserRepresentation {
  id: string;
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  emailVerified: boolean;
  enabled: boolean;
  createdTimestamp: number;
  totp?: boolean;
  disableableCredentialTypes?: string[];
  requiredActions?: string[];
  notBefore?: number;
  access?: Record<string, boolean>;
}

/** A user as Keycloak shows it; `brief` leaves out what `briefRepresentation=true` leaves out. */
export function toUserRepresentation(user: UserRow, brief = false): UserRepresentation {
  const representation: UserRepresentation = {
    id: user.id,
    username: user.username,
    emailVerified: user.emailVerified,
    enabled: user.enabled,
    createdTimestamp: user.createdAt.getTime(),
  };
  if (user.firstName !== null) representation.firstName = user.firstName;
  if (user.lastName !== null) representation.lastName = user.lastName;
  if (user.email !== null) representation.email = user.email;
  if (brief) return representation;
  return {
    ...representation,
    totp: false,
    disableableCredentialTypes: [],
    requiredActions: user.temporaryPassword ? [UPDATE_PASSWORD_ACTION] : [],
    notBefore: 0,
    access: { manageGroupMembership: true, view: true, mapRoles: true, impersonate: false, manage: true },
  };
}

export interface GroupRepresentation {
  id: string;
  name: string;
  path: string;
  subGroupCount: number;
  subGroups: GroupRepresentation[];
  attributes?: Record<string, string[]>;
  realmRoles?: string[];
  clientRoles?: Record<string, string[]>;
}

/** A (top-level) group as Keycloak shows it: its path is `/<name>`. */
export function toGroupRepresentation(group: GroupRow, brief = true): GroupRepresentation {
  const representation: GroupRepresentation = {
    id: group.id,
    name: group.name,
    path: `/${group.name}`,
    subGroupCount: 0,
    subGroups: [],
  };
  return brief ? representation : { ...representation, attributes: {}, realmRoles: [], clientRoles: {} };
}

/** A group reference in a create request: Keycloak accepts a path (`/admins`) or a name. */
export function groupNameFromReference(reference: string): string {
  return reference.startsWith('/') ? reference.slice(1) : reference;
}
