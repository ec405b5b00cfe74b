import { h264Format, mpeg4AudioFormat, type Description, type Format, type FormatOf, type Media } from '../../../formats/index.ts';
import { Logger } from '../../../lib/index.ts';
import type { Unit } from '../../../stream/index.ts';
import { x264FixtureAccessUnits } from '../../../../test/support/h264-fixture.ts';
import type { HlsMuxer, HlsMuxerOptions, HlsResponse } from '../index.ts';
import { abortSourceOf } from '../blocked-requests.ts';

/** A clock tests move by hand. */
export class FakeClock {
  ms = 1_700_000_000_000;
  readonly now = (): number => this.ms;
}

/** One unit to write, with the wall-clock time (ms from the start) at which a live publisher would send it. */
export interface TimedUnit { readonly format: Format; readonly unit: Unit; readonly atMs: number }

const X264 = x264FixtureAccessUnits();
/** The x264 fixture's SPS (64x64, High profile, 25 fps). */
export const FIXTURE_SPS = X264[0]!.find((n) => (n[0]! & 0x1f) === 7)!;
/** The x264 fixture's PPS. */
export const FIXTURE_PPS = X264[0]!.find((n) => (n[0]! & 0x1f) === 8)!;
/** AAC LC, 48 kHz, mono. */
export const AAC_CONFIG = Buffer.from('1188', 'hex');

/** An H264 video media and an AAC (48 kHz mono) audio media, as a publisher would announce them. */
export function h264AacDescription(): { desc: Description; video: FormatOf<'h264'>; audio: FormatOf<'mpeg4Audio'> } {
  const video = h264Format(96, FIXTURE_SPS, FIXTURE_PPS);
  const audio = mpeg4AudioFormat(97, AAC_CONFIG, 48000, 1);
  const medias: Media[] = [{ kind: 'video', formats: [video] }, { kind: 'audio', formats: [audio] }];
  return { desc: { medias }, video, audio };
}

/** Shape of synthetic video: frames per second and frames per GOP. */
export interface VideoShape { readonly fps?: number; readonly gopFrames?: number; readonly startPts?: number; readonly sliceBytes?: number }

/**
 * `frames` synthetic H264 access units without B-frames: key frames carry the fixture's SPS and PPS and an IDR
 * slice, the others one non-IDR slice (bytes that only look like slices: the muxer never decodes them).
 */
export function videoUnits(format: Format, frames: number, shape: VideoShape = {}): TimedUnit[] {
  const { fps = 25, gopFrames = 25, startPts = 0, sliceBytes = 100 } = shape;
  const step = 90000 / fps;
  return Array.from({ length: frames }, (_, i) => {
    const isKey = i % gopFrames === 0;
    const slice = Buffer.alloc(sliceBytes, i & 0xff);
    slice[0] = isKey ? 0x65 : 0x41;
    const payload = isKey ? [FIXTURE_SPS, FIXTURE_PPS, slice] : [slice];
    return { format, unit: { pts: startPts + i * step, payload, randomAccess: isKey }, atMs: (i * 1000) / fps };
  });
}

/** `count` AAC units of one 20-byte access unit each, 1024 ticks apart at 48 kHz. */
export function aacUnits(format: Format, count: number, startPts = 0): TimedUnit[] {
  return Array.from({ length: count }, (_, i) => ({
    format, unit: { pts: startPts + i * 1024, payload: [Buffer.alloc(20, i & 0xff)] }, atMs: (i * 1024) / 48,
  }));
}

/** Units of several tracks in the order a live publisher sends them (by due time; video first on ties). */
export function interleave(...tracks: TimedUnit[][]): TimedUnit[] {
  return tracks.flat().map((u, i) => ({ u, i })).sort((a, b) => a.u.atMs - b.u.atMs || a.i - b.i).map((x) => x.u);
}

/** Writes units as a live publisher would: the clock set to each unit's due time, from `originMs`. */
export function feedLive(m: HlsMuxer, clock: FakeClock, units: readonly TimedUnit[], originMs = clock.ms): void {
  for (const u of units) {
    clock.ms = Math.max(clock.ms, originMs + u.atMs);
    m.writeUnit(u.format, u.unit);
  }
}

/** Muxer options for tests: 1 s segments, 200 ms parts, no instant start (MediaMTX's behaviour) unless asked. */
export function testOptions(clock: FakeClock, o: Partial<HlsMuxerOptions> = {}): HlsMuxerOptions {
  return {
    variant: 'lowLatency', segmentCount: 7, segmentDurationMs: 1000, partDurationMs: 200, segmentMaxSize: 50 * 1024 * 1024,
    log: Logger.silent(), now: clock.now, instantStart: false, ...o,
  };
}

/** A GET of a muxer file: an optional query, an optional abort signal. */
export function get(m: HlsMuxer, file: string, query = '', signal = new AbortController().signal): Promise<HlsResponse> {
  return m.handle({ file, query: new URLSearchParams(query), ...abortSourceOf(signal) });
}

/** The whole body of a response. */
export async function bodyOf(r: HlsResponse): Promise<Buffer> {
  if (r.body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(r.body)) return r.body;
  const chunks: Buffer[] = [];
  for await (const c of r.body()) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The text of a response (a playlist). */
export async function textOf(r: HlsResponse): Promise<string> { return (await bodyOf(r)).toString('utf8'); }
