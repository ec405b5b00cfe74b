import type { Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from './logger.ts';

/** The optional native addon built from native/udp-batch/udp_batch.c by scripts/build-native.sh. */
export interface UdpBatchAddon {
  /**
   * Sends buffers[i] to addresses[i]:ports[i] for i < count with sendmmsg(2), never blocking. Returns how many went
   * (a prefix), or -errno when not even the first did (EAGAIN: socket buffer full; EINVAL: bad address or port).
   * `useGso`: runs of equal-size datagrams to one destination go as one UDP_SEGMENT message (see udp_batch.c).
   */
  sendmmsg(fd: number, buffers: readonly Uint8Array[], ports: readonly number[], addresses: readonly (string | Uint8Array)[], count: number, useGso?: boolean): number;
  /**
   * The same send on a thread of libuv's pool; `done` gets what sendmmsg would return. The caller keeps the buffers
   * unchanged until then, and has at most one call in flight per destination (order). Absent from older builds.
   */
  sendmmsgAsync?(
    fd: number, buffers: readonly Uint8Array[], ports: readonly number[], addresses: readonly (string | Uint8Array)[], count: number, useGso: boolean,
    done: (result: number) => void,
  ): void;
}

/**
 * The folder of package.json above `dir`: src/lib/ run by tsx and the chunks of the bundled dist/ sit at different
 * depths below it, so a path relative to this module would be right for one layout only.
 */
function packageRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return dir;
  }
}

/** Where the build script puts the addon: native/udp-batch/build/ of the package. */
export const UDP_BATCH_ADDON_PATH = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'native', 'udp-batch', 'build', 'udp_batch.node');

const loaded = new Map<string, UdpBatchAddon | undefined>();

/**
 * Loads the addon once per path; undefined when it was not built (no compiler at install) or does not load (another
 * Node ABI, another OS). Either is normal, so it says so in one debug line and the caller uses dgram.
 */
export function loadUdpBatchAddon(log?: Logger, path = UDP_BATCH_ADDON_PATH): UdpBatchAddon | undefined {
  if (loaded.has(path)) return loaded.get(path);
  let addon: UdpBatchAddon | undefined;
  if (!existsSync(path)) {
    log?.debug(`UDP batch addon not built (${path}): sending UDP with dgram`);
  } else {
    try {
      const m = createRequire(import.meta.url)(path) as Partial<UdpBatchAddon>;
      if (typeof m.sendmmsg === 'function') addon = m as UdpBatchAddon;
      else log?.debug(`UDP batch addon ${path} has no sendmmsg: sending UDP with dgram`);
    } catch (err) {
      log?.debug(`UDP batch addon ${path} did not load (${(err as Error).message}): sending UDP with dgram`);
    }
  }
  loaded.set(path, addon);
  return addon;
}

/**
 * The file descriptor of a bound dgram socket, or undefined where it cannot be had (not bound, closed, Windows, or
 * Node internals that changed). Node 20 keeps the UDPWrap handle, whose `fd` getter gives it, under a symbol described
 * 'state symbol'; `socket._handle` reaches the same handle but prints a DEP0112 deprecation warning, so it is not used.
 */
export function dgramSocketFd(socket: Socket): number | undefined {
  const sym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  if (sym === undefined) return undefined;
  const state = (socket as unknown as Record<symbol, { handle?: { fd?: unknown } | null } | undefined>)[sym];
  const fd = state?.handle?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

/** Options of a UdpBatchSender. */
export interface UdpBatchSenderOptions {
  /** A bound dgram socket; the sender does not own it. */
  socket: Socket;
  /** The addon (loadUdpBatchAddon); undefined: each queued datagram is sent with socket.send at flush. */
  addon: UdpBatchAddon | undefined;
  /**
   * Lets the kernel split runs of equal-size datagrams to one destination (UDP GSO; a reader's share of a frame),
   * which costs a fraction of a datagram each; default true. The addon turns it off by itself where refused.
   */
  useGso?: boolean;
  /** Datagrams queued at most: a send that finds the queue full flushes it at once (default 4096). */
  maxQueued?: number;
  /**
   * Bytes dgram may hold unsent (what sendmmsg left when the socket buffer was full, EAGAIN): beyond it the rest of a
   * flush is dropped and counted instead of piling up in memory behind a slow link (default 4 MiB).
   */
  maxPendingBytes?: number;
  /** Called with the number of datagrams a flush dropped. */
  onDropped?: (count: number) => void;
  /**
   * Threads of libuv's pool that run the sendmmsg calls, each for a fixed share of the destinations, so the kernel's
   * work of a fan-out runs beside the event loop (0: on the event loop). Default: udpSendThreads().
   */
  sendThreads?: number;
  /** A share with fewer datagrams than this in a flush is sent on the event loop (a pool round trip costs more). */
  asyncMinDatagrams?: number;
  /**
   * Datagrams a lane holds while its send is in flight, beyond which they are dropped and counted (default 65536).
   * Counted in datagrams, not bytes: a fan-out's datagrams share their bytes (one packet, N readers).
   */
  maxLaneDatagrams?: number;
  log?: Logger;
}

/** Environment variable: how many pool threads send UDP fan-out (0: the event loop sends). */
export const UDP_SEND_THREADS_ENV = 'MEDIAMTX_TS_UDP_SEND_THREADS';

/**
 * Number of send threads: what the environment says (at most 3: libuv's pool has 4 threads, and file and DNS work
 * need one), else none. Why none by default: on this project's 2-core test machine a send thread lowered the event
 * loop's share but lost datagrams at the readers (docs/performance.md, "UDP fan-out"); the default waits for a
 * measurement where it wins.
 */
export function udpSendThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[UDP_SEND_THREADS_ENV];
  const set = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isInteger(set) && set >= 0 ? Math.min(set, 3) : 0;
}

/** Counters of a UdpBatchSender. */
export interface UdpBatchSenderStats {
  /** Datagrams sent by the addon's sendmmsg. */
  sentBatched: number;
  /** Datagrams handed to socket.send (no addon, no fd, or what sendmmsg left over). */
  sentDgram: number;
  /** sendmmsg calls made. */
  batches: number;
  /** Datagrams dropped because the socket buffer and dgram's queue were full (or the socket closed under us). */
  dropped: number;
  /** sendmmsg calls made on pool threads (part of `batches`). */
  asyncBatches: number;
}

// At 500 RTSP/UDP readers of a 4 Mbit/s stream a loop turn queues 1–3 k datagrams, and over 16 k on a saturated
// machine while readers join (GOP bursts): a full queue is flushed at once rather than dropped (measured: dropping at
// 16 k lost datagrams that the unbatched path delivered). 4096 keeps the arrays small and sendmmsg batches large.
const DEFAULT_MAX_QUEUED = 4096;
// As the TCP writers' high-water mark (rtsp-session.ts): what a slow route may hold before datagrams are dropped.
const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);
// Measured on the RTSP/UDP bench: below a few dozen datagrams the pool's round trip costs more than the send itself.
const DEFAULT_ASYNC_MIN_DATAGRAMS = 32;
// 500 readers of a 4 Mbit/s stream queue ~8 k datagrams per frame: a lane holds several frames' worth behind a send.
const DEFAULT_MAX_LANE_DATAGRAMS = 65536;

/** One pool thread's share of the destinations: its send in flight, and what waits for it. */
interface Lane {
  isBusy: boolean;
  buffers: Buffer[];
  ports: number[];
  addresses: string[];
}

/** The lane of a destination: RTP and RTCP ports of a reader (2k, 2k+1) share one, readers spread over all. */
function laneOf(port: number, address: string, lanes: number): number {
  return ((port >>> 1) + address.charCodeAt(address.length - 1) * 31) % lanes;
}

/**
 * Queues datagrams for one UDP socket during an event-loop turn and sends them all at once with sendmmsg (one
 * syscall per 256 instead of one each, and with GSO one pass through the stack per run of a reader's equal-size
 * datagrams), or with socket.send per datagram when the addon is absent. Order is kept.
 */
export class UdpBatchSender {
  /** Counters, for tests and metrics. */
  readonly stats: UdpBatchSenderStats = { sentBatched: 0, sentDgram: 0, batches: 0, dropped: 0, asyncBatches: 0 };
  private readonly lanes: Lane[];
  private readonly asyncMin: number;
  private readonly buffers: Buffer[] = [];
  private readonly ports: number[] = [];
  private readonly addresses: string[] = [];
  private count = 0;
  private isScheduled = false;
  private fd: number | undefined;
  private hasLookedUpFd = false;
  private isClosed = false;
  private readonly maxQueued: number;
  private readonly flushNow = (): void => { this.isScheduled = false; this.flush(); };

  constructor(private readonly opts: UdpBatchSenderOptions) {
    this.maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
    const threads = opts.addon?.sendmmsgAsync ? (opts.sendThreads ?? udpSendThreads()) : 0;
    this.lanes = Array.from({ length: threads }, () => ({ isBusy: false, buffers: [], ports: [], addresses: [] }));
    this.asyncMin = opts.asyncMinDatagrams ?? DEFAULT_ASYNC_MIN_DATAGRAMS;
  }

  /** Pool threads this sender sends on (0: the event loop sends). */
  get sendThreads(): number { return this.lanes.length; }

  /** True when flushes go through sendmmsg. */
  get isNative(): boolean { return this.opts.addon !== undefined && this.socketFd() !== undefined; }

  /** Queues one datagram to `address` (already in the socket's family: IPv4-mapped on a dual-stack socket). */
  send(buf: Buffer, port: number, address: string): void {
    if (this.isClosed) return;
    if (this.count >= this.maxQueued) this.flush();
    const i = this.count++;
    this.buffers[i] = buf;
    this.ports[i] = port;
    this.addresses[i] = address;
    // setImmediate, not queueMicrotask: readers drain in setImmediate callbacks (StreamReader) and Node runs the
    // microtasks after each one, so a microtask would flush per reader (a frame's few packets). An immediate queued
    // during the check phase runs in the next loop turn, after every reader of this turn queued: one batch for all.
    // The loop does not block in poll while an immediate is pending, so the delay is one turn's I/O.
    if (!this.isScheduled) { this.isScheduled = true; setImmediate(this.flushNow); }
  }

  /** Sends everything queued now (on pool threads, when the sender has them: see sendThreads). */
  flush(): void {
    const n = this.count;
    if (n === 0) return;
    this.count = 0;
    const fd = this.opts.addon ? this.socketFd() : undefined;
    if (this.lanes.length > 0 && fd !== undefined) this.flushToLanes(fd, n);
    else this.sendNow(fd, this.buffers, this.ports, this.addresses, n);
    this.buffers.fill(EMPTY, 0, n); // drop the references: the queue must not keep packets alive after they went
  }

  /**
   * Sends the first n datagrams of the lists with sendmmsg on this thread, then what it left with dgram, which queues on
   * EAGAIN and reports other errors on the socket's 'error' event, as before batching, up to maxPendingBytes unsent.
   */
  private sendNow(fd: number | undefined, buffers: Buffer[], ports: number[], addresses: string[], n: number): void {
    const { addon, socket } = this.opts;
    let i = 0;
    // While dgram still holds unsent datagrams (an earlier EAGAIN), sendmmsg would overtake them: dgram goes first.
    if (addon && fd !== undefined && n > 0 && socket.getSendQueueCount() === 0) {
      this.stats.batches++;
      i = Math.max(0, addon.sendmmsg(fd, buffers, ports, addresses, n, this.opts.useGso ?? true));
      this.stats.sentBatched += i;
    }
    this.sendWithDgram(buffers, ports, addresses, i, n);
  }

  private sendWithDgram(buffers: Buffer[], ports: number[], addresses: string[], from: number, n: number): void {
    const { socket } = this.opts;
    const maxPending = this.opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    let i = from;
    try {
      for (; i < n && socket.getSendQueueSize() < maxPending; i++) { socket.send(buffers[i]!, ports[i], addresses[i]); this.stats.sentDgram++; }
    } catch (err) {
      // Only a socket closed under us throws here (ERR_SOCKET_DGRAM_NOT_RUNNING): the rest cannot go anywhere.
      this.opts.log?.debug(`UDP batch: datagrams not sent: ${(err as Error).message}`);
    }
    this.drop(n - i);
  }

  private drop(count: number): void {
    if (count <= 0) return;
    this.stats.dropped += count;
    this.opts.onDropped?.(count);
  }

  /**
   * Splits a flush by destination into the lanes (a destination always in the same lane, so its datagrams stay in
   * order) and starts each idle lane's send; a busy lane keeps what comes until its send ends, up to maxLaneDatagrams.
   */
  private flushToLanes(fd: number, n: number): void {
    const maxLane = this.opts.maxLaneDatagrams ?? DEFAULT_MAX_LANE_DATAGRAMS;
    for (let i = 0; i < n; i++) {
      const lane = this.lanes[laneOf(this.ports[i]!, this.addresses[i]!, this.lanes.length)]!;
      if (lane.buffers.length >= maxLane) { this.drop(1); continue; }
      lane.buffers.push(this.buffers[i]!);
      lane.ports.push(this.ports[i]!);
      lane.addresses.push(this.addresses[i]!);
    }
    for (const lane of this.lanes) if (!lane.isBusy) this.startLane(fd, lane);
  }

  /** Sends what a lane holds: on a pool thread when it is much, else here; then the next lot, when its send ends. */
  private startLane(fd: number, lane: Lane): void {
    const { buffers, ports, addresses } = lane;
    const n = buffers.length;
    if (n === 0) return;
    lane.buffers = []; lane.ports = []; lane.addresses = [];
    const { addon, socket } = this.opts;
    // After close the owner may have closed the socket and its descriptor number may name another one by now: what a
    // lane still held goes through dgram, which knows whether its socket is open.
    if (this.isClosed) { this.sendWithDgram(buffers, ports, addresses, 0, n); return; }
    // Small lots, and any while dgram holds unsent datagrams (which a pool send would overtake), go out here.
    if (n < this.asyncMin || socket.getSendQueueCount() > 0) { this.sendNow(fd, buffers, ports, addresses, n); return; }
    lane.isBusy = true;
    this.stats.batches++;
    this.stats.asyncBatches++;
    // `buffers` stays referenced by this closure until the pool thread is done with their bytes.
    addon!.sendmmsgAsync!(fd, buffers, ports, addresses, n, this.opts.useGso ?? true, (result) => {
      const sent = Math.max(0, result);
      this.stats.sentBatched += sent;
      const next = (): void => { lane.isBusy = false; this.startLane(fd, lane); };
      if (sent === n) { next(); return; }
      this.sendWithDgram(buffers, ports, addresses, sent, n);
      // dgram sends after a process.nextTick (its address lookup): the lane's next lot waits one turn, so that it
      // sees them in dgram's queue (then goes through dgram too) or gone, and cannot overtake them.
      setImmediate(next);
    });
  }

  /** Sends what is queued and stops accepting datagrams; the socket stays open (its owner closes it). */
  close(): void {
    if (this.isClosed) return;
    try { this.flush(); } catch (err) { this.opts.log?.debug(`UDP batch flush at close: ${(err as Error).message}`); }
    this.isClosed = true;
  }

  private socketFd(): number | undefined {
    if (!this.hasLookedUpFd) {
      this.hasLookedUpFd = true;
      this.fd = dgramSocketFd(this.opts.socket);
      if (this.fd === undefined) this.opts.log?.debug('UDP batch: no file descriptor on the dgram socket: sending with dgram');
    }
    return this.fd;
  }
}
