import assert from 'node:assert/strict';
import { annexBToNalus, h264IsRandomAccess } from '../../../codecs/index.ts';
import { MpegTsDemuxer, parseFmp4Init, parseFmp4Parts, type Fmp4Part } from '../../../formats/index.ts';
import type { HlsMuxer } from '../index.ts';
import { checkMediaPlaylist, checkMultivariantPlaylist } from './hls-oracle.ts';
import { bodyOf, get, textOf, type FakeClock, type TimedUnit } from './hls-units.ts';

/**
 * Writes units at their live pace and, after each one, fetches the media playlist (and its delta update with
 * Low-Latency) whenever it changed, checking every version with the oracle. Returns the versions seen.
 */
export async function runChecked(m: HlsMuxer, clock: FakeClock, units: readonly TimedUnit[], originMs = clock.ms): Promise<string[]> {
  const seen: string[] = [];
  for (const u of units) {
    clock.ms = Math.max(clock.ms, originMs + u.atMs);
    m.writeUnit(u.format, u.unit);
    if (m.stats().readyMs === undefined) continue;
    const text = await textOf(await get(m, 'stream.m3u8'));
    if (text === seen.at(-1)) continue;
    seen.push(text);
    checkMediaPlaylist(text);
    await checkIndependentSegments(m, text);
    if (text.includes('CAN-SKIP-UNTIL')) checkMediaPlaylist(await textOf(await get(m, 'stream.m3u8', '_HLS_skip=YES')));
  }
  return seen;
}

/** A segment's name: the muxer's random prefix, `_seg`, its number. */
export const SEGMENT_NAME = /^[0-9a-f]+_seg\d+\.(mp4|ts)$/;

/** The segment file names a media playlist lists, in order. */
export function segmentNames(playlist: string): string[] {
  return playlist.split('\n').filter((l) => SEGMENT_NAME.test(l));
}

/** The EXTINF durations of a media playlist's segments (gaps left out). */
export function segmentDurations(playlist: string): number[] {
  const lines = playlist.split('\n');
  return lines.flatMap((l, i) => (SEGMENT_NAME.test(lines[i + 1] ?? '') && l.startsWith('#EXTINF:') ? [Number(l.slice(8, -1))] : []));
}

/** The init segment and every listed segment of an fMP4 muxer, parsed. */
export async function fmp4Segments(m: HlsMuxer, playlist: string): Promise<{ name: string; parts: Fmp4Part[]; bytes: Buffer }[]> {
  const init = parseFmp4Init(await bodyOf(await get(m, 'init.mp4')));
  return Promise.all(segmentNames(playlist).map(async (name) => {
    const bytes = await bodyOf(await get(m, name));
    return { name, parts: parseFmp4Parts(bytes, init), bytes };
  }));
}

/**
 * The oracle of EXT-X-INDEPENDENT-SEGMENTS (RFC 8216bis §4.4.2.1): when index.m3u8 declares it, the first sample of
 * every segment the media playlist lists is a sync sample (fMP4 variants, read with the fMP4 reader). Returns
 * whether the tag was there.
 */
export async function checkIndependentSegments(m: HlsMuxer, playlist: string): Promise<boolean> {
  const isPromised = checkMultivariantPlaylist(await textOf(await get(m, 'index.m3u8'))).independentSegments;
  if (!isPromised) return false;
  if (!playlist.includes('#EXT-X-MAP')) {
    for (const name of segmentNames(playlist)) {
      const isKey = firstTsVideoIsKey(await bodyOf(await get(m, name)));
      assert.notEqual(isKey, false, `index.m3u8 has EXT-X-INDEPENDENT-SEGMENTS but ${name} starts with a non-IDR access unit\n${playlist}`);
    }
    return true;
  }
  for (const seg of await fmp4Segments(m, playlist)) {
    const first = seg.parts[0]?.tracks[0]?.samples[0];
    assert.ok(first?.isSync, `index.m3u8 has EXT-X-INDEPENDENT-SEGMENTS but ${seg.name} starts with ${first ? 'a non-sync sample' : 'no sample'}\n${playlist}`);
  }
  return true;
}

/** Whether the first H264 access unit of an MPEG-TS segment is an IDR, read from its NAL units; undefined without video. */
function firstTsVideoIsKey(ts: Buffer): boolean | undefined {
  const d = new MpegTsDemuxer();
  const events = [...d.push(ts), ...d.flush()];
  const first = events.find((e) => e.kind === 'pes' && e.track.codec.codec === 'h264');
  return first?.kind === 'pes' ? h264IsRandomAccess(annexBToNalus(first.data)) : undefined;
}
