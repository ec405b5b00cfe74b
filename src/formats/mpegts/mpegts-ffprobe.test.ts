import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { annexBToNalus, parseAdts, splitMpegAudioFrames } from '../../codecs/index.ts';
import { ffprobe } from '../test-support/ffprobe.ts';
import { MpegTsDemuxer, MpegTsMuxer, decodeOpusAccessUnits, type MpegTsEvent, type MpegTsTrackSpec } from './index.ts';
import {
  FFMPEG_H264_AAC_PACKETS, FFMPEG_H264_AAC_TS, FFMPEG_H264_OPUS_PACKETS, FFMPEG_H264_OPUS_TS, FFMPEG_H265_MP3_PACKETS, FFMPEG_H265_MP3_TS,
} from './mpegts-vectors.ts';

// Independent check of what we write: the FFmpeg fixtures are demuxed, every access unit is written again by
// MpegTsMuxer, and ffprobe must find the codecs, every packet with its timestamps, and no error.

type Pes = Extract<MpegTsEvent, { kind: 'pes' }>;

interface Case { readonly name: string; readonly ts: Buffer; readonly packets: { readonly audio: string }; readonly codecs: readonly string[]; readonly tracks: readonly MpegTsTrackSpec[] }

const CASES: readonly Case[] = [
  { name: 'H264 + AAC', ts: FFMPEG_H264_AAC_TS, packets: FFMPEG_H264_AAC_PACKETS, codecs: ['h264', 'aac'], tracks: [{ codec: { codec: 'h264' } }, { codec: { codec: 'mpeg4Audio', config: Buffer.from('1188', 'hex') } }] },
  { name: 'H265 + MP3', ts: FFMPEG_H265_MP3_TS, packets: FFMPEG_H265_MP3_PACKETS, codecs: ['hevc', 'mp3'], tracks: [{ codec: { codec: 'h265' } }, { codec: { codec: 'mpeg1Audio', sampleRate: 48000 } }] },
  { name: 'H264 + Opus', ts: FFMPEG_H264_OPUS_TS, packets: FFMPEG_H264_OPUS_PACKETS, codecs: ['h264', 'opus'], tracks: [{ codec: { codec: 'h264' } }, { codec: { codec: 'opus', channels: 2 } }] },
];

describe('MPEG-TS output checked by ffprobe', () => {
  for (const c of CASES) {
    it(`${c.name}: codecs, every packet's timestamps and sizes, no error`, () => {
      const d = new MpegTsDemuxer();
      const pes = [...d.push(c.ts), ...d.flush()].filter((e): e is Pes => e.kind === 'pes');
      const m = new MpegTsMuxer(c.tracks);
      const [video, audio] = m.tracks as [typeof m.tracks[0], typeof m.tracks[0]];
      const expectedVideo: string[] = [];
      const out = Buffer.concat(pes.map((p) => {
        if (p.track.pid === video.pid) {
          const nalus = annexBToNalus(p.data);
          expectedVideo.push(`${p.dts}/${p.pts}/${nalus.reduce((n, x) => n + 4 + x.length, 0)}${p.isRandomAccess ? '/K' : ''}`);
          return m.writeVideo(video, { pts: p.pts, dts: p.dts, nalus });
        }
        switch (audio.codec.codec) {
          case 'mpeg4Audio': return m.writeMpeg4Audio(audio, { pts: p.pts, aus: parseAdts(p.data).map((f) => f.au) });
          case 'mpeg1Audio': return m.writeMpeg1Audio(audio, { pts: p.pts, frames: splitMpegAudioFrames(p.data) });
          default: return m.writeOpus(audio, { pts: p.pts, packets: decodeOpusAccessUnits(p.data) });
        }
      }));
      const probe = ffprobe(out, 'ts');
      assert.equal(probe.stderr, '');
      assert.deepEqual(probe.streams.map((s) => s['codec_name']), c.codecs);
      assert.deepEqual([probe.streams[0]!['width'], probe.streams[0]!['height']], [32, 32]);
      assert.equal(probe.streams[1]!['sample_rate'], '48000');
      const packets = (index: number): string[] => probe.packets.filter((p) => p.stream_index === index)
        .map((p) => (index === 0 ? `${p.dts}/${p.pts}/${p.size}${p.flags.startsWith('K') ? '/K' : ''}` : `${p.pts}/${p.size}`));
      let video0 = packets(0);
      // FFmpeg's HEVC parser counts the zero_byte before a 4-byte start code in the previous packet.
      if (c.codecs[0] === 'hevc') video0 = video0.map((s, i) => s.replace(/\/(\d+)(\/K)?$/, (_, n: string, k = '') => `/${Number(n) - (i < video0.length - 1 ? 1 : 0) + (i > 0 ? 1 : 0)}${k}`));
      assert.deepEqual(video0, expectedVideo, 'video');
      // Our audio PES are FFmpeg's byte for byte (Opus trims aside), so ffprobe splits them the same way.
      assert.deepEqual(packets(1).join(' '), c.packets.audio, 'audio');
    });
  }
});
