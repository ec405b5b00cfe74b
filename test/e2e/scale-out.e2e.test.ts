import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { describeRunning, tail, waitFor, type Running } from '../support/process.ts';
import { instanceTail, startInstance, type Instance } from '../support/instances.ts';
import { startNginx, type Nginx } from '../support/upstreams.ts';

/** The files of the README section "More readers than one machine holds", by name, exactly as written there. */
function readmeFiles(): Record<string, string> {
  const readme = readFileSync(resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## More readers than one machine holds');
  assert.ok(start >= 0, 'the README has the scale-out section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const files: Record<string, string> = {};
  for (const m of section.matchAll(/^`([\w.-]+\.(?:yml|conf))`[^\n]*\n(?:[^\n]*\n)*?```\w*\n([\s\S]*?)```/gm)) files[m[1]!] = m[2]!;
  return files;
}

/** Port of an `xxxAddress: :port` key of a configuration. */
const port = (yaml: string, key: string): number => Number(new RegExp(`^${key}: :(\\d+)`, 'm').exec(yaml)![1]);

describe('scale-out: one origin, two on-demand edges behind nginx (README configurations)', () => {
  const files = readmeFiles();
  let origin: Instance;
  const edges: Instance[] = [];
  let nginx: Nginx;
  let pub: Running;

  before(async () => {
    for (const f of ['origin.yml', 'edge-a.yml', 'edge-b.yml', 'nginx.conf']) assert.ok(files[f], `the README gives ${f}`);
    origin = await startInstance('origin', files['origin.yml']!);
    edges.push(await startInstance('edge-a', files['edge-a.yml']!), await startInstance('edge-b', files['edge-b.yml']!));
    nginx = await startNginx(files['nginx.conf']!, [8554, 1935]);
    pub = ffmpegPublish(`rtsp://127.0.0.1:${port(files['origin.yml']!, 'rtspAddress')}/cam`, { video: 'h264', audio: 'aac', transport: 'tcp', seconds: 600 });
    await origin.waitForLog(/\[path cam\] stream is ready/, 20_000);
  });
  after(async () => {
    await pub?.stop();
    await nginx?.stop();
    for (const e of edges) await e.close();
    await origin?.close();
  });

  const context = (): string => [describeRunning('publisher', pub, 300), instanceTail(origin, 800), ...edges.map((e) => instanceTail(e, 800)),
    `--- nginx error log ---\n${tail(nginx.errorLog(), 400)}`].join('\n');

  it('readers through nginx decode frames from both edges, and the origin holds one reader per edge', async () => {
    const rtsp = 'rtsp://127.0.0.1:8554/cam';
    const rtmp = 'rtmp://127.0.0.1:1935/cam';
    // Four RTSP readers (two letting FFmpeg try UDP first, which the edges refuse) and two RTMP readers, at once.
    const reads = await Promise.all([
      ffmpegReadFrames(rtsp, 'tcp', 4), ffmpegReadFrames(rtsp, 'tcp', 4), ffmpegReadFrames(rtsp, undefined, 4), ffmpegReadFrames(rtsp, undefined, 4),
      ffmpegReadFrames(rtmp, undefined, 4), ffmpegReadFrames(rtmp, undefined, 4),
    ]);
    for (const r of reads) assert.ok(r.frames >= 80, `${r.detail}\n${context()}`);
    for (const e of edges) {
      assert.equal(e.count(/\[path cam\] \[RTSP source\] ready/), 1, `${e.name} pulled the origin once\n${context()}`);
      assert.ok(e.count(/\[path cam\] (rtspSession|rtmpConn) \S+ is reading/) >= 2, `${e.name} served readers\n${context()}`);
    }
    const readers = origin.count(/\[path cam\] rtspSession \S+ is reading/) - origin.count(/\[path cam\] rtspSession \S+ stopped reading/);
    assert.equal(readers, 2, `the origin serves one reader per edge\n${context()}`);
    const served = edges.map((e) => e.count(/\[path cam\] (rtspSession|rtmpConn) \S+ is reading/));
    console.log(`readers through nginx: ${served.join(' + ')} on the two edges; ${origin.count(/\[path cam\] rtspSession \S+ is reading/)} readers on the origin`);
  });

  it('lets an edge drop the origin after its last reader, and pull it again for the next one', async () => {
    await Promise.all(edges.map((e) => e.waitForLog(/\[path cam\] on-demand source stopped: not needed anymore/, 20_000)));
    // The edges' TEARDOWNs reach the origin a moment after the edges log the stop: wait for its count to drop.
    const originReaders = (): number => origin.count(/\[path cam\] rtspSession \S+ is reading/) - origin.count(/\[path cam\] rtspSession \S+ stopped reading/);
    await waitFor(() => originReaders() === 0, { timeoutMs: 10_000, what: 'the origin to have no reader left', detail: () => `${originReaders()} readers\n${context()}` });
    const again = await ffmpegReadFrames('rtsp://127.0.0.1:8554/cam', 'tcp');
    assert.ok(again.frames >= 20, `${again.detail}\n${context()}`);
  });
});
