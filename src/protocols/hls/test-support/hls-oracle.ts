import assert from 'node:assert/strict';
import { parse, setOptions, type types } from 'hls-parser';

// Strict mode: every rule hls-parser knows (RFC 8216bis and Apple's LL-HLS rules) throws instead of printing.
setOptions({ strictMode: true });

// Names are `<muxer prefix>_seg<n>.mp4` and `<muxer prefix>_part<n>.mp4`.
const number = (uri: string, kind: string): number => Number(new RegExp(`^[0-9a-f]+_${kind}(\\d+)\\.`).exec(uri)?.[1] ?? NaN);
const prefixOf = (uri: string): string | undefined => /^([0-9a-f]+)_(seg|part)\d+\./.exec(uri)?.[1];

/**
 * Parses a media playlist with hls-parser in strict mode, then checks what the issue asks of every playlist we
 * write: EXTINF rounded ≤ TARGETDURATION, parts ≤ PART-TARGET, segment names following the media sequence, part
 * numbers following each other, and the preload hint naming the part after the last one.
 */
export function checkMediaPlaylist(text: string): types.MediaPlaylist {
  const pl = parse(text);
  assert.ok(!pl.isMasterPlaylist, 'a media playlist');
  const media = pl as types.MediaPlaylist;
  const parts: number[] = [];
  let hint: number | undefined;
  const prefixes = new Set<string | undefined>();
  for (const s of media.segments) {
    for (const uri of [s.gap ? undefined : s.uri, ...s.parts.map((p) => p.uri)]) if (uri) prefixes.add(prefixOf(uri));
    if (s.uri !== '') {
      assert.ok(Math.round(s.duration) <= media.targetDuration, `${s.uri}: EXTINF ${s.duration} > TARGETDURATION ${media.targetDuration}`);
      if (!s.gap) assert.equal(number(s.uri, 'seg'), s.mediaSequenceNumber, `${s.uri} is not segment ${s.mediaSequenceNumber}`);
    }
    for (const p of s.parts) {
      if (p.hint) { hint = number(p.uri, 'part'); continue; }
      assert.ok(p.duration! <= media.partTargetDuration! + 1e-9, `${p.uri}: ${p.duration} > PART-TARGET ${media.partTargetDuration}`);
      parts.push(number(p.uri, 'part'));
    }
  }
  assert.ok(prefixes.size <= 1 && !prefixes.has(undefined), `segments and parts share one muxer prefix: ${[...prefixes].join(', ')}`);
  parts.forEach((n, i) => { if (i > 0) assert.equal(n, parts[i - 1]! + 1, `part${n} follows part${parts[i - 1]}`); });
  if (media.lowLatencyCompatibility) {
    assert.notEqual(hint, undefined, 'a preload hint');
    if (parts.length > 0) assert.equal(hint, parts.at(-1)! + 1, 'the preload hint names the next part');
  }
  return media;
}

/** Parses a multivariant playlist with hls-parser in strict mode. */
export function checkMultivariantPlaylist(text: string): types.MasterPlaylist {
  const pl = parse(text);
  assert.ok(pl.isMasterPlaylist, 'a multivariant playlist');
  return pl as types.MasterPlaylist;
}
