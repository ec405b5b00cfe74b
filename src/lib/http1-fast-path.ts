import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { parseHttp1RequestHead, type Http1RequestHead } from './http1-request-head.ts';

/** A request taken by the fast path: answered with `respond`, once. */
export interface FastHttpRequest {
  readonly method: 'GET' | 'HEAD';
  readonly target: string;
  /** Field values by lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** True once the connection has closed (the client went away, or the fast path closed it) before the answer. */
  readonly isGone: boolean;
  /** Calls `cb` once when the connection closes before the answer; returns the unhook. */
  onGone(cb: () => void): () => void;
  /** Sends the answer (without its body to a HEAD), then reads the connection's next request. */
  respond(status: number, headers: Readonly<Record<string, string | number>>, body: Buffer | undefined): void;
  /** respond with a head made once by prepareHttpHead (an answer sent to many clients). */
  respondPrepared(head: PreparedHttpHead, body: Buffer | undefined): void;
  /** Closes the connection without an answer. */
  destroy(): void;
}

/**
 * Takes a request (true) and answers it later, or leaves it to node:http (false, nothing sent); a promise when it
 * cannot tell yet (its code is still loading): the connection waits for it.
 */
export type FastHttpHandler = (req: FastHttpRequest) => boolean | Promise<boolean>;

/** Limits of the fast path, the same as the node:http server's. */
export interface Http1FastPathOptions {
  /** An idle connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A new connection must send its first request within this (node:http's headersTimeout, MediaMTX's readTimeout). */
  firstRequestTimeoutMs: number;
  /** An answer whose bytes make no progress for this long closes its connection (a client reading at 1 byte/s). */
  writeTimeoutMs: number;
  /** Longest request head; a longer one goes to node:http, which answers 431. */
  maxHeaderBytes: number;
}

// Pipelined requests read while one is being answered, kept up to this; past it the client is not an HTTP client.
const MAX_PENDING_BYTES = 64 * 1024;
// Deadlines are checked on this tick, as node:http checks its own (connectionsCheckingInterval).
const SWEEP_MS = 1000;
// Header values must not break the head (CR, LF) nor hold control characters (RFC 9110 §5.5).
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

// Answers up to this size go out as one buffer, head and body copied together: one plain write costs less than the
// writev of two (its records, the array of chunks); larger bodies are not worth the copy.
const JOIN_MAX_BYTES = 16 * 1024;

/** A status line and header fields, checked and serialized once (prepareHttpHead). */
export interface PreparedHttpHead {
  /** `HTTP/1.1 200 OK\r\n` and the fields, each with its CRLF; Date, Connection and the empty line are added per answer. */
  readonly text: string;
}

/** Serializes a status line and fields; throws on a name or value that would break the head (CR, LF, controls). */
export function prepareHttpHead(status: number, headers: Readonly<Record<string, string | number>>): PreparedHttpHead {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (const name in headers) {
    const value = String(headers[name]);
    if (INVALID_VALUE.test(value) || INVALID_VALUE.test(name) || name === '') throw new TypeError(`invalid header field ${JSON.stringify(name)}`);
    text += `${name}: ${value}\r\n`;
  }
  return { text };
}

let dateSecond = -1;
let dateText = '';

/** The Date field of this second (RFC 9110 §6.6.1), made once per second. */
function httpDate(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) { dateSecond = second; dateText = new Date(second * 1000).toUTCString(); }
  return dateText;
}

/** One request in flight on a connection. */
class FastRequest implements FastHttpRequest {
  readonly method: 'GET' | 'HEAD';
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The client asked to close the connection after this answer. */
  readonly close: boolean;
  private gone: (() => void)[] | undefined;
  answered = false;

  constructor(private readonly conn: FastConnection, head: Http1RequestHead) {
    this.method = head.method;
    this.target = head.target;
    this.headers = head.headers;
    this.close = head.close;
  }

  get remoteAddress(): string | undefined { return this.conn.socket.remoteAddress; }
  get remotePort(): number | undefined { return this.conn.socket.remotePort; }
  get isGone(): boolean { return this.conn.closed && !this.answered; }

  onGone(cb: () => void): () => void {
    (this.gone ??= []).push(cb);
    return () => {
      const i = this.gone?.indexOf(cb) ?? -1;
      if (i >= 0) this.gone!.splice(i, 1);
    };
  }

  /** The connection closed before the answer. */
  notifyGone(): void {
    const cbs = this.gone;
    this.gone = undefined;
    if (cbs) for (const cb of cbs) cb();
  }

  respond(status: number, headers: Readonly<Record<string, string | number>>, body: Buffer | undefined): void {
    if (this.answered || this.conn.closed) return;
    let head: PreparedHttpHead;
    try {
      head = prepareHttpHead(status, headers);
    } catch (err) {
      this.answered = true;
      this.gone = undefined;
      this.conn.socket.destroy(err as Error);
      return;
    }
    this.respondPrepared(head, body);
  }

  respondPrepared(head: PreparedHttpHead, body: Buffer | undefined): void {
    if (this.answered || this.conn.closed) return;
    this.answered = true;
    this.gone = undefined;
    this.conn.write(this, head, body);
  }

  destroy(): void {
    this.answered = true;
    this.gone = undefined;
    this.conn.socket.destroy();
  }
}

/** A connection served by the fast path until a request it does not take hands it to node:http. */
class FastConnection {
  closed = false;
  /** Bytes read and not parsed yet. */
  private pending: Buffer | undefined;
  private current: FastRequest | undefined;
  private parsing = false;
  private waitingDrain = false;
  /** When the connection became idle (no request in flight), for the keep-alive deadline. */
  idleSince: number;
  /** Whether a request was answered: until then the first-request deadline applies instead of keep-alive's. */
  answeredOne = false;
  /** writableLength at the last sweep, and since when it has not moved. */
  stalledLength = 0;
  stalledSince = 0;

  constructor(readonly socket: Socket, private readonly path: Http1FastPath, now: number) {
    this.idleSince = now;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', noop);
    socket.on('close', this.onClose);
  }

  get isBusy(): boolean { return this.current !== undefined; }

  private readonly onData = (chunk: Buffer): void => {
    this.pending = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.current !== undefined || this.waitingDrain) {
      if (this.pending.length > MAX_PENDING_BYTES) this.socket.destroy();
      return;
    }
    this.next();
  };

  private readonly onEnd = (): void => {
    // The client has sent all it will: node:http (without httpAllowHalfOpen) ends the exchange in flight unanswered
    // and closes; so does this.
    this.onClose();
    this.socket.end();
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.pending = undefined;
    this.path.forget(this);
    const cur = this.current;
    this.current = undefined;
    cur?.notifyGone();
  };

  /** Takes the requests that have arrived, one at a time, until one is in flight or one goes to node:http. */
  private next(): void {
    if (this.parsing || this.closed) return;
    this.parsing = true;
    try {
      while (this.current === undefined && this.pending !== undefined && !this.closed) {
        // A client that asks faster than it reads its answers waits until they drain (pipelining, RFC 9112 §9.3.2).
        if (this.socket.writableNeedDrain) {
          if (!this.waitingDrain) {
            this.waitingDrain = true;
            this.socket.once('drain', () => { this.waitingDrain = false; this.next(); });
          }
          return;
        }
        const all = this.pending;
        const head = parseHttp1RequestHead(all, 0, this.path.opts.maxHeaderBytes);
        // A head cut in two goes to node:http too: its header deadline then applies to slow clients.
        if (head === 'partial' || head === 'other') { this.handOver(all); return; }
        this.pending = head.length < all.length ? all.subarray(head.length) : undefined;
        const req = new FastRequest(this, head);
        this.current = req;
        const taken = this.path.take(req);
        if (taken === true) continue;
        if (taken === false) { this.current = undefined; this.handOver(all); return; }
        const headBytes = all.subarray(0, head.length);
        taken.then((yes) => this.decided(req, headBytes, yes), () => this.decided(req, headBytes, false));
        return;
      }
    } finally {
      this.parsing = false;
    }
  }

  /** The handler has told whether it takes `req`: when not, the connection goes to node:http with its head. */
  private decided(req: FastRequest, headBytes: Buffer, yes: boolean): void {
    if (yes || this.current !== req || this.closed) return;
    this.current = undefined;
    this.handOver(this.pending === undefined ? headBytes : Buffer.concat([headBytes, this.pending]));
  }

  /** Writes an answer and goes on with the next request. */
  write(req: FastRequest, prepared: PreparedHttpHead, body: Buffer | undefined): void {
    if (this.current !== req) return;
    const now = Date.now();
    const head = `${prepared.text}Date: ${httpDate(now)}\r\n${req.close ? 'Connection: close\r\n\r\n' : this.path.keepAliveLine}`;
    const s = this.socket;
    const b = body !== undefined && req.method !== 'HEAD' ? body : undefined;
    if (b === undefined || b.length === 0) {
      s.write(head, 'latin1');
    } else if (b.length <= JOIN_MAX_BYTES) {
      const out = Buffer.allocUnsafe(head.length + b.length);
      out.write(head, 0, 'latin1');
      b.copy(out, head.length);
      s.write(out);
    } else {
      s.cork();
      s.write(head, 'latin1');
      s.write(b);
      s.uncork();
    }
    this.current = undefined;
    this.idleSince = now;
    this.answeredOne = true;
    this.path.answered++;
    if (req.close) { this.onClose(); s.end(); return; }
    this.next();
  }

  /** Gives the connection, with the bytes not answered yet, to node:http. */
  private handOver(unread: Buffer): void {
    this.pending = undefined;
    const s = this.socket;
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('error', noop);
    s.off('close', this.onClose);
    this.path.forget(this);
    s.pause();
    s.unshift(unread);
    this.path.handOver(s);
    s.resume();
  }
}

function noop(): void {}

/**
 * A fast path in front of a node:http server for the plainest requests (GET and HEAD of HTTP/1.1, without a body): it reads their heads, asks `handler` whether it takes each one, and writes the answer
 * itself, head and body in one write. node:http's objects per request (request, response, their streams, events and
 * header maps) are most of what an HTTP server costs when every request is small, and a request that waits (an
 * LL-HLS blocking reload) keeps them all alive into the old generation.
 *
 * A connection whose request the fast path does not take (another method, a body, a syntax it does not read, a head
 * cut in two) goes to node:http with the bytes it has not answered, and stays there: every refusal, limit and
 * deadline of node:http then applies as before. The fast path keeps node:http's deadlines for the first request and
 * for keep-alive, and adds a write deadline; they are checked once a second.
 */
export class Http1FastPath {
  private readonly conns = new Set<FastConnection>();
  private readonly originals: ((socket: Socket) => void)[];
  /** Runs while the fast path has connections: an idle server is not woken every second. */
  private sweepTimer: NodeJS.Timeout | undefined;
  /** The Connection and Keep-Alive fields and the head's end, as node:http writes them. */
  readonly keepAliveLine: string;
  private stopped = false;

  /**
   * Takes over the `event` of `server` ('connection', or 'secureConnection' for HTTPS), through which node:http
   * receives its sockets; those it is given back are passed to its own listeners.
   */
  constructor(private readonly server: Server, private readonly event: 'connection' | 'secureConnection', private readonly handler: FastHttpHandler, readonly opts: Http1FastPathOptions) {
    this.originals = server.listeners(event) as ((socket: Socket) => void)[];
    server.removeAllListeners(event);
    server.on(event, this.onSocket);
    this.keepAliveLine = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(opts.keepAliveTimeoutMs / 1000)}\r\n\r\n`;
  }

  /** Connections served by the fast path now. */
  get size(): number { return this.conns.size; }

  /** Requests answered by the fast path so far. */
  answered = 0;

  /** Closes every connection of the fast path and gives new ones to node:http (the server is closing). */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.server.off(this.event, this.onSocket);
    for (const l of this.originals) this.server.on(this.event, l);
    for (const c of [...this.conns]) c.socket.destroy();
  }

  private readonly onSocket = (socket: Socket): void => {
    if (this.stopped) { this.handOver(socket); return; }
    this.conns.add(new FastConnection(socket, this, Date.now()));
    if (this.sweepTimer === undefined) {
      this.sweepTimer = setInterval(() => this.sweep(Date.now()), SWEEP_MS);
      this.sweepTimer.unref();
    }
  };

  /** Asks the handler; a throw is a refusal (node:http then answers, and reports it its own way). */
  take(req: FastRequest): boolean | Promise<boolean> {
    try {
      return this.handler(req);
    } catch {
      return false;
    }
  }

  /** Passes a socket to node:http's own listeners. */
  handOver(socket: Socket): void {
    for (const l of this.originals) l.call(this.server, socket);
  }

  forget(conn: FastConnection): void {
    this.conns.delete(conn);
    if (this.conns.size === 0) { clearInterval(this.sweepTimer); this.sweepTimer = undefined; }
  }

  /** Closes connections idle past the keep-alive deadline, and those whose answer has not moved past the write deadline. */
  private sweep(now: number): void {
    const { keepAliveTimeoutMs, firstRequestTimeoutMs, writeTimeoutMs } = this.opts;
    for (const c of this.conns) {
      const queued = c.socket.writableLength;
      if (queued === 0) {
        c.stalledLength = 0;
        if (!c.isBusy && now - c.idleSince >= (c.answeredOne ? keepAliveTimeoutMs : firstRequestTimeoutMs)) c.socket.destroy();
        continue;
      }
      if (queued !== c.stalledLength) { c.stalledLength = queued; c.stalledSince = now; continue; }
      if (now - c.stalledSince >= writeTimeoutMs) c.socket.destroy();
    }
  }
}
