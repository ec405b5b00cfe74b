import type { Socket } from 'node:net';
import { FeedRing } from './feed-ring.ts';
import { ShardReader } from './shard-reader.ts';
import { isMediaRecord, MAX_LAZY_WAITING, RecordKind, RecordParser, type ConnStats, type FromShard, type ShardReaderLimits, type ShardRecord, type ToShard } from './shard-wire.ts';

// A player sends acknowledgements, pings and the odd command; more than this per second is not a player.
const MAX_INBOUND_BYTES_PER_S = 1024 * 1024;
// Bytes kept for connections whose socket has not arrived yet (their control messages raced the handle).
const MAX_EARLY_BYTES = 1024 * 1024;

interface Conn { socket: Socket; reader: ShardReader; feed: number; inbound: number; drops: number; reported: boolean; limits: ShardReaderLimits; endTimer?: NodeJS.Timeout }
/**
 * A record for a connection whose socket has not arrived (its bytes, an End, a Hold or a Resume), and the end of each
 * feed's ring when it came.
 */
interface Early { kind: RecordKind; seq: number; body: Buffer; ends: Map<number, number>; at: number }
// Bytes for a socket that has not arrived are dropped after this long (its adopt failed).
const EARLY_TTL_MS = 2000;

/**
 * A fan-out shard's state: the feeds' rings, the sockets it was given and their readers. It writes media only;
 * everything a client sends goes back to the main process, which answers through `Conn` records.
 */
export class Shard {
  private readonly parser = new RecordParser();
  private readonly rings = new Map<number, FeedRing>();
  private readonly conns = new Map<number, Conn>();
  private readonly early = new Map<number, Early[]>();
  /** Feeds the main process ended, with the record number below which their records still on the pipe are dropped. */
  private readonly ended = new Map<number, number>();
  private earlyBytes = 0;
  /** MediaLazy records per feed written to its ring and not yet pumped to its readers. */
  private readonly lazyWaiting = new Map<number, number>();
  private readonly statsTimer: NodeJS.Timeout;

  /** `ringSize`: records kept per feed, the readers' queue size (readBufferCount). */
  constructor(private readonly ringSize: number, private readonly send: (m: FromShard) => void) {
    this.statsTimer = setInterval(() => this.report(), 1000);
  }

  /** Bytes from the pipe. Throws on a corrupt pipe (the process then exits and the main process respawns it). */
  onPipe(chunk: Buffer): void {
    const due = new Set<number>();
    for (const r of this.parser.push(chunk)) {
      if (!isMediaRecord(r.kind)) { this.own(r); continue; }
      const end = this.ended.get(r.id);
      if (end !== undefined) {
        if (r.seq < end) continue; // sent before the feed-end, which overtook it on the IPC channel
        this.ended.delete(r.id);
      }
      this.ring(r.id).put(r.seq, r.body);
      // A lazy record waits in the ring for the feed's next Media record, or until it is the MAX_LAZY_WAITING-th.
      if (r.kind === RecordKind.MediaLazy) {
        const waiting = (this.lazyWaiting.get(r.id) ?? 0) + 1;
        this.lazyWaiting.set(r.id, waiting);
        if (waiting < MAX_LAZY_WAITING) continue;
      }
      due.add(r.id);
    }
    if (due.size === 0) return;
    for (const feed of due) this.lazyWaiting.delete(feed);
    for (const c of this.conns.values()) if (due.has(c.feed)) c.reader.pump();
  }

  /** An IPC message, with the socket of an `adopt`. */
  onMessage(m: ToShard, socket?: Socket): void {
    switch (m.t) {
      case 'adopt': {
        if (!socket) return;
        this.adopt(m.conn, m.feed, m.seq, m.limits, socket);
        return;
      }
      case 'close': this.conns.get(m.conn)?.socket.destroy(); this.dropEarly(m.conn); return;
      case 'feed-end': {
        // Records from `seq` on already here: a new seat on this shard took the feed again, and its records came down
        // the pipe before this message (IPC waits behind socket handles in flight). They are the new reader's; the
        // pipe is in order, so no older record is still on the way either.
        if ((this.rings.get(m.feed)?.end ?? 0) > m.seq) return;
        this.rings.delete(m.feed); this.lazyWaiting.delete(m.feed); this.ended.set(m.feed, m.seq); return;
      }
    }
  }

  /** Closes every socket and stops the timer. */
  close(): void {
    clearInterval(this.statsTimer);
    for (const c of this.conns.values()) c.socket.destroy();
  }

  private ring(feed: number): FeedRing {
    let r = this.rings.get(feed);
    if (!r) { r = new FeedRing(this.ringSize); this.rings.set(feed, r); }
    return r;
  }

  private adopt(id: number, feed: number, seq: number, limits: ShardReaderLimits, socket: Socket): void {
    this.ended.delete(feed); // a reader of the feed again: its records from `seq` on are coming
    const ring = this.ring(feed);
    const c: Conn = { socket, feed, inbound: 0, drops: 0, reported: false, limits,
      reader: new ShardReader(socket, ring, seq, limits, () => socket.destroy(new Error('write timeout'))) };
    this.conns.set(id, c);
    socket.on('data', (d: Buffer) => {
      c.inbound += d.length;
      if (c.inbound > MAX_INBOUND_BYTES_PER_S) { socket.destroy(new Error('the player sent more than 1 MiB in a second')); return; }
      this.send({ t: 'data', conn: id, b64: d.toString('base64') });
    });
    let error: string | undefined;
    socket.on('error', (err) => { error = err.message; });
    socket.on('close', () => {
      if (c.endTimer) clearTimeout(c.endTimer);
      c.reader.close();
      this.conns.delete(id);
      this.send(error ? { t: 'closed', conn: id, error } : { t: 'closed', conn: id });
    });
    // Early bytes go where they were in the pipe: after the feed's records that came before them.
    const early = this.early.get(id) ?? [];
    this.dropEarly(id);
    for (const e of early) {
      c.reader.pump(e.ends.get(feed) ?? 0);
      if (!this.apply(c, e.kind, e.seq, e.body)) return;
    }
    c.reader.pump();
  }

  private own(r: ShardRecord): void {
    const c = this.conns.get(r.id);
    // The media records before this one in the pipe go first: a chunk's records are only pumped after the chunk.
    if (c) {
      c.reader.pump();
      this.apply(c, r.kind, r.seq, r.body);
      return;
    }
    if (this.earlyBytes + r.body.length > MAX_EARLY_BYTES) return;
    // Copied: the body is a view of a pipe chunk that would otherwise stay referenced.
    const list = this.early.get(r.id) ?? [];
    list.push({ kind: r.kind, seq: r.seq, body: Buffer.from(r.body), ends: new Map([...this.rings].map(([feed, ring]) => [feed, ring.end])), at: Date.now() });
    this.early.set(r.id, list);
    this.earlyBytes += r.body.length;
  }

  /** Applies a connection's own record after the media before it was written; false once the connection ended. */
  private apply(c: Conn, kind: RecordKind, seq: number, body: Buffer): boolean {
    switch (kind) {
      case RecordKind.End: this.end(c); return false;
      case RecordKind.Hold: c.reader.hold(); return true;
      case RecordKind.Resume: c.reader.resumeAt(seq); return true;
      default: c.reader.writeOwn(body); return true;
    }
  }

  /**
   * An End record: nothing more is written (the reader stops), the socket sends what it holds and then FIN. A client
   * that neither reads it nor closes is cut off after writeTimeout, as a stalled reader is.
   */
  private end(c: Conn): void {
    c.reader.close();
    c.socket.end();
    c.endTimer ??= setTimeout(() => c.socket.destroy(), c.limits.writeTimeoutMs);
  }

  private dropEarly(id: number): void {
    for (const e of this.early.get(id) ?? []) this.earlyBytes -= e.body.length;
    this.early.delete(id);
  }

  private report(): void {
    const conns: ConnStats[] = [];
    for (const [id, c] of this.conns) {
      c.inbound = 0;
      const r = c.reader;
      if (r.bytes === 0 && r.drops === 0 && c.reported) continue;
      conns.push([id, r.bytes, r.drops, c.socket.writableLength]);
      r.bytes = 0;
      r.drops = 0;
      c.reported = true;
    }
    if (conns.length > 0) this.send({ t: 'stats', conns });
    // Early bytes of a connection whose socket never came (its adopt failed) go; those of one on its way stay.
    const now = Date.now();
    for (const [id, list] of this.early) if (now - list[0]!.at > EARLY_TTL_MS) this.dropEarly(id);
    // Bounded: an entry only guards records already on the pipe when the feed ended, long gone after a report.
    if (this.ended.size > 1024) this.ended.clear();
  }
}
