import { MpegTsError } from './mpegts-error.ts';
import { PAT_PID, parsePat, parsePmt } from './mpegts-psi.ts';
import type { MpegTsTrack } from './mpegts-track.ts';
import { parsePesHeader } from './pes.ts';
import { SYNC_BYTE, MPEGTS_PACKET_SIZE, parsePacketHeader, type PacketHeader } from './ts-packet.ts';

/** What the demuxer found: the program's tracks (again when the PMT changes), a PES, or an error it skipped. */
export type MpegTsEvent =
  | { readonly kind: 'tracks'; readonly tracks: readonly MpegTsTrack[] }
  | {
    readonly kind: 'pes'; readonly track: MpegTsTrack; readonly pts: number; readonly dts: number;
    /** random_access_indicator of the PES's first packet. */
    readonly isRandomAccess: boolean;
    /** The elementary stream bytes (Annex B, ADTS, MPEG audio frames, Opus access units). */
    readonly data: Buffer;
  }
  | { readonly kind: 'error'; readonly error: MpegTsError };

/** Counters of what the demuxer skipped. */
export interface MpegTsDemuxerStats {
  readonly packets: number;
  /** Packets whose continuity_counter skipped (lost or reordered packets); the PES they broke is dropped. */
  readonly continuityErrors: number;
  /** Bytes skipped looking for the sync byte. */
  readonly bytesSkipped: number;
  /** PES packets dropped: malformed, cut short, too large, or without PTS. */
  readonly pesDropped: number;
}

/** Options of a demuxer. */
export interface MpegTsDemuxerOptions {
  /** Largest PES kept, in bytes; larger ones are dropped. Default: an 8 MiB access unit (docs/limits.md) plus 1 MiB. */
  readonly maxPesBytes?: number;
  /**
   * Most bytes of unfinished PES packets held over all tracks, so that a PMT declaring many streams can't multiply
   * maxPesBytes. Default: twice maxPesBytes.
   */
  readonly maxBufferedBytes?: number;
}

const DEFAULT_MAX_PES_BYTES = 9 * 1024 * 1024;
/** Largest PSI section (§2.4.4: 1021 bytes after section_length, 3 before). */
const MAX_SECTION_BYTES = 1024;

interface PidState {
  cc: number | undefined;
  /** Bytes of the unit being gathered; undefined while waiting for the next unit start. */
  chunks: Buffer[] | undefined;
  size: number;
  isRandomAccess: boolean;
}

/**
 * A push demuxer for one program (the first of the PAT): feed it chunks of any size; it returns what they
 * completed. Never throws on input: damage becomes an `error` event and a counter, and the demuxer carries on at
 * the next packet or unit. Memory is bounded: less than one packet of leftovers, one section per table PID, and
 * one PES of at most maxPesBytes per track with maxBufferedBytes over all of them.
 */
export class MpegTsDemuxer {
  private readonly counters = { packets: 0, continuityErrors: 0, bytesSkipped: 0, pesDropped: 0 };
  private readonly maxPesBytes: number;
  private readonly maxBufferedBytes: number;
  private leftover: Buffer = Buffer.alloc(0);
  private pmtPid: number | undefined;
  private tracks = new Map<number, MpegTsTrack>();
  private tracksKey = '';
  private readonly pids = new Map<number, PidState>();
  private events: MpegTsEvent[] = [];
  private isSyncLost = false;

  constructor(options: MpegTsDemuxerOptions = {}) {
    this.maxPesBytes = options.maxPesBytes ?? DEFAULT_MAX_PES_BYTES;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 2 * this.maxPesBytes;
  }

  /** What was read and skipped so far. */
  get stats(): MpegTsDemuxerStats { return { ...this.counters }; }

  /** Feeds bytes; returns the events of every packet they complete. */
  push(chunk: Uint8Array): MpegTsEvent[] {
    const buf = this.leftover.length > 0 ? Buffer.concat([this.leftover, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    while (buf.length - pos >= MPEGTS_PACKET_SIZE) {
      if (buf[pos] !== SYNC_BYTE) {
        // One error per loss of sync, whatever the chunking, then skip to the next sync byte.
        if (!this.isSyncLost) this.error('lost sync');
        this.isSyncLost = true;
        const next = buf.indexOf(SYNC_BYTE, pos + 1);
        const end = next < 0 ? buf.length : next;
        this.counters.bytesSkipped += end - pos;
        pos = end;
        continue;
      }
      this.isSyncLost = false;
      this.packet(buf.subarray(pos, pos + MPEGTS_PACKET_SIZE));
      pos += MPEGTS_PACKET_SIZE;
    }
    // Copy the leftover: the caller may reuse its chunk's memory.
    this.leftover = Buffer.from(buf.subarray(pos));
    return this.take();
  }

  /** Ends the input: emits the PES units still open (those without PES_packet_length end only here). */
  flush(): MpegTsEvent[] {
    if (this.leftover.length > 0) {
      this.counters.bytesSkipped += this.leftover.length;
      this.error(`${this.leftover.length} bytes after the last whole packet`);
      this.leftover = Buffer.alloc(0);
    }
    for (const [pid, s] of this.pids) if (this.tracks.has(pid)) this.finishPes(pid, s);
    return this.take();
  }

  private take(): MpegTsEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  private error(message: string): void { this.events.push({ kind: 'error', error: new MpegTsError(message) }); }

  private packet(p: Buffer): void {
    this.counters.packets++;
    const h = parsePacketHeader(p);
    if (!h) return this.error('adaptation field longer than its packet');
    if (h.hasTransportError) return this.error(`transport_error_indicator on PID ${h.pid}`);
    const isTable = h.pid === PAT_PID || h.pid === this.pmtPid;
    const track = this.tracks.get(h.pid);
    if (!isTable && (!track || track.codec.codec === 'unsupported')) return;
    // Packets without payload don't advance the continuity counter (§2.4.3.3) and carry nothing for us.
    if (!h.hasPayload) return;
    const s = this.state(h.pid);
    if (!this.continuityOk(h, s)) return;
    const payload = p.subarray(h.payloadStart);
    if (isTable) this.tablePacket(h, s, payload);
    else this.pesPacket(h, s, payload);
  }

  private state(pid: number): PidState {
    let s = this.pids.get(pid);
    if (!s) { s = { cc: undefined, chunks: undefined, size: 0, isRandomAccess: false }; this.pids.set(pid, s); }
    return s;
  }

  /** continuity_counter (§2.4.3.3): +1 per packet with payload; one duplicate allowed; discontinuity_indicator resets it. */
  private continuityOk(h: PacketHeader, s: PidState): boolean {
    const previous = s.cc;
    s.cc = h.cc;
    if (previous === undefined || h.isDiscontinuity || h.cc === ((previous + 1) & 0x0f)) return true;
    if (h.cc === previous) return false; // a duplicate packet: skip it
    this.counters.continuityErrors++;
    this.error(`continuity counter of PID ${h.pid} went from ${previous} to ${h.cc}`);
    if (s.chunks) { this.counters.pesDropped++; s.chunks = undefined; }
    return true;
  }

  private tablePacket(h: PacketHeader, s: PidState, payload: Buffer): void {
    if (h.isUnitStart) {
      // pointer_field (§2.4.4.2): bytes finishing the previous section come first.
      const pointer = payload[0]!;
      if (s.chunks && pointer > 0) this.gather(s, payload.subarray(1, 1 + pointer), MAX_SECTION_BYTES);
      if (s.chunks) this.finishSection(h.pid, s);
      s.chunks = [];
      s.size = 0;
      this.gather(s, payload.subarray(1 + pointer), MAX_SECTION_BYTES);
    } else if (s.chunks) {
      this.gather(s, payload, MAX_SECTION_BYTES);
    }
    if (s.chunks && s.size >= 3) {
      const first = Buffer.concat(s.chunks);
      if (first[0] === 0xff) { s.chunks = undefined; return; } // stuffing after the last section
      if (s.size >= 3 + (first.readUInt16BE(1) & 0x0fff)) this.finishSection(h.pid, s);
    }
  }

  private finishSection(pid: number, s: PidState): void {
    const section = Buffer.concat(s.chunks ?? []);
    s.chunks = undefined;
    if (section.length < 3 || section[0] === 0xff) return;
    try {
      if (pid === PAT_PID) this.onPat(section);
      else this.onPmt(section);
    } catch (e) {
      if (!(e instanceof MpegTsError)) throw e;
      this.events.push({ kind: 'error', error: e });
    }
  }

  private onPat(section: Buffer): void {
    const pat = parsePat(section);
    if (!pat || pat.pmtPid === this.pmtPid) return;
    this.pmtPid = pat.pmtPid;
    this.pids.delete(pat.pmtPid);
  }

  private onPmt(section: Buffer): void {
    const pmt = parsePmt(section);
    if (!pmt) return;
    const key = JSON.stringify(pmt.tracks);
    if (key === this.tracksKey) return;
    this.tracksKey = key;
    // Units still open on streams that go away end here, as they would at the end of the input.
    for (const pid of this.tracks.keys()) {
      if (pmt.tracks.some((t) => t.pid === pid)) continue;
      const s = this.pids.get(pid);
      if (s) this.finishPes(pid, s);
      this.pids.delete(pid);
    }
    this.tracks = new Map(pmt.tracks.map((t) => [t.pid, t]));
    this.events.push({ kind: 'tracks', tracks: pmt.tracks });
  }

  private pesPacket(h: PacketHeader, s: PidState, payload: Buffer): void {
    if (h.isUnitStart) {
      if (s.chunks) this.finishPes(h.pid, s);
      s.chunks = [];
      s.size = 0;
      s.isRandomAccess = h.isRandomAccess;
    } else if (!s.chunks) {
      return; // the middle of a unit whose start we missed
    }
    if (this.bufferedPesBytes() + payload.length > this.maxBufferedBytes) {
      s.chunks = undefined;
      this.counters.pesDropped++;
      this.error(`more than ${this.maxBufferedBytes} bytes of unfinished PES packets`);
      return;
    }
    if (!this.gather(s, payload, this.maxPesBytes)) {
      this.counters.pesDropped++;
      this.error(`PES on PID ${h.pid} larger than ${this.maxPesBytes} bytes`);
      return;
    }
    // With PES_packet_length set the unit ends as soon as it is whole, without waiting for the next one.
    if (s.size >= 6) {
      const head = s.chunks!.length === 1 ? s.chunks![0]! : Buffer.concat(s.chunks!);
      const length = head.readUInt16BE(4);
      if (length > 0 && s.size >= 6 + length) this.finishPes(h.pid, s);
    }
  }

  private bufferedPesBytes(): number {
    let n = 0;
    for (const [pid, s] of this.pids) if (s.chunks && this.tracks.has(pid)) n += s.size;
    return n;
  }

  /** Appends to the open unit; false (and the unit dropped) when it would pass `max` bytes. */
  private gather(s: PidState, bytes: Buffer, max: number): boolean {
    if (s.size + bytes.length > max) { s.chunks = undefined; return false; }
    s.chunks!.push(Buffer.from(bytes)); // a copy: the input chunk may be reused by the caller
    s.size += bytes.length;
    return true;
  }

  private finishPes(pid: number, s: PidState): void {
    const chunks = s.chunks;
    s.chunks = undefined;
    const track = this.tracks.get(pid);
    if (!chunks || !track) return;
    const pes = Buffer.concat(chunks);
    try {
      const h = parsePesHeader(pes);
      const end = h.packetLength > 0 ? 6 + h.packetLength : pes.length;
      if (end > pes.length) throw new MpegTsError(`PES on PID ${pid} cut short: ${pes.length} of ${end} bytes`);
      this.events.push({ kind: 'pes', track, pts: h.pts, dts: h.dts, isRandomAccess: s.isRandomAccess, data: pes.subarray(h.payloadStart, end) });
    } catch (e) {
      if (!(e instanceof MpegTsError)) throw e;
      this.counters.pesDropped++;
      this.events.push({ kind: 'error', error: e });
    }
  }
}
