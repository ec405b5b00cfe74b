import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { x264FixtureFlv } from '../../../test/support/h264-fixture.ts';
import { buildFlvAudio } from '../../protocols/rtmp/index.ts';
import { RtmpSource } from './rtmp-source.ts';
import { metadata, startFakeRtmpServer, type FakeMedia, type FakeRtmpServer } from './test-support/fake-rtmp-server.ts';
import { fakeSourceContext, until } from '../../../test/support/source-context.ts';

const settings = { readTimeoutMs: 1000, writeTimeoutMs: 1000 };
const servers: FakeRtmpServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.close())); });

/** H264 from the x264 fixture and AAC (AudioSpecificConfig of 48 kHz stereo LC), as FFmpeg publishes them. */
function h264Aac(): FakeMedia[] {
  const flv = x264FixtureFlv();
  const aac: FakeMedia[] = [{ type: 'audio', ms: 0, body: buildFlvAudio({ config: Buffer.from([0x11, 0x90]) }) }];
  for (let i = 0; i < 20; i++) aac.push({ type: 'audio', ms: i * 21, body: buildFlvAudio({ data: Buffer.alloc(100, i) }) });
  return [
    metadata({ video: 7, audio: 10 }),
    { type: 'video', ms: 0, body: flv.header.body },
    ...aac,
    ...flv.frames.map((f) => ({ type: 'video' as const, ms: f.ms, body: f.body })),
  ];
}

async function play(url: string, cond: (r: ReturnType<typeof fakeSourceContext>['record']) => boolean, yaml = '') {
  const { ctx, record, abort } = fakeSourceContext(url, yaml);
  const run = new RtmpSource(settings).run(ctx);
  let failure: Error | undefined;
  run.catch((e: Error) => { failure = e; });
  try {
    await until(() => cond(record) || failure !== undefined, 'the source', 5000);
  } finally {
    abort.abort();
  }
  await run.catch(() => {});
  return { record, failure };
}

describe('RTMP source (client against a fake RTMP server)', () => {
  it('plays H264 and AAC into units, announcing Enhanced RTMP codecs in connect', async () => {
    const srv = await startFakeRtmpServer({ kind: 'stream', media: h264Aac() });
    servers.push(srv);
    const { record, failure } = await play(`rtmp://127.0.0.1:${srv.port}/live/cam?token=abc`,
      (r) => (r.units.get('h264')?.length ?? 0) >= 5 && (r.units.get('mpeg4Audio')?.length ?? 0) >= 5);
    assert.equal(failure, undefined, failure?.message);
    assert.deepEqual(record.readies[0]!.medias.map((m) => m.formats[0]!.codec), ['h264', 'mpeg4Audio']);
    const c = srv.connects[0]!;
    assert.equal(c.app, 'live');
    assert.equal(c.tcUrl, `rtmp://127.0.0.1:${srv.port}/live`);
    assert.deepEqual(c.fourCcList, ['avc1', 'hvc1', 'av01', 'vp09', 'mp4a', 'Opus', '.mp3']);
    assert.deepEqual(srv.plays, ['cam?token=abc']);
  });

  it('fails with the server\'s reason when play is refused', async () => {
    const srv = await startFakeRtmpServer({ kind: 'refuse', code: 'NetStream.Play.StreamNotFound' });
    servers.push(srv);
    const { failure } = await play(`rtmp://127.0.0.1:${srv.port}/live/missing`, () => false);
    assert.match(failure?.message ?? '', /the server refused to play: NetStream\.Play\.StreamNotFound \(refused by the fake server\)/);
  });

  it('ends when the stream ends, and when the server goes silent for readTimeout', async () => {
    const ending = await startFakeRtmpServer({ kind: 'stream', media: h264Aac(), endWith: 'NetStream.Play.UnpublishNotify' });
    const silent = await startFakeRtmpServer({ kind: 'silent' });
    servers.push(ending, silent);
    const a = await play(`rtmp://127.0.0.1:${ending.port}/live/cam`, () => false);
    assert.match(a.failure?.message ?? '', /the stream ended \(NetStream\.Play\.UnpublishNotify\)/);
    const t0 = Date.now();
    const b = await play(`rtmp://127.0.0.1:${silent.port}/live/cam`, () => false);
    assert.match(b.failure?.message ?? '', /no data received in 1s/);
    assert.ok(Date.now() - t0 < 2500);
  });

  it('acknowledges the window the server asks for', async () => {
    const srv = await startFakeRtmpServer({ kind: 'stream', media: h264Aac() }, { windowAckSize: 1000 });
    servers.push(srv);
    await play(`rtmp://127.0.0.1:${srv.port}/live/cam`, () => srv.acks.length > 0);
    assert.ok(srv.acks.length > 0 && srv.acks[0]! >= 1000, `acks: ${srv.acks.join(',')}`);
  });

  it('fails fast on garbage and on a refused connection', async () => {
    const junk = createServer((s) => { s.on('error', () => {}); s.write(Buffer.alloc(4000, 0x07)); });
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
    try {
      const port = (junk.address() as { port: number }).port;
      const a = await play(`rtmp://127.0.0.1:${port}/live/cam`, () => false);
      assert.match(a.failure?.message ?? '', /unsupported RTMP version 7/);
    } finally {
      junk.close();
    }
    const b = await play('rtmp://127.0.0.1:9/live/cam', () => false);
    assert.match(b.failure?.message ?? '', /ECONNREFUSED/);
  });
});
