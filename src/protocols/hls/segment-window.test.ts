import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mediaPlaylist } from './hls-playlist.ts';
import type { HlsPart, HlsSegment } from './hls-segment.ts';
import { HlsMemoryStorage } from './hls-storage.ts';
import { SegmentWindow } from './segment-window.ts';
import { checkMediaPlaylist } from './test-support/hls-oracle.ts';

const T = 90000;
const PREFIX = 'f00d';

function newWindow(): SegmentWindow {
  return new SegmentWindow({
    variant: 'lowLatency', segmentCount: 7, timescale: T, fileNamePrefix: PREFIX, storage: new HlsMemoryStorage(), onChange: () => {},
  });
}

/** Publishes one segment made of parts of the given durations (seconds), the first one independent. */
function publish(w: SegmentWindow, partSeconds: readonly number[]): void {
  const parts: HlsPart[] = [];
  for (const [i, s] of partSeconds.entries()) {
    const id = w.nextPartId;
    const part: HlsPart = { id, fileName: `${PREFIX}_part${id}.mp4`, durationTicks: Math.round(s * T), isIndependent: i === 0, offset: i, size: 1, bytes: Buffer.alloc(1) };
    parts.push(part);
    w.addPart(part);
    assertPartsWithinTarget(w);
  }
  const id = w.nextSegmentId;
  const durationTicks = parts.reduce((n, p) => n + p.durationTicks, 0);
  const segment: HlsSegment = {
    kind: 'segment', id, fileName: `${PREFIX}_seg${id}.mp4`, startTicks: 0, isIndependent: true, durationTicks,
    startWallMs: Date.UTC(2010, 0, 1) + id * 1000, size: parts.length, parts,
  };
  w.addSegment(segment, [Buffer.alloc(parts.length)]);
  assertPartsWithinTarget(w);
}

// PART-TARGET is an upper bound of every part held, at every step (RFC 8216bis §4.4.4.9).
function assertPartsWithinTarget(w: SegmentWindow): void {
  const parts = [...w.entries.flatMap((e) => (e.kind === 'segment' ? e.parts : [])), ...w.pendingParts];
  for (const p of parts) assert.ok(p.durationTicks / T <= w.partTarget, `${p.fileName}: ${p.durationTicks / T} s > PART-TARGET ${w.partTarget}`);
}

const NORMAL = [0.2, 0.2, 0.2, 0.2, 0.2];

describe('segment window', () => {
  it('PART-TARGET comes back down once an unusually long part has left the window (no running maximum)', () => {
    const w = newWindow();
    publish(w, NORMAL);
    assert.equal(w.partTarget, 0.2);
    publish(w, [0.2, 0.2, 0.9, 0.2, 0.2]); // a gap in the publisher's frames: one long part, not the last one
    assert.equal(w.partTarget, 0.9);
    // The long part's segment stays held for `segmentCount` more segments (gohlslib's window): the target with it.
    for (let i = 0; i < 6; i++) publish(w, NORMAL);
    assert.equal(w.partTarget, 0.9);
    publish(w, NORMAL); // it leaves
    assert.equal(w.partTarget, 0.2);
    for (const s of [0.2, 0.2]) {
      const id = w.nextPartId;
      w.addPart({ id, fileName: `${PREFIX}_part${id}.mp4`, durationTicks: s * T, isIndependent: false, offset: 0, size: 1, bytes: Buffer.alloc(1) });
    }
    assert.equal(w.partTarget, 0.2);

    // The playlist passes hls-parser's strict check, which includes the 85% rule, and says so itself.
    const text = mediaPlaylist(w, 'lowLatency', false);
    assert.match(text, /#EXT-X-PART-INF:PART-TARGET=0\.20000\n/);
    const pl = checkMediaPlaylist(text);
    for (const s of pl.segments) {
      s.parts.filter((p) => !p.hint).forEach((p, i, listed) => {
        if (i < listed.length - 1 && !p.independent) assert.ok(p.duration! >= 0.85 * pl.partTargetDuration!, `${p.uri}: ${p.duration} < 85% of ${pl.partTargetDuration}`);
      });
    }
  });
});
