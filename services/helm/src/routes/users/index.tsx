/**
 * The users pages (admins only): `GET /users?q=&page=`, `GET /users/new` + `POST /users`, and
 * `GET /users/:id` with its actions `POST /users/:id` (details), `/enable`, `/disable`,
 * `/password`, `/groups` (op add|remove) and `/logout` (end every session). A successful POST
 * answers 303 back to the page with `?done=<what>`; a refusal re-renders the page with the
 * provider's message in an alert and the refusal's status.
 */
import { z } from 'zod';
import { AppError, currentUser, requireRole, type ServiceApp } from '@hivematrix/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  EMPTY_NEW_USER,
  NewUserPage,
  USER_FLASH,
  UserEditPage,
  UsersPage,
  type NewUserValues,
  type UserFlash,
} from '../../views/users.js';
import type { UrlFor } from '../../views/services.js';
import { actorOf } from '../services/actions.js';
import {
  USERS_PER_PAGE,
  allGroups,
  createUserAction,
  listUserPage,
  loadUser,
  logoutAction,
  membershipAction,
  resetPasswordAction,
  unlockAction,
  updateUserAction,
} from '../../identity/index.js';
import type { SessionsResult, UsersDeps } from '../../identity/index.js';

const adminPage = requireRole(['admin'], { page: true });
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/) });
const flash = z
  .enum(Object.keys(USER_FLASH) as [UserFlash, ...UserFlash[]])
  .optional()
  .catch(undefined);
const listQuery = z.object({
  q: z.string().trim().max(100).default(''),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  done: flash,
});
/** Core's answer to ending the user's platform sessions: how many, or `failed`. */
const sessionsParam = z
  .union([z.literal('failed'), z.string().regex(/^\d{1,6}$/)])
  .optional()
  .catch(undefined);
const pageQuery = z.object({ done: flash, sessions: sessionsParam });

const text = (max: number) => z.string().trim().max(max).default('');
/** Checkboxes send `on` when ticked and nothing otherwise. */
const checkbox = z
  .literal('on')
  .optional()
  .transform((value) => value === 'on');
const names = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));
const createBody = z.object({
  username: z.string().trim().min(1, 'a username is required').max(255),
  email: text(255),
  first_name: text(255),
  last_name: text(255),
  password: z.string().min(1, 'a password is required').max(1024),
  temporary: checkbox,
  groups: names.pipe(z.array(z.string().min(1).max(255)).max(100)),
});
const detailsBody = z.object({ email: text(255), first_name: text(255), last_name: text(255) });
const passwordBody = z.object({ password: z.string().min(1, 'a password is required').max(1024), temporary: checkbox });
const groupBody = z.object({ group: z.string().min(1).max(255), op: z.enum(['add', 'remove']) });

/** A finished action: what it did, and what core said about the user's platform sessions. */
interface Done {
  done: UserFlash;
  sessions: SessionsResult | undefined;
}

/** `undefined` for an empty field, so the provider keeps it unset. */
const optional = (value: string): string | undefined => (value === '' ? undefined : value);

/** Registers the pages. */
export async function userPages(app: ServiceApp, deps: UsersDeps): Promise<void> {
  const urlFor =
    (request: FastifyRequest): UrlFor =>
    (path, query) =>
      request.urlFor(path, query);

  app.get('/users', { preHandler: adminPage, schema: { querystring: listQuery } }, async (request, reply) => {
    const { q, page, done } = request.query;
    const { users, total } = await listUserPage(deps, q, page);
    return reply.html(
      <UsersPage
        users={users}
        total={total}
        q={q}
        page={page}
        perPage={USERS_PER_PAGE}
        notice={{ done }}
        urlFor={urlFor(request)}
      />,
    );
  });

  app.get('/users/new', { preHandler: adminPage }, async (request, reply) =>
    reply.html(<NewUserPage groups={await allGroups(deps)} values={EMPTY_NEW_USER} urlFor={urlFor(request)} />),
  );

  app.post('/users', { preHandler: adminPage }, async (request, reply) => {
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const parsed = createBody.safeParse(raw);
    const values: NewUserValues = {
      username: typeof raw.username === 'string' ? raw.username : '',
      email: typeof raw.email === 'string' ? raw.email : '',
      first_name: typeof raw.first_name === 'string' ? raw.first_name : '',
      last_name: typeof raw.last_name === 'string' ? raw.last_name : '',
      temporary: raw.temporary === 'on',
      groups: names.safeParse(raw.groups).data ?? [],
    };
    const refuse = async (error: AppError) =>
      reply
        .code(error.status)
        .html(
          <NewUserPage groups={await allGroups(deps)} values={values} error={error.message} urlFor={urlFor(request)} />,
        );
    if (!parsed.success)
      return refuse(
        new AppError(
          'validation_failed',
          parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
        ),
      );
    const body = parsed.data;
    try {
      const user = await createUserAction(deps, actorOf(currentUser(request)), {
        username: body.username,
        ...(optional(body.email) === undefined ? {} : { email: body.email }),
        ...(optional(body.first_name) === undefined ? {} : { firstName: body.first_name }),
        ...(optional(body.last_name) === undefined ? {} : { lastName: body.last_name }),
        password: { value: body.password, temporary: body.temporary },
        groups: body.groups,
      });
      return reply.redirectTo(`/users/${user.id}`, { done: 'created' });
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return refuse(error);
      throw error;
    }
  });

  app.get(
    '/users/:id',
    { preHandler: adminPage, schema: { params: idParams, querystring: pageQuery } },
    async (request, reply) => {
      const [user, groups] = await Promise.all([loadUser(deps, request.params.id), allGroups(deps)]);
      return reply.html(
        <UserEditPage
          user={user}
          groups={groups}
          notice={{ done: request.query.done, sessions: request.query.sessions }}
          urlFor={urlFor(request)}
        />,
      );
    },
  );

  /** Loads the user, runs `work`, and answers 303 with `done`, or the page with the refusal. */
  const act = <S extends z.ZodType>(
    suffix: string,
    body: S,
    work: (
      request: FastifyRequest,
      user: Awaited<ReturnType<typeof loadUser>>,
      input: z.infer<S>,
    ) => Promise<UserFlash | Done>,
  ) => {
    app.post(
      `/users/:id${suffix}`,
      { preHandler: adminPage, schema: { params: idParams } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const { id } = idParams.parse(request.params);
        const user = await loadUser(deps, id);
        const parsed = body.safeParse(request.body ?? {});
        let failure: AppError;
        if (parsed.success) {
          try {
            const outcome = await work(request, user, parsed.data);
            const { done, sessions } = typeof outcome === 'string' ? { done: outcome, sessions: undefined } : outcome;
            return reply.redirectTo(`/users/${id}`, {
              done,
              ...(sessions === undefined ? {} : { sessions: sessions.ended ? String(sessions.revoked) : 'failed' }),
            });
          } catch (error) {
            if (!(error instanceof AppError) || error.status >= 500) throw error;
            failure = error;
          }
        } else {
          failure = new AppError(
            'validation_failed',
            parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
          );
        }
        const [fresh, groups] = await Promise.all([loadUser(deps, id), allGroups(deps)]);
        return reply
          .code(failure.status)
          .html(
            <UserEditPage user={fresh} groups={groups} notice={{ error: failure.message }} urlFor={urlFor(request)} />,
          );
      },
    );
  };
  const actor = (request: FastifyRequest): string => actorOf(currentUser(request));

  act('', detailsBody, async (request, user, input) => {
    await updateUserAction(deps, actor(request), user, {
      email: input.email,
      firstName: input.first_name,
      lastName: input.last_name,
    });
    return 'updated';
  });
  act('/disable', z.object({}).passthrough(), async (request, user) => ({
    done: 'disabled',
    sessions: await updateUserAction(deps, actor(request), user, { enabled: false }),
  }));
  act('/enable', z.object({}).passthrough(), async (request, user) => {
    await updateUserAction(deps, actor(request), user, { enabled: true });
    return 'enabled';
  });
  act('/password', passwordBody, async (request, user, input) => ({
    done: 'password',
    sessions: await resetPasswordAction(deps, actor(request), user, input.password, input.temporary),
  }));
  act('/groups', groupBody, async (request, user, input) => ({
    done: input.op === 'add' ? 'group_added' : 'group_removed',
    sessions: await membershipAction(deps, actor(request), user, input.group, input.op === 'add'),
  }));
  act('/unlock', z.object({}).passthrough(), async (request, user) => {
    await unlockAction(deps, actor(request), user);
    return 'unlocked';
  });
  act('/logout', z.object({}).passthrough(), async (request, user) => ({
    done: 'logged_out',
    sessions: await logoutAction(deps, actor(request), user),
  }));
}
