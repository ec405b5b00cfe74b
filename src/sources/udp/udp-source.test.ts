import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { MpegTsMuxer, MPEGTS_PACKET_SIZE } from '../../formats/index.ts';
import { x264FixtureAccessUnits } from '../../../test/support/h264-fixture.ts';
import { fakeSourceContext, until } from '../../../test/support/source-context.ts';
import { UdpSource } from './udp-source.ts';

const settings = { readTimeoutMs: 500, writeTimeoutMs: 1000 };

/** The x264 fixture's access units and AAC, muxed by our muxer at 25 fps. */
function fixtureTs(): Buffer {
  const mux = new MpegTsMuxer([{ codec: { codec: 'h264' } }, { codec: { codec: 'mpeg4Audio', config: Buffer.from([0x11, 0x90]) } }]);
  const [video, audio] = mux.tracks;
  return Buffer.concat(x264FixtureAccessUnits().flatMap((nalus, i) => [
    mux.writeVideo(video!, { pts: i * 3600, dts: i * 3600, nalus }),
    mux.writeMpeg4Audio(audio!, { pts: i * 3600, aus: [Buffer.alloc(50, i)] }),
  ]));
}

/** A free UDP port of 127.0.0.1. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Sends `ts` in datagrams of 7 packets (1316 bytes, as FFmpeg and GStreamer do), to 127.0.0.1 or `host` (a broadcast address: SO_BROADCAST). */
async function sendTs(port: number, ts: Buffer, o: { skipDatagram?: number; host?: string } = {}): Promise<void> {
  const s = createSocket('udp4');
  if (o.host !== undefined) {
    await new Promise<void>((r) => s.bind(0, r));
    s.setBroadcast(true); // Linux refuses to send to a broadcast address (EACCES) without it
  }
  const size = 7 * MPEGTS_PACKET_SIZE;
  for (let pos = 0, i = 0; pos < ts.length; pos += size, i++) {
    if (i === o.skipDatagram) continue;
    await new Promise<void>((r, j) => s.send(ts.subarray(pos, pos + size), port, o.host ?? '127.0.0.1', (e) => (e ? j(e) : r())));
  }
  s.close();
}

describe('UDP MPEG-TS source', () => {
  it('describes and writes the stream of MPEG-TS datagrams, counting lost ones', async () => {
    const port = await freeUdpPort();
    const { ctx, record, abort } = fakeSourceContext(`udp://127.0.0.1:${port}`);
    const run = new UdpSource({ ...settings, readTimeoutMs: 5000 }).run(ctx);
    let failure: Error | undefined;
    run.catch((e: Error) => { failure = e; });
    await until(() => record.lines.some((l) => l.includes('listening on')), 'the socket');
    // Sent without its 3rd datagram: a continuity break, counted and logged, and the stream goes on.
    await sendTs(port, fixtureTs(), { skipDatagram: 2 });
    await until(() => (record.units.get('h264')?.length ?? 0) >= 5 || failure !== undefined, 'units');
    assert.equal(failure, undefined, `${failure?.message}\n${record.lines.join('\n')}`);
    assert.deepEqual(record.readies[0]!.medias.map((m) => m.formats[0]!.codec), ['h264', 'mpeg4Audio']);
    abort.abort();
    await run;
    assert.ok(record.lines.some((l) => /WAR 2 MPEG-TS errors, last was: continuity counter of PID 25\d went from/.test(l)), record.lines.join('\n'));
  });

  it('receives datagrams sent to a broadcast address (127.255.255.255, the broadcast address of lo)', async () => {
    const port = await freeUdpPort();
    const { ctx, record, abort } = fakeSourceContext(`udp://127.255.255.255:${port}`);
    const run = new UdpSource({ ...settings, readTimeoutMs: 5000 }).run(ctx);
    let failure: Error | undefined;
    run.catch((e: Error) => { failure = e; });
    await until(() => record.lines.some((l) => l.includes('listening on')) || failure !== undefined, 'the socket');
    await sendTs(port, fixtureTs(), { host: '127.255.255.255' });
    await until(() => (record.units.get('h264')?.length ?? 0) >= 5 || failure !== undefined, 'units');
    assert.equal(failure, undefined, `${failure?.message}\n${record.lines.join('\n')}`);
    assert.deepEqual(record.readies[0]?.medias.map((m) => m.formats[0]!.codec), ['h264', 'mpeg4Audio'], record.lines.join('\n'));
    abort.abort();
    await run;
  });

  it('ends the run when no datagram came for readTimeout', async () => {
    const port = await freeUdpPort();
    const { ctx } = fakeSourceContext(`udp://127.0.0.1:${port}`);
    const started = Date.now();
    await assert.rejects(new UdpSource(settings).run(ctx), /no data received in 0.5s/);
    assert.ok(Date.now() - started >= 450);
  });

  it('takes only the datagrams of source= when it is set', async () => {
    const port = await freeUdpPort();
    const { ctx, record, abort } = fakeSourceContext(`udp://127.0.0.1:${port}?source=127.0.0.2`);
    const run = new UdpSource({ ...settings, readTimeoutMs: 5000 }).run(ctx);
    await until(() => record.lines.some((l) => l.includes('listening on')), 'the socket');
    await sendTs(port, fixtureTs());
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(record.readies.length, 0);
    abort.abort();
    await run;
  });
});
