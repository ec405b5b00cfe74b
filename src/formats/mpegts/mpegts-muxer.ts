import { H264NaluType, H265NaluType, buildAdts, h264IsRandomAccess, h264NaluType, h265IsRandomAccess, h265NaluType, nalusToAnnexB } from '../../codecs/index.ts';
import { MpegTsError } from './mpegts-error.ts';
import { PAT_PID, buildPat, buildPmt } from './mpegts-psi.ts';
import { MpegTsStreamType, isMpegTsVideo, type MpegTsCodec, type MpegTsTrack } from './mpegts-track.ts';
import { encodeOpusAccessUnits } from './opus-access-unit.ts';
import { StreamId, buildPesHeader } from './pes.ts';
import { packetize } from './ts-packet.ts';

/** Options of a muxer; the defaults are FFmpeg's (PMT PID 0x1000, program and transport stream 1, PIDs from 0x100). */
export interface MpegTsMuxerOptions {
  readonly pmtPid?: number;
  readonly programNumber?: number;
  readonly transportStreamId?: number;
  /**
   * How far the PCR runs behind the DTS, in 90 kHz ticks. 9000 (100 ms), as mediacommon: VLC with VDPAU decoding
   * needs a PCR before the frame's DTS to play H265.
   */
  readonly pcrOffset?: number;
}

/** A track to mux: its codec and, optionally, its PID. */
export type MpegTsTrackSpec = { readonly pid?: number; readonly codec: Exclude<MpegTsCodec, { codec: 'unsupported' | 'mpeg4Video' | 'mpeg1Video' }> };

const FIRST_ES_PID = 0x100;
const DEFAULT_PMT_PID = 0x1000;
const DEFAULT_PCR_OFFSET = 9000;
/** A PCR at least every third PES of the PCR track (mediacommon's cadence), and at every video random access. */
const PCR_EVERY = 3;
/** PAT and PMT again after this much audio when there is no video (FFmpeg repeats them every 0.1 s). */
const AUDIO_TABLES_INTERVAL = 9000;
// The AUDs prepended to access units that lack one: H264 primary_pic_type 7 (any slice, 0xF0), H265 pic_type 2
// (any slice, 0x50). Apple's players, video.js and QuickTime need them to find access units.
const H264_AUD = Buffer.from([H264NaluType.Aud, 0xf0]);
const H265_AUD = Buffer.from([H265NaluType.Aud << 1, 0x01, 0x50]);

/**
 * Writes one program of elementary streams as 188-byte transport packets, returning the bytes of each call, so
 * that they can be shared by every reader of a stream. PAT and PMT come first and again before each key frame of
 * the PCR track (the first video track, else the first track); PCR rides in the adaptation field of that track's
 * PES packets; random_access_indicator marks key frames and every audio PES.
 */
export class MpegTsMuxer {
  /** The tracks with their PIDs and stream types, in the order given. */
  readonly tracks: readonly MpegTsTrack[];
  private readonly pcrPid: number;
  private readonly pmtPid: number;
  private readonly programNumber: number;
  private readonly transportStreamId: number;
  private readonly pcrOffset: number;
  private readonly cc = new Map<number, number>();
  private pesUntilPcr = 0;
  private lastTablesPts: number | undefined;

  constructor(specs: readonly MpegTsTrackSpec[], options: MpegTsMuxerOptions = {}) {
    if (specs.length === 0) throw new MpegTsError('a program needs a track');
    this.tracks = specs.map((s, i) => ({ pid: s.pid ?? FIRST_ES_PID + i, streamType: streamTypeOf(s.codec), codec: s.codec }));
    this.pmtPid = options.pmtPid ?? DEFAULT_PMT_PID;
    this.programNumber = options.programNumber ?? 1;
    this.transportStreamId = options.transportStreamId ?? 1;
    this.pcrOffset = options.pcrOffset ?? DEFAULT_PCR_OFFSET;
    // 13818-1 Table 2-3: PIDs 0x0001–0x000F are reserved and 0x1FFF is the null packet.
    const pids = [this.pmtPid, ...this.tracks.map((t) => t.pid)];
    if (new Set(pids).size !== pids.length || pids.some((p) => !Number.isInteger(p) || p < 0x10 || p > 0x1ffe)) throw new MpegTsError('invalid or repeated PID');
    this.pcrPid = (this.tracks.find((t) => isMpegTsVideo(t.codec)) ?? this.tracks[0]!).pid;
  }

  /** PAT and PMT (ISO/IEC 13818-1 §2.4.4), e.g. to start a segment. */
  writeTables(): Buffer {
    const pat = this.packets(PAT_PID, Buffer.concat([Buffer.of(0), buildPat({ transportStreamId: this.transportStreamId, programNumber: this.programNumber, pmtPid: this.pmtPid })]), true);
    const pmt = this.packets(this.pmtPid, Buffer.concat([Buffer.of(0), buildPmt({ programNumber: this.programNumber, pcrPid: this.pcrPid, tracks: this.tracks })]), true);
    return Buffer.concat([pat, pmt]);
  }

  /** Writes an H264 or H265 access unit (NAL units without start codes) as Annex B, with an AUD first. */
  writeVideo(track: MpegTsTrack, au: { readonly pts: number; readonly dts: number; readonly nalus: readonly Uint8Array[] }): Buffer {
    const { codec } = this.own(track);
    if (au.nalus.length === 0) throw new MpegTsError('empty access unit');
    let nalus = au.nalus;
    let isRandomAccess: boolean;
    if (codec.codec === 'h264') {
      if (h264NaluType(nalus[0]!) !== H264NaluType.Aud) nalus = [H264_AUD, ...nalus];
      isRandomAccess = h264IsRandomAccess(nalus);
    } else if (codec.codec === 'h265') {
      if (h265NaluType(nalus[0]!) !== H265NaluType.Aud) nalus = [H265_AUD, ...nalus];
      isRandomAccess = h265IsRandomAccess(nalus);
    } else {
      throw new MpegTsError(`track ${track.pid} is not H264 or H265`);
    }
    return this.writePes(track, { pts: au.pts, dts: au.dts, isRandomAccess, payload: nalusToAnnexB(nalus) });
  }

  /** Writes AAC access units in ADTS (one PES, PTS of the first). */
  writeMpeg4Audio(track: MpegTsTrack, p: { readonly pts: number; readonly aus: readonly Uint8Array[] }): Buffer {
    const { codec } = this.own(track);
    if (codec.codec !== 'mpeg4Audio' || !codec.config) throw new MpegTsError(`track ${track.pid} is not AAC with a configuration`);
    let payload: Buffer;
    try {
      payload = buildAdts(p.aus, codec.config);
    } catch (e) {
      throw new MpegTsError(`AAC can't be put in ADTS: ${(e as Error).message}`);
    }
    return this.writePes(track, { pts: p.pts, isRandomAccess: true, payload });
  }

  /** Writes MPEG-1/2 audio frames (MP2, MP3) as they are. */
  writeMpeg1Audio(track: MpegTsTrack, p: { readonly pts: number; readonly frames: readonly Uint8Array[] }): Buffer {
    if (this.own(track).codec.codec !== 'mpeg1Audio') throw new MpegTsError(`track ${track.pid} is not MPEG audio`);
    return this.writePes(track, { pts: p.pts, isRandomAccess: true, payload: Buffer.concat(p.frames) });
  }

  /** Writes Opus packets, each behind an opus_control_header. */
  writeOpus(track: MpegTsTrack, p: { readonly pts: number; readonly packets: readonly Uint8Array[] }): Buffer {
    if (this.own(track).codec.codec !== 'opus') throw new MpegTsError(`track ${track.pid} is not Opus`);
    return this.writePes(track, { pts: p.pts, isRandomAccess: true, payload: encodeOpusAccessUnits(p.packets) });
  }

  private own(track: MpegTsTrack): MpegTsTrack {
    const t = this.tracks.find((o) => o.pid === track.pid);
    if (!t) throw new MpegTsError(`no track with PID ${track.pid}`);
    return t;
  }

  private writePes(track: MpegTsTrack, u: { pts: number; dts?: number; isRandomAccess: boolean; payload: Buffer }): Buffer {
    for (const v of [u.pts, u.dts ?? 0]) if (!Number.isSafeInteger(v)) throw new MpegTsError(`invalid timestamp ${v}`);
    const isVideo = isMpegTsVideo(track.codec);
    const dts = u.dts ?? u.pts;
    const out: Buffer[] = [];
    let pcr: number | undefined;
    if (track.pid === this.pcrPid) {
      const areTablesDue = this.lastTablesPts === undefined
        || (isVideo ? u.isRandomAccess : Math.abs(u.pts - this.lastTablesPts) >= AUDIO_TABLES_INTERVAL);
      if (areTablesDue) { out.push(this.writeTables()); this.lastTablesPts = u.pts; }
      if (this.pesUntilPcr === 0 || (isVideo && u.isRandomAccess)) { pcr = dts - this.pcrOffset; this.pesUntilPcr = PCR_EVERY; }
      this.pesUntilPcr--;
    } else if (this.lastTablesPts === undefined) {
      out.push(this.writeTables()); // a demuxer starting here must learn the program before this PES
      this.lastTablesPts = u.pts;
    }
    const streamId = isVideo ? StreamId.Video : track.codec.codec === 'opus' ? StreamId.PrivateStream1 : StreamId.Audio;
    const header = buildPesHeader({ streamId, pts: u.pts, ...(isVideo ? { dts } : {}), payloadLength: u.payload.length });
    const first = { isRandomAccess: u.isRandomAccess, ...(pcr === undefined ? {} : { pcr }) };
    out.push(this.packets(track.pid, Buffer.concat([header, u.payload]), false, first));
    return Buffer.concat(out);
  }

  private packets(pid: number, payload: Buffer, isPsi: boolean, first?: { isRandomAccess: boolean; pcr?: number }): Buffer {
    const r = packetize({ pid, payload, cc: this.cc.get(pid) ?? 0x0f, isPsi, ...(first ? { first } : {}) });
    this.cc.set(pid, r.cc);
    return r.packets;
  }
}

function streamTypeOf(codec: MpegTsTrackSpec['codec']): number {
  switch (codec.codec) {
    case 'h264': return MpegTsStreamType.H264;
    case 'h265': return MpegTsStreamType.H265;
    case 'mpeg4Audio': return MpegTsStreamType.AacAdts;
    // 13818-3 audio (the lower sample rates of MPEG-2) has its own stream type.
    case 'mpeg1Audio': return codec.sampleRate !== undefined && codec.sampleRate < 32000 ? MpegTsStreamType.Mpeg2Audio : MpegTsStreamType.Mpeg1Audio;
    case 'opus':
      if (codec.channels < 1 || codec.channels > 2) throw new MpegTsError('Opus in MPEG-TS is written for 1 or 2 channels');
      return MpegTsStreamType.PrivateData;
  }
}
