import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  g711Format, h264Format, mpeg4AudioFormat, mpegAudioFormat, opusFormat, vp9Format, type Description, type Format, type FormatOf,
} from '../../formats/index.ts';
import { Logger } from '../../lib/index.ts';
import { hlsCodecString, hlsVideoSize } from './hls-codec-string.ts';
import { selectHlsTracks } from './hls-tracks.ts';
import { HlsMuxer } from './index.ts';
import { encodeIvf, encodeTs } from './test-support/hls-media.ts';
import { AAC_CONFIG, FIXTURE_PPS, FIXTURE_SPS, get } from './test-support/hls-units.ts';

const h264 = h264Format(96, FIXTURE_SPS, FIXTURE_PPS);
const aac = mpeg4AudioFormat(97, AAC_CONFIG, 48000, 1);
const opus = opusFormat(98, 2);
const mp3 = mpegAudioFormat();
const describeFormats = (...formats: Format[]): Description => ({ medias: formats.map((f) => ({ kind: f.codec === 'h264' || f.codec === 'vp9' ? 'video' : 'audio', formats: [f] })) });

describe('track selection', () => {
  it('takes the first video and the first audio format HLS carries and names every other one', () => {
    const s = selectHlsTracks(describeFormats(g711Format(false, 1), h264, aac, vp9Format(99), opus), 'lowLatency');
    assert.equal(s.video?.format, h264);
    assert.equal(s.audio?.format, aac);
    assert.deepEqual([s.video?.id, s.audio?.id], [1, 2]);
    assert.deepEqual(s.skipped, [
      'track PCMU/8000 is left out: HLS can\'t carry this codec',
      'track VP9/90000 is left out: HLS carries one video track',
      'track opus/48000 is left out: HLS carries one audio track',
    ]);
  });

  it('MPEG-TS carries H264 with AAC or MP3 only, as gohlslib; fMP4 carries Opus and numbers tracks from 1', () => {
    const ts = selectHlsTracks(describeFormats(opus, vp9Format(99), mp3), 'mpegts');
    assert.equal(ts.video, undefined);
    assert.equal(ts.audio?.format, mp3);
    assert.equal(ts.skipped.length, 2);
    assert.match(ts.skipped[0]!, /^track opus\/48000 is left out: the MPEG-TS variant of HLS carries H264 video and AAC or MP3 audio/);
    const fmp4 = selectHlsTracks(describeFormats(opus), 'fmp4');
    assert.deepEqual([fmp4.audio?.format, fmp4.audio?.id, fmp4.audio?.timescale], [opus, 1, 48000]);
  });

  it('leaves out AAC without its AudioSpecificConfig', () => {
    const noConfig: FormatOf<'mpeg4Audio'> = { ...aac, config: undefined };
    assert.deepEqual(selectHlsTracks(describeFormats(noConfig), 'fmp4').skipped, ['track MPEG4-GENERIC/48000 is left out: AAC without an AudioSpecificConfig can\'t be described']);
  });

  it('a muxer without a track exposes none and answers 404', async () => {
    const m = new HlsMuxer(describeFormats(g711Format(true, 1)), {
      variant: 'lowLatency', segmentCount: 7, segmentDurationMs: 1000, partDurationMs: 200, segmentMaxSize: 1e6, log: Logger.silent(),
    });
    assert.deepEqual(m.tracks, []);
    assert.equal(m.skipped.length, 1);
    assert.equal((await get(m, 'index.m3u8')).status, 404);
    m.close();
  });

  it('refuses fewer segments than the variant needs, as gohlslib', () => {
    const o = { segmentDurationMs: 1000, partDurationMs: 200, segmentMaxSize: 1e6, log: Logger.silent() };
    assert.throws(() => new HlsMuxer(describeFormats(h264), { ...o, variant: 'lowLatency', segmentCount: 6 }), /at least 7 segments/);
    assert.throws(() => new HlsMuxer(describeFormats(h264), { ...o, variant: 'mpegts', segmentCount: 2 }), /minimum number of HLS segments is 3/);
  });
});

describe('CODECS values (RFC 6381)', () => {
  it('H264: avc1 + profile, constraints and level from the SPS; AAC: mp4a.40 + object type; MP3, Opus', () => {
    assert.equal(hlsCodecString({ codec: 'h264', sps: FIXTURE_SPS, pps: FIXTURE_PPS }), 'avc1.64000a');
    assert.equal(hlsCodecString({ codec: 'mpeg4Audio', config: AAC_CONFIG }), 'mp4a.40.2');
    assert.equal(hlsCodecString({ codec: 'mpeg1Audio', sampleRate: 44100, channels: 2 }), 'mp4a.40.34');
    assert.equal(hlsCodecString({ codec: 'opus', channels: 2 }), 'opus');
    assert.deepEqual(hlsVideoSize({ codec: 'h264', sps: FIXTURE_SPS, pps: FIXTURE_PPS }), { width: 64, height: 64 });
  });

  it('H265 Main: hvc1.1.6 (compatibility flags 1 and 2, bit-reversed), tier and level, constraint bytes', () => {
    const f = encodeTs('h265', 'aac', 0.2).medias[0]!.formats[0] as FormatOf<'h265'>;
    // x265's SPS: 42 01 | 01 01 | 60 00 00 03 00 | 90 00 00 03 00 00 03 … — flags read past the emulation
    // prevention bytes (03): compatibility 0x60000000, progressive and frame-only sources (0x90), level 30 (1.0).
    assert.equal(hlsCodecString({ codec: 'h265', vps: f.vps!, sps: f.sps!, pps: f.pps! }), 'hvc1.1.6.L30.90');
  });

  it('VP9 and AV1: profile, level and bit depth', () => {
    const vp9 = encodeIvf('vp9', 0.2).units[0]!.unit.payload as Buffer;
    assert.equal(hlsCodecString({ codec: 'vp9', width: 64, height: 64, profile: 0, bitDepth: 8, subsamplingX: 1, subsamplingY: 1, fullRange: false }), 'vp09.00.10.08');
    assert.ok(vp9.length > 0);
    const av1 = encodeIvf('av1', 0.2).medias[0]!.formats[0] as FormatOf<'av1'>;
    assert.equal(hlsCodecString({ codec: 'av1', sequenceHeader: av1.sequenceHeader! }), 'av01.0.00M.08');
  });

  it('unreadable parameters give no value', () => {
    assert.equal(hlsCodecString({ codec: 'h265', vps: Buffer.alloc(4), sps: Buffer.from([0x42, 0x01, 0x01]), pps: Buffer.alloc(4) }), undefined);
  });
});
