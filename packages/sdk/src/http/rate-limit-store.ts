/**
 * A rate-limit store for @fastify/rate-limit whose counts live in Redis, shared by every instance
 * of a service, and that falls back to this instance's own counts while Redis cannot answer.
 * Both halves are the plugin's own stores (its Redis store runs one Lua script per request: INCR,
 * PEXPIRE on the first hit, PTTL); this file only chooses between them. The plugin's `skipOnError`
 * would let every request through while Redis is down; counting locally instead keeps each
 * instance within the limit, so an outage costs at most N times the limit, never the service.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** The store contract of @fastify/rate-limit (its `FastifyRateLimitStore`, with the route params `child` is given). */
interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: object): Store;
}

interface StoreParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  cache?: number;
}

type LocalStoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => Store;
type RedisStoreCtor = new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key?: string,
) => Store;

// The plugin has no `exports` map: its stores are reachable as files, the way its own index loads them.
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as LocalStoreCtor;
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as RedisStoreCtor;

export interface SharedStoreOptions {
  redis: Redis;
  /** Key prefix in Redis, e.g. `hm:codex:rl:`. */
  nameSpace: string;
  /** Called when Redis fails a count (the request was counted locally instead). */
  onError: (error: Error) => void;
}

class FallbackStore implements Store {
  constructor(
    private readonly redis: Redis,
    private readonly shared: Store,
    private readonly local: Store,
    private readonly onError: (error: Error) => void,
  ) {}

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    // Not connected: fail at once rather than wait on a reconnecting client (no offline queue).
    if (this.redis.status !== 'ready') {
      this.local.incr(key, callback, timeWindow, max);
      return;
    }
    this.shared.incr(
      key,
      (error, result) => {
        if (error === null && result !== undefined) {
          callback(null, result);
          return;
        }
        this.onError(error ?? new Error('redis rate-limit store answered nothing'));
        this.local.incr(key, callback, timeWindow, max);
      },
      timeWindow,
      max,
    );
  }

  child(routeOptions: object): Store {
    return new FallbackStore(this.redis, this.shared.child(routeOptions), this.local.child(routeOptions), this.onError);
  }
}

/** The `store` option of @fastify/rate-limit: counts shared through `redis`, local while it is down. */
export function sharedRateLimitStore(options: SharedStoreOptions): new (params: StoreParams) => Store {
  return class SharedRateLimitStore extends FallbackStore {
    constructor(params: StoreParams) {
      const continueExceeding = params.continueExceeding ?? false;
      const exponentialBackoff = params.exponentialBackoff ?? false;
      super(
        options.redis,
        new RedisStore(continueExceeding, exponentialBackoff, options.redis, options.nameSpace),
        new LocalStore(continueExceeding, exponentialBackoff, params.cache),
        options.onError,
      );
    }
  };
}
