/**
 * What the gateway keeps per browser. The cookie holds only a random id; everything here stays on
 * the server (memory or Redis), so nothing in the browser can be read or forged, and a session can
 * be ended from the server side (logout, back-channel logout, revocation).
 */
import type { UserClaims } from '@hivematrix/sdk';

/** The user's display preferences, used to compose every page. */
export interface Preferences {
  theme: 'light' | 'dark';
  accent: string;
  sidebarCollapsed: boolean;
  /** The service `/` opens (codex's "home page" setting); null: the first one the user may open. */
  homePage: string | null;
}

/** A signed-in browser. */
export interface Session {
  /** The platform JWT from core, sent to services as `Authorization: Bearer`. */
  token: string;
  /** Its verified claims at the time it was stored (re-checked on every request). */
  user: UserClaims;
  /** The identity provider's id_token, kept as `id_token_hint` for RP-initiated logout. */
  idToken: string;
  /** The identity session id (`sid`), matched by back-channel logout. */
  idpSid: string | null;
  /** The identity provider's `sub` for this user (back-channel logout by subject). */
  idpSub: string;
  /** Epoch milliseconds. */
  createdAt: number;
  lastSeenAt: number;
  prefs: Preferences;
  /** When `prefs` were last read from codex (epoch ms; 0: not yet). See prefs/refresh.ts. */
  prefsCheckedAt: number;
}

/** A login in progress, between `/login` and `/keycloak-callback` (OIDC state, nonce, PKCE). */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go after login (already checked to be a path of this site). */
  next: string;
  createdAt: number;
}

/** Where sessions live. Keys are already hashed cookie ids; TTLs are milliseconds. */
export interface SessionStore {
  getSession(key: string): Promise<Session | null>;
  setSession(key: string, session: Session, ttlMs: number): Promise<void>;
  deleteSession(key: string): Promise<void>;
  /** Keys of the sessions of one identity session (back-channel logout by `sid`). */
  keysByIdpSid(sid: string): Promise<string[]>;
  /** Keys of the sessions of one user (back-channel logout by `sub` only). */
  keysBySub(sub: string): Promise<string[]>;
  /** Stores a login transaction; `takeLogin` returns it once and deletes it. */
  putLogin(key: string, tx: LoginTransaction, ttlMs: number): Promise<void>;
  takeLogin(key: string): Promise<LoginTransaction | null>;
  /** Records a back-channel logout token id; false when it was already seen (replay). */
  rememberLogoutJti(jti: string, ttlMs: number): Promise<boolean>;
  /** Throws when the store cannot be reached (health check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PREFERENCES: Preferences = {
  theme: 'light',
  accent: 'purple',
  sidebarCollapsed: false,
  homePage: null,
};
