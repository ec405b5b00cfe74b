import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../../test/support/process.ts';
import { Logger } from '../../lib/index.ts';
import { FLV_VIDEO_AVC } from '../../protocols/rtmp/index.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { publishRaw } from '../../../test/support/rtmp-raw-publisher.ts';
import { playRtmpRaw, type RawVideoFrame } from '../../../test/support/rtmp-raw-player.ts';
import { x264FixtureFlv } from '../../../test/support/h264-fixture.ts';
import { RtmpServer } from './rtmp-server.ts';

const { header, frames: VIDEO } = x264FixtureFlv();


describe('RtmpServer against a fake path manager', () => {
  const paths = new FakePathAccess();
  const lines: string[] = [];
  let server: RtmpServer;
  before(async () => {
    server = await RtmpServer.listen({
      address: '127.0.0.1:0', readTimeoutMs: 5000, writeTimeoutMs: 5000, readBufferCount: 64, runOnConnect: '', runOnConnectRestart: false, runOnDisconnect: '',
      rtspPort: 8554, paths, log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }),
    });
  });
  after(() => server.close());

  it('publishes an H264 stream: the path is made ready once the tracks are known', async () => {
    const pub = publishRaw(server.port, 'live', 'cam', {
      metadata: { videocodecid: FLV_VIDEO_AVC, width: 64, height: 64 },
      headers: [header],
      media: VIDEO, loop: true,
    });
    try {
      await waitFor(() => paths.events.includes('start live/cam'), { timeoutMs: 5000, what: `the publisher to start (${paths.events.join(', ')})` });
      assert.deepEqual(paths.events.slice(0, 2), ['publish live/cam', 'start live/cam']);
      const format = paths.streams.get('live/cam')!.description.medias[0]!.formats[0]!;
      assert.equal(format.codec, 'h264');
      const state = server.connections().map((c) => [c.state, c.path]);
      assert.deepEqual(state, [['publish', 'live/cam']], 'the API sees a publishing connection');

      const frames: RawVideoFrame[] = [];
      await playRtmpRaw(server.port, 'live', 'cam', (f) => { frames.push(f); return frames.length >= 5; });
      assert.equal(frames[0]!.isKeyframe, true, `a player starts at a key frame (got ${JSON.stringify(frames[0])})`);
      assert.ok(frames.every((f, i) => i === 0 || f.dtsMs > frames[i - 1]!.dtsMs), `increasing timestamps: ${frames.map((f) => f.dtsMs).join(',')}`);
      assert.ok(paths.events.includes('read live/cam'), paths.events.join(', '));

      const id = server.connections().find((c) => c.state === 'publish')!.id;
      assert.equal(server.kick(id), true);
      await waitFor(() => paths.events.includes('release publisher live/cam'), { timeoutMs: 5000, what: 'the kicked publisher to release the path' });
      assert.equal(server.kick(id), false, 'already gone');
    } finally {
      pub.socket.destroy();
    }
  });

  it('closes a player of a path with no stream, saying why', async () => {
    await assert.rejects(playRtmpRaw(server.port, 'live', 'nothing', () => true, 3000));
    await waitFor(() => lines.some((l) => /closed: no one is publishing to path 'live\/nothing'/.test(l)), { timeoutMs: 5000, what: `the reason in the log:\n${lines.slice(-5).join('\n')}` });
  });
});
