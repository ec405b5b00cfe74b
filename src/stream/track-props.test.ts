import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { g711Format, h264Format, h265Format, mpeg4AudioFormat, opusFormat, type Format } from '../formats/index.ts';
import { trackCodecProps } from './track-props.ts';

// Made with `ffmpeg -f lavfi -i testsrc=size=320x240 -frames:v 1 -pix_fmt yuv420p -c:v libx264 -profile:v main -level 3.1`
// and `-c:v libx265` at 352x288 (x265 picks level 2); the SPS NAL units as written.
const SPS_264 = Buffer.from('674d401feca0a0fd80880000030008000003019078c18cb0', 'hex');
const SPS_265 = Buffer.from('42010101600000030090000003000003003ca00b08048596566924caf0168080000003008000000c84', 'hex');

/** A format parsed from hand-written rtpmap and fmtp parts. */
function format(codec: Format['codec'], encoding: string, clockRate: number, fmtp: Record<string, string> = {}, channels?: number): Format {
  return { codec, payloadType: 96, encoding, clockRate, params: new Map(Object.entries(fmtp)), ...(channels ? { channels } : {}) } as Format;
}

describe('trackCodecProps', () => {
  it('reads the H264 picture size, profile and level from the SPS', () => {
    const f = h264Format(96, SPS_264, Buffer.from([0x68, 0xeb, 0xe3, 0xcb]));
    assert.deepEqual(trackCodecProps(f), { width: 320, height: 240, profile: 'Main', level: '3.1' });
  });

  it('reads the H265 picture size, profile and level from the SPS (level 2 is 60/30)', () => {
    const f = h265Format(96, { vps: Buffer.alloc(0), sps: SPS_265, pps: Buffer.alloc(0) });
    assert.deepEqual(trackCodecProps(f), { width: 352, height: 288, profile: 'Main', level: '2' });
  });

  it('shows zero and empty text without an SPS or with one it cannot read, as upstream does', () => {
    assert.deepEqual(trackCodecProps(format('h264', 'H264', 90000)), { width: 0, height: 0, profile: '', level: '' });
    const broken = { ...format('h264', 'H264', 90000), sps: SPS_264.subarray(0, 5) } as Format;
    assert.deepEqual(trackCodecProps(broken), { width: 0, height: 0, profile: '', level: '' });
  });

  it('reads audio properties from the config or the rtpmap', () => {
    assert.deepEqual(trackCodecProps(mpeg4AudioFormat(97, Buffer.from('1190', 'hex'), 48000, 2)), { sampleRate: 48000, channelCount: 2 });
    assert.deepEqual(trackCodecProps(opusFormat(111, 1)), { channelCount: 1 });
    assert.deepEqual(trackCodecProps(opusFormat(111, 2)), { channelCount: 2 });
    assert.deepEqual(trackCodecProps(g711Format(false, 1)), { muLaw: true, sampleRate: 8000, channelCount: 1 });
    assert.deepEqual(trackCodecProps(g711Format(true, 1)), { muLaw: false, sampleRate: 8000, channelCount: 1 });
    assert.deepEqual(trackCodecProps(format('lpcm', 'L24', 48000, {}, 2)), { bitDepth: 24, sampleRate: 48000, channelCount: 2 });
    assert.deepEqual(trackCodecProps(format('ac3', 'AC3', 44100, {}, 6)), { sampleRate: 44100, channelCount: 6 });
  });

  it('reads AV1 and VP9 properties from the SDP parameters, and gives none for other codecs', () => {
    assert.deepEqual(trackCodecProps(format('av1', 'AV1', 90000, { profile: '1', 'level-idx': '8', tier: '0' })), { width: 0, height: 0, profile: 1, level: 8, tier: 0 });
    assert.deepEqual(trackCodecProps(format('vp9', 'VP9', 90000, { 'profile-id': '2' })), { profile: 2 });
    assert.equal(trackCodecProps(format('mjpeg', 'JPEG', 90000)), null);
  });
});
