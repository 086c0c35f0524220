import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialDelay, listedDelays, retry, type FailedAttempt } from '../src/retry.js';

/** A sleep that records what it was asked to wait, and waits nothing. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
}

describe('retry', () => {
  it('retries until an attempt succeeds, waiting the listed delays', async () => {
    const { waits, sleep } = recordingSleep();
    const seen: number[] = [];
    const value = await retry(
      async (n) => {
        seen.push(n);
        if (n < 3) throw new Error(`down ${n}`);
        return 'ok';
      },
      { attempts: 3, delayMs: listedDelays([1000, 4000]), sleep },
    );
    assert.equal(value, 'ok');
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(waits, [1000, 4000]);
  });

  it('throws the last attempt error itself after the last attempt', async () => {
    const { waits, sleep } = recordingSleep();
    const failures: FailedAttempt[] = [];
    let n = 0;
    await assert.rejects(
      retry(
        async () => {
          n += 1;
          throw new RangeError(`failure ${n}`);
        },
        { attempts: 4, delayMs: exponentialDelay(500), sleep, onFailedAttempt: (f) => failures.push(f) },
      ),
      (error: unknown) => error instanceof RangeError && error.message === 'failure 4',
    );
    assert.deepEqual(waits, [500, 1000, 2000]);
    assert.deepEqual(
      failures.map((f) => [f.attempt, f.retriesLeft]),
      [
        [1, 3],
        [2, 2],
        [3, 1],
        [4, 0],
      ],
    );
  });

  it('retries a plain TypeError too (p-retry alone would not), and a thrown non-error', async () => {
    const { sleep } = recordingSleep();
    let n = 0;
    const value = await retry(
      async () => {
        n += 1;
        if (n === 1) throw new TypeError('not a network error');
        if (n === 2) throw 'a string' as unknown as Error;
        return n;
      },
      { attempts: 3, delayMs: () => 1, sleep },
    );
    assert.equal(value, 3);
  });

  it('stops at once on an error that is not retryable, and passes the error the delay is chosen from', async () => {
    const { waits, sleep } = recordingSleep();
    class Later extends Error {
      constructor(readonly waitMs: number) {
        super('later');
      }
    }
    let n = 0;
    await assert.rejects(
      retry(
        async () => {
          n += 1;
          if (n <= 2) throw new Later(n * 7000);
          throw new Error('refused');
        },
        {
          attempts: Number.POSITIVE_INFINITY,
          retryable: (e) => e instanceof Later,
          delayMs: (_, e) => (e as Later).waitMs,
          sleep,
        },
      ),
      /refused/,
    );
    assert.equal(n, 3);
    assert.deepEqual(waits, [7000, 14000]);
  });

  it('an aborted signal stops the retries', async () => {
    const controller = new AbortController();
    let n = 0;
    await assert.rejects(
      retry(
        async () => {
          n += 1;
          if (n === 2) controller.abort(new Error('shutting down'));
          throw new Error('down');
        },
        { attempts: 10, delayMs: () => 5, signal: controller.signal },
      ),
      /shutting down/,
    );
    assert.equal(n, 2);
  });

  it('exponentialDelay caps and jitters within [1, 2)', () => {
    const plain = exponentialDelay(1000, 30_000);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(plain), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    const jittered = exponentialDelay(1000, 30_000, true);
    for (let i = 0; i < 50; i += 1) {
      const wait = jittered(2);
      assert.ok(wait >= 2000 && wait < 4000, String(wait));
    }
    assert.equal(listedDelays([1, 2])(5), 2);
  });
});
