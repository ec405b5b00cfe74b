import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { av1Format, opusFormat, parseFmtpParams, type H264Format, type H265Format } from '../formats/index.ts';
import { formatUpdater } from './format-updater.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const SPS = Buffer.from('Z2QADKzZQUH7ARAAAAMAEAAAAwMg8UKZYA==', 'base64');
const PPS = Buffer.from('aOvjyyLA', 'base64');
const SPS2 = hex('6742c01e95a0508a');
const PPS2 = hex('68ce3c80');
const IDR = hex('65 888400ff');
const AUD = hex('09 f0');
// As FFmpeg 5.1 announces it: the fmtp text the stream must re-announce untouched while the parameter sets stay.
const FFMPEG_FMTP = 'packetization-mode=1; sprop-parameter-sets=Z2QADKzZQUH7ARAAAAMAEAAAAwMg8UKZYA==,aOvjyyLA; profile-level-id=64000C';

function ffmpegH264(): H264Format {
  return { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, fmtp: FFMPEG_FMTP, params: parseFmtpParams(FFMPEG_FMTP), sps: SPS, pps: PPS };
}

describe('format updater', () => {
  const h264 = formatUpdater('h264')!;

  it('keeps an H264 format and its fmtp text untouched while in-band parameter sets match', () => {
    const f = ffmpegH264();
    assert.equal(h264(f, [AUD, SPS, PPS, IDR]), false);
    assert.equal(h264(f, [hex('41 9a00')]), false);
    assert.equal(f.fmtp, FFMPEG_FMTP);
  });

  it('takes new in-band SPS/PPS into the format and its fmtp, as copies of the NAL units', () => {
    const f = ffmpegH264();
    const packet = Buffer.concat([SPS2, PPS2, IDR, Buffer.alloc(8000)]); // an IDR's packet: big, with its own memory
    const au = [packet.subarray(0, SPS2.length), packet.subarray(SPS2.length, SPS2.length + PPS2.length), packet.subarray(SPS2.length + PPS2.length)];
    assert.equal(h264(f, au), true);
    assert.deepEqual([f.sps, f.pps], [SPS2, PPS2]);
    assert.notEqual(f.sps!.buffer, packet.buffer, 'does not keep the whole packet alive');
    assert.equal(f.fmtp, `packetization-mode=1; sprop-parameter-sets=${SPS2.toString('base64')},${PPS2.toString('base64')}; profile-level-id=42C01E`);
    assert.equal(f.params.get('profile-level-id'), '42C01E');
    assert.equal(h264(f, au), false, 'the same again changes nothing');
  });

  it('keeps an SPS without PPS on the format, and writes the fmtp once both are known', () => {
    const f: H264Format = { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, fmtp: 'packetization-mode=1', params: parseFmtpParams('packetization-mode=1') };
    assert.equal(h264(f, [SPS2]), true);
    assert.equal(f.fmtp, 'packetization-mode=1');
    assert.equal(h264(f, [PPS2, IDR]), true);
    assert.equal(f.fmtp, `packetization-mode=1; sprop-parameter-sets=${SPS2.toString('base64')},${PPS2.toString('base64')}`);
  });

  it('takes new in-band H265 VPS/SPS/PPS into the format and its fmtp', () => {
    const [vps, sps, pps] = [hex('4001 0c01'), hex('4201 0101600000'), hex('4401 c172')];
    const f: H265Format = { codec: 'h265', payloadType: 96, encoding: 'H265', clockRate: 90000, params: new Map() };
    assert.equal(formatUpdater('h265')!(f, [vps, sps, pps, hex('2601 af00')]), true);
    assert.deepEqual([f.vps, f.sps, f.pps], [vps, sps, pps]);
    assert.equal(f.fmtp, `sprop-vps=${vps.toString('base64')}; sprop-sps=${sps.toString('base64')}; sprop-pps=${pps.toString('base64')}`);
  });

  it('takes a new AV1 sequence header into the format, leaving the fmtp as announced', () => {
    const seq = hex('0a0b 000000043cffbcdaf9 0040');
    const f = av1Format(96);
    assert.equal(formatUpdater('av1')!(f, [hex('1200'), seq, hex('3203 5a5a5a')]), true);
    assert.deepEqual(f.sequenceHeader, seq);
    assert.equal(f.fmtp, undefined);
    assert.equal(formatUpdater('av1')!(f, [hex('3203 5a5a5a')]), false);
  });

  it('has nothing to update for codecs without in-band parameters', () => {
    assert.equal(formatUpdater(opusFormat(97, 2).codec), undefined);
    assert.equal(formatUpdater('mpeg4Audio'), undefined);
  });
});
