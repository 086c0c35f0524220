/**
 * The event writer on a real HTTP response: events sent in one turn of the event loop leave in
 * one write (read back as one chunk by a real client), in order; later events follow; while the
 * socket pushes back, events are held and sent after 'drain'; `end` sends what is pending.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eventWriter, formatEvent } from '../../src/routes/event-stream.js';

/** A server whose one response is driven by `drive`; returns the chunks its `write`s were given and the body the client read. */
async function exchange(
  drive: (res: ServerResponse, writes: string[]) => Promise<void>,
): Promise<{ writes: string[]; body: string }> {
  const writes: string[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const write = res.write.bind(res) as (chunk: string) => boolean;
    res.write = ((chunk: string) => {
      writes.push(chunk);
      return write(chunk);
    }) as typeof res.write;
    void drive(res, writes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const body = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
  server.close();
  return { writes, body };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('brainhair: coalesced server-sent events', () => {
  it('sends the events of one turn in one write, in order, and ends with what is pending', async () => {
    const { writes, body } = await exchange(async (res) => {
      const events = eventWriter(res);
      events.send('start', { n: 0 });
      for (let i = 1; i <= 5; i += 1) events.send('text', { delta: `w${i} ` });
      await turn();
      await turn();
      events.send('text', { delta: 'later' });
      await turn();
      await turn();
      events.send('done', { n: 7 });
      events.end();
      events.send('text', { delta: 'after the end' });
    });
    const expected = [
      formatEvent('start', { n: 0 }),
      ...[1, 2, 3, 4, 5].map((i) => formatEvent('text', { delta: `w${i} ` })),
    ].join('');
    assert.deepEqual(writes, [expected, formatEvent('text', { delta: 'later' })]);
    assert.equal(body, `${expected}${formatEvent('text', { delta: 'later' })}${formatEvent('done', { n: 7 })}`);
  });

  it('holds events while the stream pushes back and sends them together after drain', async () => {
    // A Node writable with a small buffer that accepts a write only when the test says so, as a slow client's socket does.
    const writes: string[] = [];
    let accept: (() => void) | undefined;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString('utf8'));
        accept = () => done();
      },
    });
    const finished = new Promise((resolve) => slow.once('finish', resolve));
    const events = eventWriter(slow as unknown as ServerResponse);
    events.send('text', { delta: 'x'.repeat(100) });
    await turn();
    assert.equal(slow.writableNeedDrain, true, 'the first write fills the buffer');
    events.send('text', { delta: 'a' });
    await turn();
    events.send('text', { delta: 'b' });
    await turn();
    assert.equal(writes.length, 1, 'nothing is written while the stream pushes back');
    const drained = new Promise((resolve) => slow.once('drain', resolve));
    accept?.();
    await drained;
    await turn();
    accept?.();
    events.send('done', {});
    events.end();
    accept?.();
    await turn();
    accept?.();
    await finished;
    assert.deepEqual(writes, [
      formatEvent('text', { delta: 'x'.repeat(100) }),
      `${formatEvent('text', { delta: 'a' })}${formatEvent('text', { delta: 'b' })}`,
      formatEvent('done', {}),
    ]);
  });
});
