/**
 * Open WebSocket tunnels by the core session (`jti`) they were opened with. HTTP requests are
 * re-checked one by one, but a tunnel is checked only at its handshake; without this, a socket
 * opened before a logout or a revocation would keep carrying the user's traffic. The gateway
 * closes a session's tunnels as soon as the revocation feed names its jti.
 */
import type { Duplex } from 'node:stream';

/** A server-to-client close frame (RFC 6455 §5.5.1): unmasked, code 1008 "policy violation". */
function closeFrame(reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 100), 'utf8');
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(1008, 0);
  text.copy(payload, 2);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

/** The tunnels the gateway holds open. */
export class TunnelRegistry {
  readonly #byJti = new Map<string, Set<{ client: Duplex; upstream: Duplex }>>();

  /** Records a tunnel; it forgets it by itself when either side closes. */
  add(jti: string, client: Duplex, upstream: Duplex): void {
    const tunnel = { client, upstream };
    let set = this.#byJti.get(jti);
    if (set === undefined) {
      set = new Set();
      this.#byJti.set(jti, set);
    }
    set.add(tunnel);
    const forget = (): void => {
      const current = this.#byJti.get(jti);
      current?.delete(tunnel);
      if (current?.size === 0) this.#byJti.delete(jti);
    };
    client.once('close', forget);
    upstream.once('close', forget);
  }

  /** Closes every tunnel of a session: a close frame to the browser, then both sockets. */
  closeSession(jti: string, reason = 'session ended'): number {
    const set = this.#byJti.get(jti);
    if (set === undefined) return 0;
    this.#byJti.delete(jti);
    for (const { client, upstream } of set) {
      upstream.destroy();
      if (client.writable) client.end(closeFrame(reason));
      // A client that never reads must not keep the socket: give the close a moment, then cut.
      setTimeout(() => client.destroy(), 1000).unref();
    }
    return set.size;
  }

  /** Closes every tunnel (shutdown). */
  closeAll(): void {
    for (const jti of [...this.#byJti.keys()]) this.closeSession(jti, 'gateway shutting down');
  }

  /** How many tunnels are open (tests, health). */
  get size(): number {
    let count = 0;
    for (const set of this.#byJti.values()) count += set.size;
    return count;
  }
}
