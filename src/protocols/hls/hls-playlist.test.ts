import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatProgramDateTime, mediaPlaylist, multivariantPlaylist, type MediaPlaylistView } from './hls-playlist.ts';
import type { HlsPart, HlsPlaylistEntry, HlsSegment } from './hls-segment.ts';
import { checkMediaPlaylist, checkMultivariantPlaylist } from './test-support/hls-oracle.ts';

const T = 90000;
const WALL = Date.UTC(2010, 0, 1, 1, 1, 2);

function part(id: number, seconds: number, isIndependent = false): HlsPart {
  return { id, fileName: `f00d_part${id}.mp4`, durationTicks: seconds * T, isIndependent, offset: 0, size: 1, bytes: undefined };
}

function segment(id: number, seconds: number, parts: HlsPart[] = [], ext = 'mp4'): HlsSegment {
  return { kind: 'segment', id, fileName: `f00d_seg${id}.${ext}`, startTicks: 0, isIndependent: true, durationTicks: seconds * T, startWallMs: WALL + id * 1000, size: 1000, parts };
}

const gap = (seconds: number): HlsPlaylistEntry => ({ kind: 'gap', durationTicks: seconds * T });

function view(entries: HlsPlaylistEntry[], o: Partial<MediaPlaylistView> = {}): MediaPlaylistView {
  return { entries, pendingParts: [], mediaSequence: 0, nextPartFileName: 'f00d_part0.mp4', targetDuration: 1, partTarget: 0.2, timescale: T, ...o };
}

// Segments of 1 s in five parts of 0.2 s, numbered as a Low-Latency muxer numbers them after seven gaps.
function lowLatencyEntries(segments: number): HlsPlaylistEntry[] {
  const out: HlsPlaylistEntry[] = Array.from({ length: 7 }, () => gap(1));
  for (let i = 0; i < segments; i++) out.push(segment(7 + i, 1, [0, 1, 2, 3, 4].map((p) => part(i * 5 + p, 0.2, p === 0))));
  return out;
}

describe('media playlists', () => {
  it('Low-Latency: gohlslib\'s tags in its order, gaps first, parts and date-times on the last two segments, the preload hint', () => {
    const entries = lowLatencyEntries(2).slice(2); // two gaps evicted: media sequence 2
    const text = mediaPlaylist(view(entries, { mediaSequence: 2, pendingParts: [part(10, 0.2, true)], nextPartFileName: 'f00d_part11.mp4' }), 'lowLatency', false);
    const gapLines = '#EXT-X-GAP\n#EXTINF:1.00000,\ngap.mp4\n'.repeat(5);
    const parts = (from: number): string => [0, 1, 2, 3, 4].map((p) => `#EXT-X-PART:DURATION=0.20000,URI="f00d_part${from + p}.mp4"${p === 0 ? ',INDEPENDENT=YES' : ''}\n`).join('');
    assert.equal(text, '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n'
      + '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.50000,CAN-SKIP-UNTIL=6.00000\n'
      + '#EXT-X-PART-INF:PART-TARGET=0.20000\n#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-MAP:URI="init.mp4"\n'
      + gapLines
      + `#EXT-X-PROGRAM-DATE-TIME:2010-01-01T01:01:09Z\n${parts(0)}#EXTINF:1.00000,\nf00d_seg7.mp4\n`
      + `#EXT-X-PROGRAM-DATE-TIME:2010-01-01T01:01:10Z\n${parts(5)}#EXTINF:1.00000,\nf00d_seg8.mp4\n`
      + '#EXT-X-PART:DURATION=0.20000,URI="f00d_part10.mp4",INDEPENDENT=YES\n'
      + '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="f00d_part11.mp4"\n');
    const pl = checkMediaPlaylist(text);
    assert.equal(pl.mediaSequenceBase, 2);
    assert.deepEqual(pl.segments.map((s) => s.mediaSequenceNumber), [2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('lists parts only for the last two segments', () => {
    const text = mediaPlaylist(view(lowLatencyEntries(4).slice(4), { mediaSequence: 4, nextPartFileName: 'f00d_part20.mp4' }), 'lowLatency', false);
    assert.ok(!text.includes('f00d_part9.mp4') && text.includes('f00d_part10.mp4') && text.includes('f00d_part19.mp4'));
    checkMediaPlaylist(text);
  });

  it('delta update: entries ending CAN-SKIP-UNTIL before the end go, EXT-X-SKIP counts them (RFC 8216bis §6.2.5.1)', () => {
    const w = view(lowLatencyEntries(7).slice(7), { mediaSequence: 7, nextPartFileName: 'f00d_part35.mp4' }); // seg7..seg13, 7 s; skip boundary 6 s
    const text = mediaPlaylist(w, 'lowLatency', true);
    assert.match(text, /#EXT-X-MAP:URI="init.mp4"\n#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n#EXTINF:1.00000,\nf00d_seg8.mp4\n/);
    assert.ok(!text.includes('f00d_seg7.mp4'));
    const pl = checkMediaPlaylist(text);
    assert.equal(pl.skip, 1);
    assert.equal(pl.segments[0]!.mediaSequenceNumber, 8);
  });

  it('delta update of a playlist shorter than the skip boundary is the whole playlist', () => {
    const w = view(lowLatencyEntries(2).slice(4), { mediaSequence: 4, nextPartFileName: 'f00d_part10.mp4' }); // 5 s < 6 s
    assert.equal(mediaPlaylist(w, 'lowLatency', true), mediaPlaylist(w, 'lowLatency', false));
  });

  it('fMP4: EXT-X-MAP, date-times on the last two segments, no parts', () => {
    const text = mediaPlaylist(view([segment(0, 4), segment(1, 1), segment(2, 2.5)], { targetDuration: 4 }), 'fmp4', false);
    assert.equal(text, '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-MAP:URI="init.mp4"\n'
      + '#EXTINF:4.00000,\nf00d_seg0.mp4\n'
      + '#EXT-X-PROGRAM-DATE-TIME:2010-01-01T01:01:03Z\n#EXTINF:1.00000,\nf00d_seg1.mp4\n'
      + '#EXT-X-PROGRAM-DATE-TIME:2010-01-01T01:01:04Z\n#EXTINF:2.50000,\nf00d_seg2.mp4\n');
    checkMediaPlaylist(text);
  });

  it('MPEG-TS: version 3, EXT-X-ALLOW-CACHE:NO, a date-time on every segment', () => {
    const text = mediaPlaylist(view([segment(0, 4, [], 'ts'), segment(1, 1, [], 'ts')], { targetDuration: 4 }), 'mpegts', false);
    assert.equal(text, '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-ALLOW-CACHE:NO\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n'
      + '#EXT-X-PROGRAM-DATE-TIME:2010-01-01T01:01:02Z\n#EXTINF:4.00000,\nf00d_seg0.ts\n'
      + '#EXT-X-PROGRAM-DATE-TIME:2010-01-01T01:01:03Z\n#EXTINF:1.00000,\nf00d_seg1.ts\n');
    checkMediaPlaylist(text);
  });

  it('prints durations in exact ticks with 5 decimals', () => {
    const text = mediaPlaylist(view([{ ...segment(0, 0), durationTicks: 3003 * 7 }]), 'mpegts', false);
    assert.match(text, /#EXTINF:0\.23357,\n/);
  });
});

describe('multivariant playlist', () => {
  it('one variant, stream.m3u8, with bandwidths, codecs, resolution and frame rate as gohlslib writes them', () => {
    const text = multivariantPlaylist({
      variant: 'lowLatency', independentSegments: true, bandwidth: 936, averageBandwidth: 737, codecs: ['avc1.42c028', 'mp4a.40.2'], resolution: { width: 1920, height: 1080 }, frameRate: 30,
    });
    assert.equal(text, '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-INDEPENDENT-SEGMENTS\n\n'
      + '#EXT-X-STREAM-INF:BANDWIDTH=936,AVERAGE-BANDWIDTH=737,CODECS="avc1.42c028,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=30.000\n'
      + 'stream.m3u8\n');
    const pl = checkMultivariantPlaylist(text);
    assert.equal(pl.variants[0]!.uri, 'stream.m3u8');
    assert.equal(pl.variants[0]!.codecs, 'avc1.42c028,mp4a.40.2');
  });

  it('version 3 for MPEG-TS, and no RESOLUTION or FRAME-RATE without video', () => {
    const text = multivariantPlaylist({ variant: 'mpegts', independentSegments: true, bandwidth: 1, averageBandwidth: 1, codecs: ['mp4a.40.2'] });
    assert.equal(text, '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n\n#EXT-X-STREAM-INF:BANDWIDTH=1,AVERAGE-BANDWIDTH=1,CODECS="mp4a.40.2"\nstream.m3u8\n');
    checkMultivariantPlaylist(text);
  });

  it('leaves EXT-X-INDEPENDENT-SEGMENTS out when a segment may start without a key frame', () => {
    const text = multivariantPlaylist({ variant: 'fmp4', independentSegments: false, bandwidth: 1, averageBandwidth: 1, codecs: ['avc1.42c028'] });
    assert.equal(text, '#EXTM3U\n#EXT-X-VERSION:9\n\n#EXT-X-STREAM-INF:BANDWIDTH=1,AVERAGE-BANDWIDTH=1,CODECS="avc1.42c028"\nstream.m3u8\n');
    assert.equal(checkMultivariantPlaylist(text).independentSegments, false, text);
  });
});

describe('EXT-X-PROGRAM-DATE-TIME', () => {
  it('prints UTC with milliseconds only when not zero, as Go\'s .999 layout', () => {
    assert.equal(formatProgramDateTime(WALL), '2010-01-01T01:01:02Z');
    assert.equal(formatProgramDateTime(WALL + 500), '2010-01-01T01:01:02.5Z');
    assert.equal(formatProgramDateTime(WALL + 50), '2010-01-01T01:01:02.05Z');
    assert.equal(formatProgramDateTime(WALL + 123), '2010-01-01T01:01:02.123Z');
  });
});
