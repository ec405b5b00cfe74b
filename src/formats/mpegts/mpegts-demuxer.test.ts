import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { annexBToNalus, parseAdts, parseMpegAudioHeader, splitMpegAudioFrames } from '../../codecs/index.ts';
import {
  MpegTsDemuxer, MpegTsError, MpegTsMuxer, MpegTsTimeDecoder, MPEGTS_TIMESTAMP_MODULO, decodeOpusAccessUnits, encodeOpusAccessUnits,
  type MpegTsEvent, type MpegTsTrack,
} from './index.ts';
import {
  FFMPEG_H264_AAC_PACKETS, FFMPEG_H264_AAC_TS, FFMPEG_H264_OPUS_PACKETS, FFMPEG_H264_OPUS_TS, FFMPEG_H265_MP3_PACKETS, FFMPEG_H265_MP3_TS,
} from './mpegts-vectors.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
type Pes = Extract<MpegTsEvent, { kind: 'pes' }>;

function demux(b: Uint8Array, chunkSizes: readonly number[] = [b.length], maxPesBytes?: number): { events: MpegTsEvent[]; d: MpegTsDemuxer } {
  const d = new MpegTsDemuxer(maxPesBytes === undefined ? {} : { maxPesBytes });
  const events: MpegTsEvent[] = [];
  let pos = 0;
  for (let i = 0; pos < b.length; i++) {
    const n = Math.max(1, chunkSizes[i % chunkSizes.length]!);
    events.push(...d.push(b.subarray(pos, pos + n)));
    pos += n;
  }
  events.push(...d.flush());
  return { events, d };
}
const pesOf = (events: readonly MpegTsEvent[]): Pes[] => events.filter((e): e is Pes => e.kind === 'pes');

/** Audio frames of a PES as "pts/size", the way FFmpeg's parsers split them (AAC sizes with the ADTS header). */
function audioFrames(p: Pes): string[] {
  switch (p.track.codec.codec) {
    case 'mpeg4Audio': return parseAdts(p.data).map((f, i) => `${p.pts + i * 1920}/${f.au.length + 7}`);
    case 'mpeg1Audio': return splitMpegAudioFrames(p.data).map((f, i) => `${p.pts + (i * parseMpegAudioHeader(f).samples * 90000) / 48000}/${f.length}`);
    case 'opus': return decodeOpusAccessUnits(p.data).map((f, i) => `${p.pts + i * 1800}/${f.length}`); // 20 ms packets
    default: throw new Error('not audio');
  }
}

const FIXTURES = [
  { name: 'H264 + AAC', ts: FFMPEG_H264_AAC_TS, packets: FFMPEG_H264_AAC_PACKETS, codecs: ['h264', 'mpeg4Audio'], streamTypes: [0x1b, 0x0f] },
  { name: 'H265 + MP3', ts: FFMPEG_H265_MP3_TS, packets: FFMPEG_H265_MP3_PACKETS, codecs: ['h265', 'mpeg1Audio'], streamTypes: [0x24, 0x03] },
  { name: 'H264 + Opus', ts: FFMPEG_H264_OPUS_TS, packets: FFMPEG_H264_OPUS_PACKETS, codecs: ['h264', 'opus'], streamTypes: [0x1b, 0x06] },
] as const;

describe('MPEG-TS demuxer (ISO/IEC 13818-1)', () => {
  it('reads FFmpeg streams as ffprobe does: tracks from the PMT, then every access unit and audio frame', () => {
    for (const f of FIXTURES) {
      const { events, d } = demux(f.ts);
      assert.deepEqual(events[0], {
        kind: 'tracks',
        tracks: [{ pid: 0x100, streamType: f.streamTypes[0], codec: { codec: f.codecs[0] } },
          { pid: 0x101, streamType: f.streamTypes[1], codec: f.codecs[1] === 'opus' ? { codec: 'opus', channels: 2 } : { codec: f.codecs[1] } }],
      }, f.name);
      assert.deepEqual(events.filter((e) => e.kind === 'error'), []);
      assert.deepEqual(d.stats, { packets: f.ts.length / 188, continuityErrors: 0, bytesSkipped: 0, pesDropped: 0 });
      const video = pesOf(events).filter((p) => p.track.pid === 0x100);
      let sizes = video.map((p) => p.data.length);
      // FFmpeg's HEVC parser counts the zero_byte before a 4-byte start code in the previous packet.
      if (f.codecs[0] === 'h265') sizes = sizes.map((n, i) => n + (i < sizes.length - 1 ? 1 : 0) - (i > 0 ? 1 : 0));
      assert.deepEqual(video.map((p, i) => `${p.dts}/${p.pts}/${sizes[i]}${p.isRandomAccess ? '/K' : ''}`).join(' '), f.packets.video, f.name);
      assert.deepEqual(pesOf(events).filter((p) => p.track.pid === 0x101).flatMap(audioFrames).join(' '), f.packets.audio, f.name);
    }
  });

  it('gives the same events whatever the chunking, for FFmpeg streams and damaged ones', () => {
    const input = fc.tuple(
      fc.constantFrom(...FIXTURES.map((f) => f.ts)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 8 }),
    );
    fc.assert(fc.property(input, ([ts, edits, chunks]) => {
      const b = Buffer.from(ts);
      for (const [at, v] of edits) b[at % b.length] = v;
      const whole = demux(b);
      const split = demux(b, chunks);
      assert.deepEqual(split.events, whole.events);
      assert.deepEqual(split.d.stats, whole.d.stats);
    }), { numRuns: 300 });
  });

  it('never throws on arbitrary bytes; errors come as MpegTsError events', () => {
    const packetLike = fc.array(fc.tuple(fc.constant(0x47), fc.uint8Array({ minLength: 187, maxLength: 187 })), { maxLength: 6 })
      .map((ps) => Buffer.concat(ps.map(([s, rest]) => Buffer.concat([Buffer.of(s), rest]))));
    const tables = FFMPEG_H264_AAC_TS.subarray(188, 3 * 188);
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 1200 }), packetLike, packetLike.map((p) => Buffer.concat([tables, p]))), (b) => {
      const { events } = demux(b, [97]);
      for (const e of events) if (e.kind === 'error') assert.ok(e.error instanceof MpegTsError);
    }), { numRuns: 3000 });
  });

  it('counts a lost packet as a continuity error and drops the access unit it broke; skips a duplicate', () => {
    const packets = Array.from({ length: FFMPEG_H264_AAC_TS.length / 188 }, (_, i) => FFMPEG_H264_AAC_TS.subarray(i * 188, i * 188 + 188));
    const lost = demux(Buffer.concat(packets.filter((_, i) => i !== 5))); // inside the first video PES
    assert.equal(lost.d.stats.continuityErrors, 1);
    assert.equal(lost.d.stats.pesDropped, 1);
    assert.match((lost.events.find((e) => e.kind === 'error') as { error: Error }).error.message, /continuity counter of PID 256 went from 1 to 3/);
    assert.equal(pesOf(lost.events).filter((p) => p.track.pid === 0x100).length, 5);
    const duplicated = demux(Buffer.concat([...packets.slice(0, 6), packets[5]!, ...packets.slice(6)]));
    assert.deepEqual(duplicated.events, demux(FFMPEG_H264_AAC_TS).events);
  });

  it('skips garbage between packets with one error per loss of sync', () => {
    const b = Buffer.concat([hex('00112233'), FFMPEG_H264_AAC_TS.subarray(0, 188 * 10), hex('ff'.repeat(50)), FFMPEG_H264_AAC_TS.subarray(188 * 10)]);
    const { events, d } = demux(b);
    assert.equal(d.stats.bytesSkipped, 54);
    assert.deepEqual(events.filter((e) => e.kind === 'error').map((e) => (e as { error: Error }).error.message), ['lost sync', 'lost sync']);
    assert.deepEqual(pesOf(events), pesOf(demux(FFMPEG_H264_AAC_TS).events));
  });

  it('drops a PES larger than maxPesBytes and keeps the rest', () => {
    const { events, d } = demux(FFMPEG_H264_AAC_TS, [FFMPEG_H264_AAC_TS.length], 1000);
    assert.equal(d.stats.pesDropped, 2); // the 1104-byte key frame and the 1070-byte AAC PES
    assert.equal(pesOf(events).length, 5);
    assert.ok(events.some((e) => e.kind === 'error' && /larger than 1000 bytes/.test(e.error.message)));
  });

  it('bounds the bytes of unfinished PES packets over all tracks', () => {
    const m = new MpegTsMuxer([{ codec: { codec: 'h264' } }, { codec: { codec: 'h264' } }]);
    const au = { pts: 0, dts: 0, nalus: [Buffer.alloc(900, 0x65)] };
    const [a, b] = [m.writeVideo(m.tracks[0]!, au), m.writeVideo(m.tracks[1]!, au)];
    const tables = a.subarray(0, 2 * 188);
    const [pa, pb] = [a.subarray(2 * 188), b]; // tables come once, before the first PES
    const interleaved = Buffer.concat(Array.from({ length: pa.length / 188 }, (_, i) => [pa.subarray(i * 188, i * 188 + 188), pb.subarray(i * 188, i * 188 + 188)]).flat());
    const bounded = new MpegTsDemuxer({ maxBufferedBytes: 1500 });
    const events = [...bounded.push(Buffer.concat([tables, interleaved])), ...bounded.flush()];
    // Packets alternate: the first PES's fifth packet would pass 1500 bytes in all, so that PES is dropped.
    assert.deepEqual(pesOf(events).map((p) => p.track.pid), [0x101]);
    assert.equal(bounded.stats.pesDropped, 1);
    assert.equal(pesOf(demux(Buffer.concat([tables, interleaved])).events).length, 2);
  });

  it('follows a PAT that moves the PMT, ending the units of streams that went away', () => {
    const a = new MpegTsMuxer([{ codec: { codec: 'h264' } }]);
    const b = new MpegTsMuxer([{ pid: 0x200, codec: { codec: 'h265' } }], { pmtPid: 0x1001 });
    const au = { pts: 0, dts: 0, nalus: [hex('2601af')] };
    const second = b.writeVideo(b.tracks[0]!, au);
    second[3] = (second[3]! & 0xf0) | 1; // the PAT's continuity counter goes on from the first muxer's
    const { events } = demux(Buffer.concat([a.writeVideo(a.tracks[0]!, { ...au, nalus: [hex('658800')] }), second]));
    assert.deepEqual(events.map((e) => (e.kind === 'pes' ? `pes ${e.track.pid}` : e.kind === 'tracks' ? `tracks ${e.tracks.map((t) => t.pid)}` : e.kind)),
      ['tracks 256', 'pes 256', 'tracks 512', 'pes 512']);
  });

  it('announces the tracks again when the PMT changes, and ends open units on flush only', () => {
    const { events } = demux(Buffer.concat([FFMPEG_H264_AAC_TS, FFMPEG_H265_MP3_TS]));
    const tracks = events.filter((e): e is Extract<MpegTsEvent, { kind: 'tracks' }> => e.kind === 'tracks');
    assert.deepEqual(tracks.map((t) => t.tracks.map((x) => x.codec.codec)), [['h264', 'mpeg4Audio'], ['h265', 'mpeg1Audio']]);
    assert.equal(pesOf(events).at(-1)!.track, tracks[1]!.tracks[0]);
    // A video PES has no length: the last one is emitted by flush().
    const d = new MpegTsDemuxer();
    const pushed = d.push(FFMPEG_H264_AAC_TS);
    assert.equal(pesOf(pushed).length, 6);
    assert.equal(pesOf(d.flush()).length, 1);
  });

  it('round trip: what the muxer writes comes back with the same timestamps and payloads', () => {
    const nalu = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b.map((x) => x || 1)));
    const ts = fc.integer({ min: -(2 ** 34), max: 2 ** 40 });
    const unit = fc.oneof(
      fc.record({ kind: fc.constant('video' as const), pts: ts, shift: fc.integer({ min: 0, max: 9000 }), nalus: fc.array(nalu, { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('aac' as const), pts: ts, aus: fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('opus' as const), pts: ts, packets: fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 3 }) }),
    );
    const wrap = (v: number): number => ((v % MPEGTS_TIMESTAMP_MODULO) + MPEGTS_TIMESTAMP_MODULO) % MPEGTS_TIMESTAMP_MODULO;
    fc.assert(fc.property(fc.array(unit, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 4 }), (units, chunks) => {
      const m = new MpegTsMuxer([{ codec: { codec: 'h265' } }, { codec: { codec: 'mpeg4Audio', config: hex('1190') } }, { codec: { codec: 'opus', channels: 2 } }]);
      const [video, aac, opus] = m.tracks as [MpegTsTrack, MpegTsTrack, MpegTsTrack];
      const bytes = Buffer.concat(units.map((u) => u.kind === 'video' ? m.writeVideo(video, { pts: u.pts + u.shift, dts: u.pts, nalus: u.nalus })
        : u.kind === 'aac' ? m.writeMpeg4Audio(aac, { pts: u.pts, aus: u.aus }) : m.writeOpus(opus, { pts: u.pts, packets: u.packets })));
      // Per track: a video PES has no length, so it is emitted when the next one of its track starts (or on flush).
      const got = pesOf(demux(bytes, chunks).events).map((p) => ({
        pid: p.track.pid, pts: p.pts, dts: p.dts,
        payload: (p.track.pid === video.pid ? annexBToNalus(p.data) : p.track.pid === aac.pid ? parseAdts(p.data).map((f) => f.au) : decodeOpusAccessUnits(p.data)).map((x) => Buffer.from(x)),
      }));
      const isAud = (n: Uint8Array): boolean => ((n[0]! >> 1) & 0x3f) === 35;
      const want = units.map((u) => u.kind === 'video'
        ? { pid: video.pid, pts: wrap(u.pts + u.shift), dts: wrap(u.pts), payload: [...(isAud(u.nalus[0]!) ? [] : [hex('460150')]), ...u.nalus.map((n) => Buffer.from(n))] }
        : { pid: u.kind === 'aac' ? aac.pid : opus.pid, pts: wrap(u.pts), dts: wrap(u.pts), payload: (u.kind === 'aac' ? u.aus : u.packets).map((x) => Buffer.from(x)) });
      for (const pid of [video.pid, aac.pid, opus.pid]) assert.deepEqual(got.filter((g) => g.pid === pid), want.filter((w) => w.pid === pid));
    }), { numRuns: 200 });
  });
});

describe('Opus access units (OpusTS opus_control_header) and timestamps', () => {
  it('vectors: FFmpeg\'s first Opus PES (start_trim 312) and au_size runs of 255', () => {
    const first = pesOf(demux(FFMPEG_H264_OPUS_TS).events).find((p) => p.track.codec.codec === 'opus')!;
    assert.deepEqual(first.data.subarray(0, 5), hex('7ff05b0138')); // prefix, start_trim_flag, au_size 91, start_trim 312
    assert.deepEqual(decodeOpusAccessUnits(first.data).map((p) => p.length), [91, 61, 66, 67, 66]);
    assert.deepEqual(encodeOpusAccessUnits([Buffer.alloc(254), Buffer.alloc(255), Buffer.alloc(0)]).subarray(0, 3), hex('7fe0fe'));
    const sizes = [0, 1, 254, 255, 256, 510, 1275];
    assert.deepEqual(decodeOpusAccessUnits(encodeOpusAccessUnits(sizes.map((n) => Buffer.alloc(n, n & 0xff)))).map((p) => p.length), sizes);
    assert.deepEqual(encodeOpusAccessUnits([Buffer.alloc(255)]).subarray(0, 4), hex('7fe0ff00'));
    assert.throws(() => decodeOpusAccessUnits(hex('7fe005 0102')), { name: 'MpegTsError' });
    assert.throws(() => decodeOpusAccessUnits(hex('7fd0')), { name: 'MpegTsError' });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (b) => {
      try { decodeOpusAccessUnits(Buffer.concat([hex('7fe0'), b])); } catch (e) { assert.ok(e instanceof MpegTsError); }
    }), { numRuns: 2000 });
  });

  it('time decoder: continues across the 2^33 wrap and keeps small steps back small', () => {
    const t = new MpegTsTimeDecoder();
    assert.deepEqual([2 ** 33 - 3600, 2 ** 33 - 7200, 1800, 0, 5400].map((v) => t.decode(v)), [2 ** 33 - 3600, 2 ** 33 - 7200, 2 ** 33 + 1800, 2 ** 33, 2 ** 33 + 5400]);
  });
});
