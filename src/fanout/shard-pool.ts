import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../lib/index.ts';
import { loopBusy } from './loop-load.ts';
import { RemoteSocket } from './remote-socket.ts';
import { RecordKind, bodyLength, isMediaRecord, recordHeader, type FromShard, type ShardReaderLimits, type ToShard } from './shard-wire.ts';

// Unsent bytes on a shard's pipe above which its media records are dropped (its readers count them as gaps): a
// shard that stops reading must not grow the main process's memory.
const MAX_PIPE_BACKLOG_BYTES = 32 * 1024 * 1024;
// Respawn delay after a shard exits; doubled while shards die young, up to the maximum.
const RESPAWN_MIN_MS = 1000;
const RESPAWN_MAX_MS = 30_000;
const YOUNG_MS = 10_000;
// On demand (minLoad > 0), a shard left without readers this long is stopped: its memory goes back.
const DEFAULT_IDLE_STOP_MS = 60_000;
const EMPTY = Buffer.alloc(0);

/** Options of a ShardPool. */
export interface ShardPoolOptions {
  /** Shard processes (at least 1). */
  shards: number;
  /** Records each shard keeps per feed: the readers' queue size (readBufferCount). */
  ringSize: number;
  log: Logger;
  /** Node flags of the shards; by default the module loaders this process was started with (tsx in development). */
  execArgv?: readonly string[];
  /**
   * Busy share (0–1) of this process's event loop below which no shard is started and readers stay here while none
   * runs (fanoutMinLoad); default 0: from the first reader.
   */
  minLoad?: number;
  /** The busy share now; default loopBusy (tests give their own). */
  load?: () => number;
  /** With minLoad > 0: how long a shard without readers runs on before it is stopped (default 60 s). */
  idleStopMs?: number;
}

/** The flags of `argv` that load code (`--import x`, `--require x`, `--loader x`): what a shard needs to start like us. */
export function loaderArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
    else if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(a) && i + 1 < argv.length) out.push(a, argv[++i]!);
  }
  return out;
}

/** One shard slot: its process while it runs. */
class Slot {
  child: ChildProcess | undefined;
  pipe: Writable | undefined;
  ready = false;
  readers = 0;
  startedAt = 0;
  backoffMs = RESPAWN_MIN_MS;
  notBefore = 0;
  dropped = 0;
  corked = false;
  /** Set when the pool stops the shard itself (idle): its exit is no failure. */
  stopping = false;
  idleTimer: NodeJS.Timeout | undefined;
  readonly remotes = new Map<number, RemoteSocket>();
  constructor(readonly index: number) {}

  /**
   * Sends a record unless the pipe is too far behind. A body in pieces (an RTSP unit's interleaved frames) goes
   * as one record: the header with their total length, then each piece, in the turn's corked write, never joined.
   */
  record(kind: RecordKind, id: number, seq: number, body: Buffer | readonly Buffer[]): void {
    const pipe = this.pipe;
    if (!pipe || !this.ready) return;
    // Only media gives way: a connection's own bytes and its end are few, and losing them would break its protocol.
    if (isMediaRecord(kind) && pipe.writableLength > MAX_PIPE_BACKLOG_BYTES) { this.dropped++; return; }
    if (!this.corked) {
      // One writev per event-loop turn for all the records of that turn.
      this.corked = true;
      pipe.cork();
      process.nextTick(() => { this.corked = false; pipe.uncork(); });
    }
    pipe.write(recordHeader(kind, id, seq, bodyLength(body)));
    if (Buffer.isBuffer(body)) { if (body.length > 0) pipe.write(body); return; }
    for (const b of body) if (b.length > 0) pipe.write(b);
  }

  send(m: ToShard, socket?: Socket, cb?: (err: Error | null) => void): void {
    if (!this.child?.connected) { cb?.(new Error('the fan-out shard is gone')); return; }
    if (socket) this.child.send(m, socket, { keepOpen: false }, cb);
    else this.child.send(m, cb);
  }
}

/** One stream format's wire messages, numbered, sent once to every shard that has readers of it. */
export class ShardFeed {
  /** Shards with readers of the feed, and how many. */
  readonly slots = new Map<Slot, number>();
  private seq = 0;
  constructor(readonly id: number) {}

  /** The number the next record will have. */
  get nextSeq(): number { return this.seq; }

  /**
   * Sends one wire message (one buffer, or pieces sent back to back as one record) to the shards that read the feed;
   * with `lazy`, their readers may write it with the next one (RecordKind.MediaLazy).
   */
  write(body: Buffer | readonly Buffer[], lazy = false): void {
    const seq = this.seq++;
    const kind = lazy ? RecordKind.MediaLazy : RecordKind.Media;
    for (const slot of this.slots.keys()) slot.record(kind, this.id, seq, body);
  }
}

/** A reader's place on a shard, taken before its socket moves there so that no record after `seq` is missed. */
export interface ShardSeat {
  /** Moves the socket to the shard; the reader continues with record `seq`. Undefined if the shard went away. */
  adopt(socket: Socket, seq: number, limits: ShardReaderLimits): RemoteSocket | undefined;
  /** Gives the seat back without adopting. */
  release(): void;
}

/**
 * The fan-out shards of one server (docs/multicore-fanout.md): child processes that write media to sockets handed to
 * them, fed once per shard per wire message. Shards start when first needed and are respawned with a backoff.
 */
export class ShardPool {
  private readonly slots: Slot[];
  private readonly log: Logger;
  private nextFeed = 1;
  private nextConn = 1;
  private closed = false;

  constructor(private readonly opts: ShardPoolOptions) {
    this.slots = Array.from({ length: Math.max(1, opts.shards) }, (_, i) => new Slot(i));
    this.log = opts.log.child('[fan-out]');
  }

  /** A new feed. */
  feed(): ShardFeed { return new ShardFeed(this.nextFeed++); }

  /**
   * False when seat() would give none for sure: the pool is closed, or no shard runs and this process is not busy
   * enough to start one (minLoad). Callers ask before they prepare a feed.
   */
  wantsReaders(): boolean {
    if (this.closed) return false;
    // On demand: shards start only once this process is busy enough; once they run, readers join them anyway.
    return this.hasRunningShard() || this.busyEnough();
  }

  /** True when a shard process runs (ready or starting) and is not being stopped. */
  private hasRunningShard(): boolean { return this.slots.some((s) => s.child && !s.stopping); }

  /** True when this process is busy enough for shards to start (always with minLoad 0). */
  private busyEnough(): boolean {
    const minLoad = this.opts.minLoad ?? 0;
    return minLoad <= 0 || (this.opts.load ?? loopBusy)() >= minLoad;
  }

  /** Shard processes started and not exited, ready or not (for tests and diagnostics). */
  get started(): number { return this.slots.filter((s) => s.child).length; }

  /** Process ids of the running shards (for tests and diagnostics). */
  get pids(): number[] { return this.slots.flatMap((s) => (s.child?.pid !== undefined && s.ready ? [s.child.pid] : [])); }

  /**
   * A seat on the least busy ready shard for a reader of `feed`, or undefined when none is ready yet (the reader
   * stays in this process; shards are started for the next ones).
   */
  seat(feed: ShardFeed): ShardSeat | undefined {
    if (this.closed) return undefined;
    // Shards start only under load (on demand): a running one takes readers whatever the load, without starting others.
    const start = this.busyEnough();
    if (!start && !this.hasRunningShard()) return undefined;
    let best: Slot | undefined;
    for (const s of this.slots) {
      if (!s.child) { if (start) this.spawn(s); } else if (s.ready && (!best || s.readers < best.readers)) best = s;
    }
    if (!best) return undefined;
    const slot = best;
    // The process the seat is on: a seat outlives it when the shard dies while the reader's socket drains, and the
    // slot's next process never got the feed's records from the seat's seq on.
    const child = slot.child;
    slot.readers++;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    feed.slots.set(slot, (feed.slots.get(slot) ?? 0) + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (--slot.readers === 0) this.stopWhenIdle(slot);
      const n = (feed.slots.get(slot) ?? 1) - 1;
      if (n > 0) { feed.slots.set(slot, n); return; }
      feed.slots.delete(slot);
      slot.send({ t: 'feed-end', feed: feed.id, seq: feed.nextSeq });
    };
    return {
      release,
      adopt: (socket, seq, limits) => {
        if (slot.child !== child || !child?.connected) { release(); return undefined; }
        const conn = this.nextConn++;
        const remote = new RemoteSocket({
          write: (b) => slot.record(RecordKind.Conn, conn, 0, b),
          end: () => slot.record(RecordKind.End, conn, 0, EMPTY),
          close: () => slot.send({ t: 'close', conn }),
          hold: () => slot.record(RecordKind.Hold, conn, 0, EMPTY),
          resume: (seq) => slot.record(RecordKind.Resume, conn, seq, EMPTY),
        });
        slot.remotes.set(conn, remote);
        remote.once('close', () => { slot.remotes.delete(conn); release(); });
        slot.send({ t: 'adopt', conn, feed: feed.id, seq, limits }, socket, (err) => { if (err) remote.ended(`handing the socket to a fan-out shard failed: ${err.message}`); });
        return remote;
      },
    };
  }

  /** Stops every shard; their sockets close. */
  close(): void {
    this.closed = true;
    for (const s of this.slots) { clearTimeout(s.idleTimer); s.child?.kill('SIGTERM'); }
  }

  /** On demand, stops `slot`'s shard once it has had no reader for idleStopMs. */
  private stopWhenIdle(slot: Slot): void {
    if ((this.opts.minLoad ?? 0) <= 0 || this.closed) return;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (slot.readers > 0 || !slot.child || this.closed) return;
      // Not ready from now on, so that no seat is given on it while it exits; onExit frees the slot.
      slot.ready = false;
      slot.stopping = true;
      this.log.info(`shard ${slot.index} stopped: no readers for ${Math.round((this.opts.idleStopMs ?? DEFAULT_IDLE_STOP_MS) / 1000)}s`);
      slot.child.kill('SIGTERM');
    }, this.opts.idleStopMs ?? DEFAULT_IDLE_STOP_MS);
    slot.idleTimer.unref();
  }

  private spawn(slot: Slot): void {
    if (this.closed || Date.now() < slot.notBefore) return;
    const entry = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './shard-main.ts' : './shard-main.js', import.meta.url));
    const child = fork(entry, [String(this.opts.ringSize)], {
      execArgv: [...(this.opts.execArgv ?? loaderArgs(process.execArgv))], stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'],
    });
    slot.child = child;
    slot.pipe = child.stdio[4] as Writable;
    slot.startedAt = Date.now();
    slot.pipe.on('error', () => undefined); // the exit below cleans up
    child.on('message', (m: FromShard) => this.onMessage(slot, m));
    child.on('error', (err) => this.log.warn(`shard ${slot.index}: ${err.message}`));
    child.on('exit', (code, signal) => this.onExit(slot, child, code, signal));
  }

  private onMessage(slot: Slot, m: FromShard): void {
    switch (m.t) {
      case 'ready':
        slot.ready = true;
        this.log.info(`shard ${slot.index} started (pid ${slot.child?.pid})`);
        // Started with the others under load, it may get no reader: it is stopped as if its last one had left.
        if (slot.readers === 0) this.stopWhenIdle(slot);
        return;
      case 'data': slot.remotes.get(m.conn)?.received(Buffer.from(m.b64, 'base64')); return;
      case 'closed': slot.remotes.get(m.conn)?.ended(m.error); return;
      case 'stats':
        for (const [conn, bytes, drops, unsent] of m.conns) slot.remotes.get(conn)?.reported(bytes, drops, unsent);
        return;
    }
  }

  private onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    const young = Date.now() - slot.startedAt < YOUNG_MS;
    slot.child = undefined;
    slot.pipe = undefined;
    slot.ready = false;
    if (slot.stopping) {
      // Stopped for want of readers: it may start again at once when the load asks.
      slot.stopping = false;
      slot.backoffMs = RESPAWN_MIN_MS;
      slot.notBefore = 0;
      for (const r of [...slot.remotes.values()]) r.ended('the fan-out shard stopped');
      slot.remotes.clear();
      return;
    }
    slot.backoffMs = young ? Math.min(RESPAWN_MAX_MS, slot.backoffMs * 2) : RESPAWN_MIN_MS;
    slot.notBefore = Date.now() + slot.backoffMs;
    for (const r of [...slot.remotes.values()]) r.ended('the fan-out shard exited');
    slot.remotes.clear();
    if (!this.closed) this.log.warn(`shard ${slot.index} exited (${signal ?? `code ${code}`}); its readers were closed`);
  }
}
