import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hlsNextStep, hlsStartCursor } from './hls-cursor.ts';
import { parseHlsPlaylist, type HlsMediaPlaylist } from './hls-playlist.ts';

const media = (text: string): HlsMediaPlaylist => parseHlsPlaylist(`#EXTM3U\n${text}`) as HlsMediaPlaylist;
const LIVE = media('#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:10\n' + [10, 11, 12, 13, 14].map((n) => `#EXTINF:1,\ns${n}.ts`).join('\n'));
const LL = media('#EXT-X-TARGETDURATION:1\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n#EXT-X-PART-INF:PART-TARGET=0.25\n#EXT-X-MEDIA-SEQUENCE:3\n'
  + '#EXT-X-PART:DURATION=0.25,URI="p3.0"\n#EXT-X-PART:DURATION=0.25,URI="p3.1"\n#EXTINF:0.5,\ns3.mp4\n#EXT-X-PART:DURATION=0.25,URI="p4.0"\n');

describe('HLS playback cursor (RFC 8216bis §6.3)', () => {
  it('starts three segments from the live edge, at the last segment for Low-Latency, at the first when ended', () => {
    assert.deepEqual(hlsStartCursor(LIVE), { msn: 12, part: 0 });
    assert.deepEqual(hlsStartCursor(LL), { msn: 3, part: 0 });
    assert.deepEqual(hlsStartCursor(media('#EXT-X-TARGETDURATION:1\n#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n#EXT-X-ENDLIST')), { msn: 0, part: 0 });
  });

  it('fetches whole segments, then reloads without blocking when the server can not block', () => {
    const s = hlsNextStep(LIVE, { msn: 14, part: 0 });
    assert.equal(s.kind === 'segment' && s.segment.uri, 's14.ts');
    assert.deepEqual(hlsNextStep(LIVE, { msn: 15, part: 0 }), { kind: 'reload' });
    assert.deepEqual(hlsNextStep(LIVE, { msn: 9, part: 0 }), { kind: 'behind' });
  });

  it('walks the parts of the segment being written, then blocks for the next part', () => {
    const a = hlsNextStep(LL, { msn: 4, part: 0 });
    assert.deepEqual(a.kind === 'part' && [a.part.uri, a.next], ['p4.0', { msn: 4, part: 1 }]);
    assert.deepEqual(hlsNextStep(LL, { msn: 4, part: 1 }), { kind: 'reload', block: { msn: 4, part: 1 } });
    // A segment completed while its parts were read: the remaining parts, then the next segment.
    const b = hlsNextStep(LL, { msn: 3, part: 1 });
    assert.deepEqual(b.kind === 'part' && [b.part.uri, b.next], ['p3.1', { msn: 4, part: 0 }]);
    assert.equal(hlsNextStep(LL, { msn: 3, part: 5 }).kind, 'skip');
  });

  it('skips gaps and ends after an ended playlist', () => {
    const p = media('#EXT-X-TARGETDURATION:1\n#EXT-X-GAP\n#EXTINF:1,\na.ts\n#EXT-X-ENDLIST');
    assert.deepEqual(hlsNextStep(p, { msn: 0, part: 0 }), { kind: 'skip', next: { msn: 1, part: 0 }, reason: 'segment 0 is a gap' });
    assert.deepEqual(hlsNextStep(p, { msn: 1, part: 0 }), { kind: 'ended' });
  });
});
