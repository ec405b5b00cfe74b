import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fmp4PartUnits, fmp4StreamTracks, parseFmp4Init, parseFmp4Parts } from './index.ts';
import { FFMPEG_H264_AAC_MP4, FFMPEG_H265_OPUS_MP4 } from './fmp4-vectors.ts';

describe('fMP4 stream reader (fMP4 to description and units)', () => {
  it('describes FFmpeg\'s tracks, video first, with their parameter sets and clocks', () => {
    const h264 = fmp4StreamTracks(parseFmp4Init(FFMPEG_H264_AAC_MP4));
    assert.deepEqual(h264.map((t) => `${t.media.kind}:${t.format.codec}/${t.format.clockRate}`), ['video:h264/90000', 'audio:mpeg4Audio/48000']);
    const f = h264[0]!.format;
    assert.ok(f.codec === 'h264' && f.sps && f.pps);
    const h265 = fmp4StreamTracks(parseFmp4Init(FFMPEG_H265_OPUS_MP4));
    assert.deepEqual(h265.map((t) => `${t.media.kind}:${t.format.codec}/${t.format.clockRate}`), ['video:h265/90000', 'audio:opus/48000']);
  });

  it('turns samples into access units, rescaled from the track time scale (12800 Hz) to 90 kHz, B-frame DTS kept', () => {
    const init = parseFmp4Init(FFMPEG_H264_AAC_MP4);
    const tracks = fmp4StreamTracks(init);
    const units = parseFmp4Parts(FFMPEG_H264_AAC_MP4, init).flatMap((p) => fmp4PartUnits(p, tracks));
    const video = units.filter((u) => u.track.format.codec === 'h264');
    // ffprobe: 0/1024/K 512/2560 1024/1536 … in 12800 Hz ticks.
    assert.deepEqual(video.map((u) => `${u.dts ?? u.pts}/${u.pts}${u.randomAccess ? '/K' : ''}`).slice(0, 3), ['0/7200/K', '3600/18000', '7200/10800']);
    assert.ok(video.every((u) => Array.isArray(u.payload) && u.payload.length > 0), 'NAL units out of AVCC');
    const audio = units.filter((u) => u.track.format.codec === 'mpeg4Audio');
    assert.deepEqual(audio.slice(0, 3).map((u) => u.pts), [0, 3840, 4864]);
  });
});
