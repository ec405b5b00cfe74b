import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { annexBToNalus, parseAdts, splitMpegAudioFrames } from '../../codecs/index.ts';
import { crc32Mpeg2 } from './crc32.ts';
import {
  MpegTsDemuxer, MpegTsMuxer, decodeOpusAccessUnits, type MpegTsEvent, type MpegTsTrackSpec,
} from './index.ts';
import { FFMPEG_H264_AAC_TS, FFMPEG_H264_OPUS_TS, FFMPEG_H265_MP3_TS } from './mpegts-vectors.ts';
import { buildPesHeader, parsePesHeader } from './pes.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s|\/\/[^\n]*/g, ''), 'hex');
const packetsOf = (b: Buffer): Buffer[] => Array.from({ length: b.length / 188 }, (_, i) => b.subarray(i * 188, (i + 1) * 188));
const pidOf = (p: Buffer): number => p.readUInt16BE(1) & 0x1fff;
type Pes = Extract<MpegTsEvent, { kind: 'pes' }>;

function demux(b: Buffer): MpegTsEvent[] {
  const d = new MpegTsDemuxer();
  return [...d.push(b), ...d.flush()];
}
const pesOf = (events: readonly MpegTsEvent[], pid: number): Pes[] => events.filter((e): e is Pes => e.kind === 'pes' && e.track.pid === pid);

/** The packets of one PID, grouped per unit (a new group at each payload_unit_start_indicator). */
function unitsOf(b: Buffer, pid: number): Buffer[] {
  const units: Buffer[][] = [];
  for (const p of packetsOf(b).filter((q) => pidOf(q) === pid)) {
    if (p[1]! & 0x40) units.push([]);
    units.at(-1)?.push(p);
  }
  return units.map((u) => Buffer.concat(u));
}

const FIXTURES: readonly { name: string; ts: Buffer; tracks: MpegTsTrackSpec[] }[] = [
  { name: 'H264 + AAC', ts: FFMPEG_H264_AAC_TS, tracks: [{ codec: { codec: 'h264' } }, { codec: { codec: 'mpeg4Audio', config: hex('1188') } }] },
  { name: 'H265 + MP3', ts: FFMPEG_H265_MP3_TS, tracks: [{ codec: { codec: 'h265' } }, { codec: { codec: 'mpeg1Audio', sampleRate: 48000 } }] },
  { name: 'H264 + Opus', ts: FFMPEG_H264_OPUS_TS, tracks: [{ codec: { codec: 'h264' } }, { codec: { codec: 'opus', channels: 2 } }] },
];

describe('MPEG-TS muxer (ISO/IEC 13818-1)', () => {
  it('CRC-32/MPEG-2: the catalogue check value, and FFmpeg sections check to 0', () => {
    assert.equal(crc32Mpeg2(Buffer.from('123456789')), 0x0376e6e7);
    assert.equal(crc32Mpeg2(FFMPEG_H264_AAC_TS.subarray(188 + 5, 188 + 5 + 16)), 0); // the PAT section with its CRC
  });

  it('vectors: PAT and PMT as FFmpeg writes them for H264 + AAC, H265 + MP3 (HEVC registration) and H264 + Opus', () => {
    for (const f of FIXTURES) {
      // FFmpeg's packets: SDT, PAT, PMT, then the first PES.
      assert.deepEqual(new MpegTsMuxer(f.tracks).writeTables(), f.ts.subarray(188, 3 * 188), f.name);
    }
  });

  it('vectors: a one-packet video PES derived from the spec (PCR, random access, PTS and DTS, stuffing)', () => {
    const m = new MpegTsMuxer([{ codec: { codec: 'h264' } }]);
    const out = m.writeVideo(m.tracks[0]!, { pts: 93600, dts: 90000, nalus: [hex('65888400')] });
    assert.equal(out.length, 3 * 188);
    const expected = hex(`
      47 41 00 30                          // PUSI, PID 0x100, adaptation field + payload, CC 0
      96 50 00009e34 7e00                  // AF length 150: random access + PCR; PCR base 81000 = DTS − 9000
      ${'ff'.repeat(143)}                  // stuffing
      000001 e0 0000 80 c0 0a              // PES: video, unbounded length, PTS and DTS, 10 header bytes
      31 0005 db41                         // PTS 93600 ('0011', 3 + 15 + 15 bits with markers)
      11 0005 bf21                         // DTS 90000 ('0001')
      00000001 09f0 00000001 65888400      // the AUD we add, then the IDR slice`);
    assert.deepEqual(out.subarray(2 * 188), expected);
    const [tracks, pes] = demux(out);
    assert.deepEqual(tracks, { kind: 'tracks', tracks: m.tracks });
    assert.deepEqual(pes, { kind: 'pes', track: m.tracks[0], pts: 93600, dts: 90000, isRandomAccess: true, data: expected.subarray(188 - 14) });
  });

  it('PES headers: 33-bit timestamps wrap, PTS alone when DTS equals it, unbounded length past 65535', () => {
    const h = buildPesHeader({ streamId: 0xc0, pts: 2 ** 33 + 5, dts: 5, payloadLength: 100 });
    assert.deepEqual(h, hex('000001c0 006c 80 80 05 21 0001 000b'));
    assert.deepEqual(parsePesHeader(buildPesHeader({ streamId: 0xe0, pts: -1, dts: -3601, payloadLength: 0 })),
      { streamId: 0xe0, packetLength: 0, pts: 2 ** 33 - 1, dts: 2 ** 33 - 3601, payloadStart: 19 });
    assert.equal(buildPesHeader({ streamId: 0xc0, pts: 0, payloadLength: 65535 - 8 }).readUInt16BE(4), 65535);
    assert.equal(buildPesHeader({ streamId: 0xc0, pts: 0, payloadLength: 65535 - 7 }).readUInt16BE(4), 0);
  });

  it('writes audio PES packets byte for byte as FFmpeg: AAC in ADTS, MP3 frames, Opus without trims', () => {
    for (const f of FIXTURES) {
      const m = new MpegTsMuxer(f.tracks);
      const audio = m.tracks[1]!;
      const ffmpegUnits = unitsOf(f.ts, 0x101);
      const pes = pesOf(demux(f.ts), 0x101);
      assert.equal(pes.length, ffmpegUnits.length);
      let exact = 0;
      pes.forEach((p, i) => {
        const out = audio.codec.codec === 'mpeg4Audio' ? m.writeMpeg4Audio(audio, { pts: p.pts, aus: parseAdts(p.data).map((a) => a.au) })
          : audio.codec.codec === 'mpeg1Audio' ? m.writeMpeg1Audio(audio, { pts: p.pts, frames: splitMpegAudioFrames(p.data) })
          : m.writeOpus(audio, { pts: p.pts, packets: decodeOpusAccessUnits(p.data) });
        // FFmpeg trims Opus at both ends (start_trim 312 first, end_trim last); we never write trims.
        const hasTrims = audio.codec.codec === 'opus' && (p.data[1]! & 0x18) !== 0;
        if (!hasTrims) { assert.deepEqual(unitsOf(out, 0x101)[0], ffmpegUnits[i], `${f.name} PES ${i}`); exact++; }
      });
      assert.equal(exact, audio.codec.codec === 'opus' ? pes.length - 2 : pes.length, f.name);
      assert.ok(exact > 0);
    }
  });

  it('writes video PES packets as FFmpeg does: packet headers, continuity, PCR, random access and PES headers', () => {
    // FFmpeg's PCR runs 0.7 s (63000 ticks) behind the DTS; with that offset only the start codes differ: x264
    // writes 3-byte ones for some NAL units, which FFmpeg keeps, and we write 4-byte ones (as mediacommon).
    for (const f of FIXTURES) {
      const m = new MpegTsMuxer(f.tracks, { pcrOffset: 63000 });
      const [first, second] = pesOf(demux(f.ts), 0x100);
      const ours = [first!, second!].map((p) => m.writeVideo(m.tracks[0]!, { pts: p.pts, dts: p.dts, nalus: annexBToNalus(p.data) }));
      const theirs = unitsOf(f.ts, 0x100).slice(0, 2);
      unitsOf(Buffer.concat(ours), 0x100).forEach((u, i) => {
        const t = theirs[i]!;
        assert.equal(u.length, t.length, `${f.name} PES ${i}: packet count`);
        const pesStart = 5 + u[4]!;
        assert.deepEqual(u.subarray(0, 4), t.subarray(0, 4), `${f.name} PES ${i}: header`);
        assert.deepEqual(u[5], t[5], `${f.name} PES ${i}: adaptation field flags`);
        if (u[5]! & 0x10) assert.deepEqual(u.subarray(6, 12), t.subarray(6, 12), `${f.name} PES ${i}: PCR`);
        assert.deepEqual(u.subarray(pesStart, pesStart + 9 + u[pesStart + 8]!), t.subarray(5 + t[4]!, 5 + t[4]! + 9 + t[5 + t[4]! + 8]!), `${f.name} PES ${i}: PES header`);
        for (let k = 188; k < u.length; k += 188) assert.deepEqual(u.subarray(k, k + 4), t.subarray(k, k + 4), `${f.name} PES ${i} packet ${k / 188}`);
      });
      const again = pesOf(demux(Buffer.concat([m.writeTables(), ...ours])), 0x100);
      assert.deepEqual(again.map((p) => annexBToNalus(p.data)), [first!, second!].map((p) => annexBToNalus(p.data)));
    }
  });

  it('repeats PAT and PMT before each key frame of the PCR track, and puts PCR on it', () => {
    const m = new MpegTsMuxer([{ codec: { codec: 'mpeg4Audio', config: hex('1190') } }, { codec: { codec: 'h264' } }]);
    const [audio, video] = m.tracks as [typeof m.tracks[0], typeof m.tracks[0]];
    const idr = { pts: 0, dts: 0, nalus: [hex('658800')] };
    const nonIdr = { pts: 3600, dts: 3600, nalus: [hex('419a00')] };
    const pids = (b: Buffer): number[] => packetsOf(b).map(pidOf);
    assert.deepEqual(pids(m.writeMpeg4Audio(audio, { pts: 0, aus: [hex('21')] })), [0, 0x1000, 0x100]);
    assert.deepEqual(pids(m.writeVideo(video, idr)), [0, 0x1000, 0x101]);
    assert.deepEqual(pids(m.writeVideo(video, nonIdr)), [0x101]);
    assert.deepEqual(pids(m.writeVideo(video, { ...idr, pts: 7200, dts: 7200 })), [0, 0x1000, 0x101]);
    const pmt = packetsOf(m.writeTables())[1]!;
    assert.equal(pmt.readUInt16BE(13) & 0x1fff, 0x101, 'PCR_PID is the video track');
  });

  it('refuses units it cannot write', () => {
    const m = new MpegTsMuxer([{ codec: { codec: 'h264' } }, { codec: { codec: 'mpeg4Audio' } }]);
    const [video, audio] = m.tracks;
    assert.throws(() => m.writeVideo(video!, { pts: 0, dts: 0, nalus: [] }), { name: 'MpegTsError' });
    assert.throws(() => m.writeMpeg4Audio(audio!, { pts: 0, aus: [hex('00')] }), { name: 'MpegTsError' }); // no config
    assert.throws(() => m.writeOpus(video!, { pts: 0, packets: [] }), { name: 'MpegTsError' });
    assert.throws(() => m.writeVideo({ pid: 0x300, streamType: 0x1b, codec: { codec: 'h264' } }, { pts: 0, dts: 0, nalus: [hex('65')] }), { name: 'MpegTsError' });
    assert.throws(() => m.writeVideo(video!, { pts: 0.5, dts: 0, nalus: [hex('65')] }), { name: 'MpegTsError' });
    assert.throws(() => new MpegTsMuxer([]), { name: 'MpegTsError' });
    assert.throws(() => new MpegTsMuxer([{ pid: 0x1000, codec: { codec: 'h264' } }]), { name: 'MpegTsError' });
    assert.throws(() => new MpegTsMuxer([{ codec: { codec: 'opus', channels: 6 } }]), { name: 'MpegTsError' });
  });
});
