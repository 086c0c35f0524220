/** What every route needs: the app's parts, and the signed-in user with their raw token. */
import type { FastifyRequest } from 'fastify';
import { AppError, type UserClaims } from '@hivematrix/sdk';
import type { LanguageModel } from 'ai';
import type { BrainhairConfig } from '../config.js';
import type { BrainhairDb } from '../db/index.js';
import type { PlatformClient } from '../platform/index.js';
import type { AnyTool, WriteTool } from '../tools/index.js';
import type { RunRegistry } from '../chat/index.js';

export interface RouteDeps {
  config: BrainhairConfig;
  db: BrainhairDb;
  platform: PlatformClient;
  tools: ReadonlyMap<string, AnyTool>;
  writeTools: ReadonlyMap<string, WriteTool<never>>;
  model: LanguageModel | undefined;
  runs: RunRegistry;
  now: () => Date;
  redactionKey: string;
}

/** The user and the token they came with (forwarded to other services as their own authority). */
export function caller(request: FastifyRequest): { user: UserClaims; token: string; name: string } {
  const user = request.user;
  const header = request.headers.authorization;
  if (user === null || header === undefined || !header.startsWith('Bearer ')) throw new AppError('unauthorized');
  return { user, token: header.slice('Bearer '.length), name: user.name || user.preferred_username };
}
