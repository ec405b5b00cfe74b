import {
  AAC_SAMPLES_PER_AU, av1ObuWithSize, H264NaluType, h264IsRandomAccess, h264NaluType, H265NaluType, h265IsRandomAccess,
  h265NaluType, nalusToAvcc, parseMpegAudioHeader, vp9IsKeyFrame, av1IsRandomAccess,
} from '../../codecs/index.ts';
import { rescale } from '../../lib/index.ts';
import type { FormatPayload } from '../../stream/index.ts';
import type { HlsAudioCodec, HlsVideoCodec } from './hls-tracks.ts';

/** One audio frame of a unit: its decode time in the format's ticks, and its bytes. */
export interface AudioFrame { readonly dts: number; readonly data: Buffer }

/** True when a decoder can start at this unit: its flag when its writer set one, else the codec's rule. */
export function isVideoKey(v: FormatPayload<HlsVideoCodec>): boolean {
  if (v.unit.randomAccess !== undefined) return v.unit.randomAccess;
  switch (v.codec) {
    case 'h264': return h264IsRandomAccess(v.payload);
    case 'h265': return h265IsRandomAccess(v.payload);
    case 'av1': return av1IsRandomAccess(v.payload);
    case 'vp9': return vp9IsKeyFrame(v.payload);
  }
}

// Parameter sets travel in the init segment (avcC / hvcC): hvc1 sample entries must hold them all (ISO/IEC 14496-15
// §8.4.1.1, array_completeness 1), so samples go without them.
const isH264ParameterSet = (n: Uint8Array): boolean => { const t = h264NaluType(n); return t === H264NaluType.Sps || t === H264NaluType.Pps; };
const isH265ParameterSet = (n: Uint8Array): boolean => {
  const t = h265NaluType(n);
  return t === H265NaluType.Vps || t === H265NaluType.Sps || t === H265NaluType.Pps;
};

/** AVCC/HVCC sample: the NAL units, length-prefixed, parameter sets left out. */
function avccSample(nalus: readonly Buffer[], isParameterSet: (n: Uint8Array) => boolean): Buffer | undefined {
  const kept = nalus.filter((n) => n.length > 0 && !isParameterSet(n));
  return kept.length > 0 ? nalusToAvcc(kept) : undefined;
}

/** The bytes of a video sample in fMP4: AVCC/HVCC length-prefixed NAL units, AV1 OBUs with their sizes, a VP9 frame. */
export function fmp4VideoSample(v: FormatPayload<HlsVideoCodec>): Buffer | undefined {
  switch (v.codec) {
    case 'h264': return avccSample(v.payload, isH264ParameterSet);
    case 'h265': return avccSample(v.payload, isH265ParameterSet);
    // ISOBMFF AV1 §2.4: the low-overhead format, every OBU with obu_size.
    case 'av1': {
      const obus = v.payload.filter((o) => o.length > 0).map(av1ObuWithSize);
      return obus.length > 0 ? Buffer.concat(obus) : undefined;
    }
    case 'vp9': return v.payload.length > 0 ? v.payload : undefined;
  }
}

// RFC 6716 §3.1: the frame size of each of the 32 TOC configurations, in 48 kHz samples: SILK 10/20/40/60 ms,
// Hybrid 10/20 ms, CELT 2.5/5/10/20 ms.
const OPUS_FRAME_SAMPLES = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 480, 960,
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
];

/** Samples (at 48 kHz) an Opus packet decodes to, from its TOC byte and frame count (RFC 6716 §3.1–§3.2); 0 when malformed. */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0]!;
  const perFrame = OPUS_FRAME_SAMPLES[toc >> 3]!;
  const code = toc & 0x03;
  const frames = code === 0 ? 1 : code < 3 ? 2 : packet.length > 1 ? packet[1]! & 0x3f : 0;
  return perFrame * frames;
}

/**
 * The frames of an audio unit, each with its decode time: AAC access units every 1024 ticks (the clock is the
 * sample rate), Opus packets after the samples of those before them (48 kHz clock), MP3 frames likewise from their
 * headers. Frames that can't be timed (an MP3 frame without a header) are left out.
 */
export function audioFrames(a: FormatPayload<HlsAudioCodec>, dts: number): AudioFrame[] {
  const out: AudioFrame[] = [];
  switch (a.codec) {
    case 'mpeg4Audio':
      a.payload.forEach((au, i) => { if (au.length > 0) out.push({ dts: dts + i * AAC_SAMPLES_PER_AU, data: au }); });
      return out;
    case 'opus': {
      let at = dts;
      for (const p of a.payload) {
        const n = opusPacketSamples(p);
        if (n > 0) out.push({ dts: at, data: p });
        at += n;
      }
      return out;
    }
    case 'mpeg1Audio': {
      let samples = 0;
      for (const f of a.payload) {
        let h;
        try { h = parseMpegAudioHeader(f); } catch { continue; } // not a frame: left out, the stream goes on
        out.push({ dts: dts + rescale(samples, h.sampleRate, a.format.clockRate, 'round'), data: f });
        samples += h.samples;
      }
      return out;
    }
  }
}
