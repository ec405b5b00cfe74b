import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAttributeList, parseByteRange } from './hls-attributes.ts';
import { HLS_MAX_PLAYLIST_BYTES, HlsPlaylistError, parseHlsPlaylist, pickHlsVariant, type HlsMediaPlaylist } from './hls-playlist.ts';

// RFC 8216bis §9.1-style media playlist, as FFmpeg writes one (MPEG-TS).
const FFMPEG_TS = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:41
#EXTINF:1.000000,
ts-41.ts
#EXTINF:1.000000,
ts-42.ts
#EXT-X-DISCONTINUITY
#EXTINF:0.960000,
ts-43.ts
`;

// A Low-Latency playlist as this server's muxer writes one (RFC 8216bis §9.4 shape).
const LOW_LATENCY = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.50000,CAN-SKIP-UNTIL=12.00000
#EXT-X-PART-INF:PART-TARGET=0.20000
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-MAP:URI="init.mp4"
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T11:00:00Z
#EXT-X-PART:DURATION=0.20000,URI="part0.mp4",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.20000,URI="part1.mp4"
#EXTINF:2.00000,
seg7.mp4
#EXT-X-GAP
#EXTINF:2.00000,
gap.mp4
#EXT-X-PART:DURATION=0.20000,URI="part10.mp4",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.20000,URI="part11.mp4",BYTERANGE="100@20"
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part12.mp4"
`;

describe('HLS playlist parser (RFC 8216bis §4)', () => {
  it('reads a media playlist: sequence numbers, durations, discontinuities', () => {
    const p = parseHlsPlaylist(FFMPEG_TS) as HlsMediaPlaylist;
    assert.equal(p.kind, 'media');
    assert.equal(p.targetDuration, 1);
    assert.deepEqual(p.segments.map((s) => `${s.sequence}:${s.uri}:${s.duration}:${s.isDiscontinuity}`), ['41:ts-41.ts:1:false', '42:ts-42.ts:1:false', '43:ts-43.ts:0.96:true']);
    assert.equal(p.map, undefined);
    assert.equal(p.isEnded, false);
    assert.equal(p.canBlockReload, false);
    assert.ok((parseHlsPlaylist(`${FFMPEG_TS}#EXT-X-ENDLIST\n`) as HlsMediaPlaylist).isEnded);
  });

  it('reads Low-Latency parts, blocking reload, gaps and the map', () => {
    const p = parseHlsPlaylist(LOW_LATENCY) as HlsMediaPlaylist;
    assert.equal(p.partTarget, 0.2);
    assert.ok(p.canBlockReload);
    assert.deepEqual(p.map, { uri: 'init.mp4' });
    assert.deepEqual(p.segments.map((s) => [s.sequence, s.uri, s.parts.length, s.isGap]), [[7, 'seg7.mp4', 2, false], [8, 'gap.mp4', 0, true]]);
    assert.deepEqual(p.segments[0]!.parts[0], { uri: 'part0.mp4', duration: 0.2, isIndependent: true });
    assert.deepEqual(p.trailingParts, [
      { uri: 'part10.mp4', duration: 0.2, isIndependent: true },
      { uri: 'part11.mp4', duration: 0.2, isIndependent: false, byteRange: { length: 100, offset: 20 } },
    ]);
  });

  it('places byte ranges without offset after the previous sub-range of the same resource', () => {
    const p = parseHlsPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-BYTERANGE:100@0\n#EXTINF:1,\nall.ts\n#EXT-X-BYTERANGE:50\n#EXTINF:1,\nall.ts\n'
      + '#EXT-X-BYTERANGE:70\n#EXTINF:1,\nother.ts\n#EXT-X-PART:DURATION=1,URI="p.mp4",BYTERANGE="10@5"\n#EXT-X-PART:DURATION=1,URI="p.mp4",BYTERANGE="20"\n') as HlsMediaPlaylist;
    assert.deepEqual(p.segments.map((s) => s.byteRange), [{ length: 100, offset: 0 }, { length: 50, offset: 100 }, { length: 70, offset: 0 }]);
    assert.deepEqual(p.trailingParts.map((x) => x.byteRange), [{ length: 10, offset: 5 }, { length: 20, offset: 15 }]);
  });

  it('reads a multivariant playlist and picks the highest bandwidth, as MediaMTX does', () => {
    const p = parseHlsPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360\nmid/index.m3u8\n'
      + '#EXT-X-STREAM-INF:BANDWIDTH=3000000,CODECS="avc1.640028,mp4a.40.2"\n\nhigh/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=200000\nlow.m3u8\n');
    assert.equal(p.kind, 'multivariant');
    if (p.kind !== 'multivariant') return;
    assert.deepEqual(p.variants.map((v) => v.uri), ['mid/index.m3u8', 'high/index.m3u8', 'low.m3u8']);
    assert.equal(p.variants[0]!.codecs, 'avc1.64001f,mp4a.40.2');
    assert.equal(pickHlsVariant(p).uri, 'high/index.m3u8');
  });

  it('refuses malformed, encrypted and oversized playlists', () => {
    const bad = [
      'not a playlist', '#EXTM3U\n#EXTINF:1,\na.ts\n', '#EXTM3U\n#EXT-X-TARGETDURATION:x\n', '#EXTM3U\n#EXT-X-TARGETDURATION:1\na.ts\n',
      '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-KEY:METHOD=AES-128,URI="k"\n#EXTINF:1,\na.ts\n', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n',
      '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PART:DURATION=1\n', `#EXTM3U\n${'#'.repeat(HLS_MAX_PLAYLIST_BYTES)}`,
      `#EXTM3U\n#EXT-X-TARGETDURATION:1\n${'#EXTINF:1,\na.ts\n'.repeat(20_001)}`,
    ];
    for (const b of bad) assert.throws(() => parseHlsPlaylist(b), HlsPlaylistError, b.slice(0, 80));
  });

  it('refuses media sequence numbers a double cannot count on from, and target durations no timer can wait', () => {
    const ok = (head: string): string => `#EXTM3U\n${head}\n#EXT-X-GAP\n#EXTINF:2,\na.ts\n#EXTINF:2,\nb.ts\n`;
    // 2^53 + 1 reads as 2^53, and 2^53 + 1 === 2^53: the client's cursor would never pass the gap.
    for (const head of ['#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:9007199254740993', '#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0.1',
      '#EXT-X-TARGETDURATION:10000000000', '#EXT-X-TARGETDURATION:2\n#EXT-X-PART-INF:PART-TARGET=1e10']) {
      assert.throws(() => parseHlsPlaylist(ok(head)), HlsPlaylistError, head);
    }
    // Large but exact numbers (a server counting milliseconds since 1970) still play.
    const p = parseHlsPlaylist(ok('#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1764000000000')) as HlsMediaPlaylist;
    assert.deepEqual(p.segments.map((x) => x.sequence), [1764000000000, 1764000000001]);
  });

  it('splits attribute lists with quoted commas, and byte ranges', () => {
    assert.deepEqual([...parseAttributeList('BANDWIDTH=1,CODECS="a,b",NAME="x=y",X=1.5')], [['BANDWIDTH', '1'], ['CODECS', 'a,b'], ['NAME', 'x=y'], ['X', '1.5']]);
    assert.deepEqual(parseByteRange('100@20'), { length: 100, offset: 20 });
    assert.deepEqual(parseByteRange('7'), { length: 7 });
    assert.equal(parseByteRange('a@b'), undefined);
  });

  it('never throws anything but HlsPlaylistError (property)', () => {
    const line = fc.oneof(
      fc.constantFrom('#EXTINF:1,', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:5', '#EXT-X-PART:DURATION=0.2,URI="p"', '#EXT-X-GAP',
        '#EXT-X-STREAM-INF:BANDWIDTH=5', '#EXT-X-MAP:URI="i"', '#EXT-X-ENDLIST', 'a.ts', '', '#EXT-X-KEY:METHOD=NONE', '#EXT-X-BYTERANGE:5@1'),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
      try { parseHlsPlaylist(['#EXTM3U', ...lines].join('\n')); } catch (e) { if (!(e instanceof HlsPlaylistError)) throw e; }
    }), { numRuns: 1000 });
  });
});
