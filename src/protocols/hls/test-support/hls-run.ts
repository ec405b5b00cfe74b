import { parseFmp4Init, parseFmp4Parts, type Fmp4Part } from '../../../formats/index.ts';
import type { HlsMuxer } from '../index.ts';
import { checkMediaPlaylist } from './hls-oracle.ts';
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
    if (text.includes('CAN-SKIP-UNTIL')) checkMediaPlaylist(await textOf(await get(m, 'stream.m3u8', '_HLS_skip=YES')));
  }
  return seen;
}

/** The segment file names a media playlist lists, in order. */
export function segmentNames(playlist: string): string[] {
  return playlist.split('\n').filter((l) => /^seg\d+\./.test(l));
}

/** The EXTINF durations of a media playlist's segments (gaps left out). */
export function segmentDurations(playlist: string): number[] {
  const lines = playlist.split('\n');
  return lines.flatMap((l, i) => (/^seg\d+\./.test(lines[i + 1] ?? '') && l.startsWith('#EXTINF:') ? [Number(l.slice(8, -1))] : []));
}

/** The init segment and every listed segment of an fMP4 muxer, parsed. */
export async function fmp4Segments(m: HlsMuxer, playlist: string): Promise<{ name: string; parts: Fmp4Part[]; bytes: Buffer }[]> {
  const init = parseFmp4Init(await bodyOf(await get(m, 'init.mp4')));
  return Promise.all(segmentNames(playlist).map(async (name) => {
    const bytes = await bodyOf(await get(m, name));
    return { name, parts: parseFmp4Parts(bytes, init), bytes };
  }));
}
