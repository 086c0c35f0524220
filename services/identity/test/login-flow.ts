/**
 * Logging in over HTTP as a browser would: the authorization code flow with PKCE (RFC 7636),
 * redirects followed by hand, the login form posted with cookies and `Origin`, the code exchanged
 * at the token endpoint with the client secret. Re-exported by `harness.ts`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IdentityHarness } from './harness.js';
import { formAction, redirectTarget, type TestBrowser } from './http-browser.js';

/** PKCE (RFC 7636): a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface LoginOptions {
  identity: Pick<IdentityHarness, 'issuer' | 'internalIssuer' | 'toInternal' | 'browser'>;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  username: string;
  password: string;
  /** Default `openid profile email groups`. */
  scope?: string;
  /** Answers the temporary-password page with this new password. */
  newPassword?: string;
  /** Reuse a browser (its identity session cookie); default a new one. */
  browser?: TestBrowser;
}

export interface LoginResult {
  access_token: string;
  id_token: string;
  refresh_token: string;
  /** Everything the token endpoint answered. */
  tokens: Record<string, unknown>;
  /** The browser, holding the identity session cookie (for logout tests). */
  browser: TestBrowser;
}

/**
 * Starts an authorization request with PKCE and follows it to the client's redirect URI, without
 * posting anything: a logged-in browser gets there directly, another stops at the login page.
 * Returns the last URL reached (the callback with `code`, or the login page) and its response.
 */
export async function authorize(
  identity: LoginOptions['identity'],
  browser: TestBrowser,
  params: { clientId: string; redirectUri: string; scope?: string; challenge?: string; extra?: Record<string, string> },
): Promise<{ url: string; response: Response; state: string }> {
  const state = randomBytes(12).toString('base64url');
  const query = new URLSearchParams({
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    response_type: 'code',
    scope: params.scope ?? 'openid profile email groups',
    state,
    nonce: randomBytes(12).toString('base64url'),
    ...(params.challenge === undefined ? {} : { code_challenge: params.challenge, code_challenge_method: 'S256' }),
    ...params.extra,
  });
  let url = `${identity.issuer}/protocol/openid-connect/auth?${query.toString()}`;
  let response = await browser.get(url);
  // Follow redirects while they stay on identity (the login page or the resume endpoint).
  for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 10; hops++) {
    const next = await redirectTarget(response, url);
    if (!next.startsWith(identity.issuer)) return { url: next, response, state };
    url = next;
    response = await browser.get(url);
  }
  return { url, response, state };
}

/** The token endpoint, as a back-channel caller reaches it. */
async function exchangeCode(options: LoginOptions, code: string, verifier: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${options.identity.internalIssuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * Logs in with a username and password through the authorization code + PKCE flow, driven over
 * HTTP as a browser would (redirects followed by hand, the login form posted with cookies and
 * `Origin`), then exchanges the code at the token endpoint with the client secret.
 */
export async function loginWithPassword(options: LoginOptions): Promise<LoginResult> {
  const { identity } = options;
  const browser = options.browser ?? identity.browser();
  const { verifier, challenge } = pkcePair();
  let step = await authorize(identity, browser, {
    clientId: options.clientId,
    redirectUri: options.redirectUri,
    challenge,
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  });
  const state = step.state;

  if (!step.url.startsWith(options.redirectUri)) {
    const page = await step.response.text();
    if (step.response.status !== 200)
      throw new Error(`expected the login page, got ${step.response.status}:\n${page.slice(0, 2000)}`);
    let response = await browser.postForm(formAction(page, step.url, 'username'), {
      username: options.username,
      password: options.password,
    });
    let url = formAction(page, step.url, 'username');
    let next = await redirectTarget(response, url);
    if (next.startsWith(`${identity.issuer}/login-actions/`)) {
      // The temporary-password page.
      if (options.newPassword === undefined)
        throw new Error(`${options.username} has a temporary password; pass newPassword`);
      const changePage = await (await browser.get(next)).text();
      url = formAction(changePage, next, 'new_password');
      response = await browser.postForm(url, {
        new_password: options.newPassword,
        confirm_password: options.newPassword,
      });
      next = await redirectTarget(response, url);
    }
    while (next.startsWith(identity.issuer)) {
      response = await browser.get(next);
      next = await redirectTarget(response, next);
    }
    step = { url: next, response, state };
  }

  const callback = new URL(step.url);
  if (callback.searchParams.get('state') !== state) throw new Error(`state mismatch in ${step.url}`);
  const code = callback.searchParams.get('code');
  if (code === null) throw new Error(`no code in ${step.url}`);
  const tokens = await exchangeCode(options, code, verifier);
  const { access_token, id_token, refresh_token } = tokens;
  if (typeof access_token !== 'string' || typeof id_token !== 'string' || typeof refresh_token !== 'string') {
    throw new Error(`incomplete token response: ${Object.keys(tokens).join(', ')}`);
  }
  return { access_token, id_token, refresh_token, tokens, browser };
}
