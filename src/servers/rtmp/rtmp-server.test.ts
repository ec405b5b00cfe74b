import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../test/support/process.ts';
import { Logger } from '../../lib/index.ts';
import { FLV_VIDEO_AVC, RtmpMessageType, parseFlvVideo } from '../../protocols/rtmp/index.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { publishRaw } from '../../../test/support/rtmp-raw-publisher.ts';
import { openRawRtmp, playRtmpMessages, playRtmpRaw, type RawVideoFrame } from '../../../test/support/rtmp-raw-player.ts';
import { x264FixtureAccessUnits, x264FixtureFlv } from '../../../test/support/h264-fixture.ts';
import { readWhenWritten } from '../../../test/support/hook-files.ts';
import { RtmpServer, type RtmpServerOptions } from './rtmp-server.ts';

const { header, frames: VIDEO } = x264FixtureFlv();
/** The fixture's slices, one per access unit (each access unit ends with its slice), as a player must get them back. */
const SLICES = x264FixtureAccessUnits().map((au) => au[au.length - 1]!);
/** True when the AVCC frame `data` ends with `nalu` (its 4-byte length, then its bytes): parameter sets may come first. */
const endsWithNalu = (data: Buffer, nalu: Buffer): boolean =>
  data.length >= nalu.length + 4 && data.readUInt32BE(data.length - nalu.length - 4) === nalu.length && data.subarray(data.length - nalu.length).equals(nalu);

/** An RTMP server on a free loopback port, logging into `lines`; `extra` overrides options (the hooks). */
function listen(paths: FakePathAccess, lines: string[], extra: Partial<RtmpServerOptions> = {}): Promise<RtmpServer> {
  return RtmpServer.listen({
    address: '127.0.0.1:0', readTimeoutMs: 5000, writeTimeoutMs: 5000, readBufferCount: 64, runOnConnect: '', runOnConnectRestart: false, runOnDisconnect: '',
    rtspPort: 8554, paths, log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), ...extra,
  });
}

/** Publishes the fixture to rtmp://…/live/<name> in a loop until `socket.destroy()`, once the fake path manager has it ready. */
async function publishFixture(server: RtmpServer, paths: FakePathAccess, name: string): Promise<ReturnType<typeof publishRaw>> {
  const pub = publishRaw(server.port, 'live', name, { metadata: { videocodecid: FLV_VIDEO_AVC, width: 64, height: 64 }, headers: [header], media: VIDEO, loop: true });
  await waitFor(() => paths.events.includes(`start live/${name}`), { timeoutMs: 5000, what: `the publisher of live/${name} to start`, detail: () => paths.events.join(', ') });
  return pub;
}

describe('RtmpServer against a fake path manager', () => {
  const paths = new FakePathAccess();
  const lines: string[] = [];
  let server: RtmpServer;
  before(async () => {
    server = await listen(paths, lines);
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

  it('plays the published stream: the publisher\'s decoder configuration, then its frames in order from a key frame on', async () => {
    const pub = await publishFixture(server, paths, 'media');
    try {
      let config: Buffer | undefined;
      const frames: { isKeyframe: boolean; data: Buffer }[] = [];
      let whilePlaying: string[] = [];
      await playRtmpMessages(server.port, 'live', 'media', (m) => {
        if (m.type !== RtmpMessageType.Video) return false;
        const v = parseFlvVideo(m.body);
        if (v.kind === 'config') config = v.config;
        if (v.kind !== 'frame') return false;
        frames.push({ isKeyframe: v.isKeyframe, data: v.data });
        whilePlaying = server.connections().filter((c) => c.path === 'live/media').map((c) => `${c.state} ${c.path}`);
        return frames.length >= 40;
      });
      const published = parseFlvVideo(header.body);
      assert.ok(published.kind === 'config' && config?.equals(published.config), `the publisher's AVC configuration: got ${config?.toString('hex')}`);
      const start = SLICES.findIndex((n) => endsWithNalu(frames[0]!.data, n));
      assert.ok(start >= 0 && frames[0]!.isKeyframe, `the first frame is one of the publisher's key frames (fixture index ${start}, key frame: ${frames[0]!.isKeyframe})`);
      // The publisher loops over the fixture, so frame k carries the fixture's slice start + k, modulo its length.
      const wrong = frames.findIndex((f, k) => !endsWithNalu(f.data, SLICES[(start + k) % SLICES.length]!));
      assert.equal(wrong, -1, `frame ${wrong} differs from the publisher's (${frames.length} frames from fixture index ${start})`);
      assert.deepEqual(whilePlaying.sort(), ['publish live/media', 'read live/media'], `the API lists both connections: ${whilePlaying.join(', ')}`);
      await waitFor(() => paths.events.includes('release reader live/media'), { timeoutMs: 5000, what: 'the player to release its reader lease', detail: () => paths.events.join(', ') });
    } finally {
      pub.socket.destroy();
    }
  });

  it('kicks a player by id: the server closes it and it leaves the path', async () => {
    const pub = await publishFixture(server, paths, 'kick');
    try {
      let frames = 0;
      const playing = playRtmpRaw(server.port, 'live', 'kick', () => { frames++; return false; });
      await waitFor(() => frames >= 3, { timeoutMs: 5000, what: 'the player to get frames', detail: () => `${frames} frames` });
      const players = server.connections().filter((c) => c.state === 'read' && c.path === 'live/kick');
      assert.equal(players.length, 1, `one player listed: ${JSON.stringify(server.connections())}`);
      assert.equal(server.kick(players[0]!.id), true, `the player is open: ${JSON.stringify(server.connections())}`);
      await assert.rejects(playing, /closed by the server/, 'the player sees the server close it');
      await waitFor(() => paths.events.includes('release reader live/kick'), { timeoutMs: 5000, what: 'the kicked player to leave the path', detail: () => paths.events.join(', ') });
      assert.ok(!server.connections().some((c) => c.id === players[0]!.id), `gone from the list: ${JSON.stringify(server.connections())}`);
      assert.ok(server.connections().some((c) => c.state === 'publish' && c.path === 'live/kick'), `the publisher goes on: ${JSON.stringify(server.connections())}`);
    } finally {
      pub.socket.destroy();
    }
  });
});

describe('RtmpServer runOnConnect/runOnDisconnect', () => {
  let dir = '';
  const lines: string[] = [];
  let server: RtmpServer;
  const hook = (tag: string): string => `sh -c 'echo "$MTX_CONN_TYPE $MTX_CONN_ID $RTSP_PORT" > ${dir}/${tag}-$MTX_CONN_ID.txt'`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mtx-rtmp-hooks-'));
    server = await listen(new FakePathAccess(), lines, {
      // runOnConnect runs while the connection is open: it writes its file, then waits to be stopped.
      runOnConnect: `sh -c 'echo "$MTX_CONN_TYPE $MTX_CONN_ID $RTSP_PORT" > ${dir}/on-$MTX_CONN_ID.txt; exec sleep 30'`, runOnDisconnect: hook('off'),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const onlyId = (): string => {
    const all = server.connections();
    assert.equal(all.length, 1, `one connection: ${JSON.stringify(all)}`);
    return all[0]!.id;
  };

  it('runs runOnConnect per connection with its type and id, and runOnDisconnect when it closes', async () => {
    const conn = await openRawRtmp(server.port);
    const id = onlyId();
    assert.equal(await readWhenWritten(join(dir, `on-${id}.txt`)), `rtmpConn ${id} 8554\n`);
    assert.equal(existsSync(join(dir, `off-${id}.txt`)), false, `runOnDisconnect waits for the connection to close, yet off-${id}.txt exists`);
    conn.socket.destroy();
    assert.equal(await readWhenWritten(join(dir, `off-${id}.txt`)), `rtmpConn ${id} 8554\n`);
    await waitFor(() => server.connections().length === 0, { timeoutMs: 5000, what: 'the closed connection to leave the list', detail: () => JSON.stringify(server.connections()) });
  });

  it('runs runOnDisconnect for a kicked connection, and the updated commands for connections opened after update()', async () => {
    const first = await openRawRtmp(server.port);
    const id = onlyId();
    server.update({ runOnConnect: '', runOnConnectRestart: false, runOnDisconnect: hook('new') });
    assert.equal(server.kick(id), true, `kick ${id}`);
    await first.closed; // by the server: the kicked connection
    const off = await readWhenWritten(join(dir, `off-${id}.txt`));
    assert.equal(off, `rtmpConn ${id} 8554\n`, `an open connection keeps the command it opened with: ${JSON.stringify(off)}`);
    const second = await openRawRtmp(server.port);
    const id2 = onlyId();
    await server.close();
    const off2 = await readWhenWritten(join(dir, `new-${id2}.txt`));
    assert.equal(off2, `rtmpConn ${id2} 8554\n`, `closing the server disconnects the open connection: ${JSON.stringify(off2)}`);
    assert.equal(existsSync(join(dir, `on-${id2}.txt`)), false, `no runOnConnect after update() emptied it, yet on-${id2}.txt exists`);
    await second.closed; // with the server
    assert.ok(lines.some((l) => /\[RTMP\] listener closed/.test(l)), lines.slice(-5).join('\n'));
  });
});

describe('RtmpServer readTimeout of a publisher', () => {
  it('closes a publisher that goes silent after readTimeout, not while it sends', async () => {
    const paths = new FakePathAccess();
    const lines: string[] = [];
    const server = await listen(paths, lines, { readTimeoutMs: 800 });
    try {
      const pub = await publishFixture(server, paths, 'silent');
      // Still publishing after more than readTimeout of steady sending.
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(!paths.events.includes('release publisher live/silent'), paths.events.join(', '));
      // Silent from now on, with the socket left open: the looping publisher's writes go nowhere.
      const silentAt = Date.now();
      pub.socket.write = (() => true) as typeof pub.socket.write;
      await waitFor(() => paths.events.includes('release publisher live/silent'), { timeoutMs: 5000, what: 'the silent publisher to be closed', detail: () => lines.slice(-5).join('\n') });
      const ms = Date.now() - silentAt;
      // The watch samples a few times per timeout: at 800 ms at the earliest, a quarter of it later at most (plus scheduling).
      assert.ok(ms >= 700 && ms < 1600, `closed ${ms} ms after going silent (readTimeout 800 ms)`);
      assert.ok(lines.some((l) => /closed: read timeout/.test(l)), lines.slice(-5).join('\n'));
      pub.socket.destroy();
    } finally {
      await server.close();
    }
  });
});
