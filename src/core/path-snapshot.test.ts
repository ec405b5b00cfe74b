import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import { parseConf } from '../conf/index.ts';
import type { Description, Format, Media } from '../formats/index.ts';
import { StreamReader } from '../stream/index.ts';
import { participant, request } from './test-support/participants.ts';
import { PathManager } from './path-manager.ts';

// A 320x240 Main 3.1 SPS (x264) and its PPS, sent in band: the snapshot shows the parameters the stream has now.
const SPS = Buffer.from('674d401feca0a0fd80880000030008000003019078c18cb0', 'hex');
const PPS = Buffer.from('68ebe3cb22c0', 'hex');
const IDR = Buffer.from([0x65, 0x88, 0x84, 0x00, 0x10]);

function nextTurn(): Promise<void> { return new Promise((r) => setImmediate(r)); }

/** A fresh description each time: the stream writes in-band parameters into its formats. */
function h264(): { desc: Description; media: Media; format: Format } {
  const format: Format = { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() };
  const media: Media = { kind: 'video', formats: [format] };
  return { desc: { medias: [media] }, media, format };
}

function manager(): PathManager {
  const { conf } = parseConf('paths:\n  all:\n', {});
  const pm = new PathManager({ paths: conf.paths, auth: { authenticate: async () => ({ user: '' }) }, log: Logger.silent(), rtspPort: 8554, sourceFactories: [] });
  pm.start();
  return pm;
}

describe('path snapshot', () => {
  it('has no ready time, tracks or counters before the publisher starts', async () => {
    const pm = manager();
    const { desc } = h264();
    await pm.addPublisher(request('cam', 'publish'), participant(), desc);
    const s = pm.list()[0]!;
    assert.deepEqual([s.sourceReady, s.readyTime, s.tracks, s.trackDetails, s.bytesReceived, s.bytesSent, s.framesInError], [false, undefined, [], [], 0, 0, 0]);
    await pm.close();
  });

  it('shows when the stream became ready, its current codec parameters and its byte counters', async () => {
    const pm = manager();
    const { desc, media, format } = h264();
    const lease = await pm.addPublisher(request('cam', 'publish'), participant(), desc);
    const before = Date.now();
    lease.start();
    const after = Date.now();
    const ready = pm.list()[0]!;
    assert.ok(ready.readyTime && ready.readyTime.getTime() >= before && ready.readyTime.getTime() <= after, 'ready time is when start() ran');
    assert.deepEqual(ready.trackDetails, [{ codec: 'H264', codecProps: { width: 0, height: 0, profile: '', level: '' } }], 'no SPS yet');

    const readerLease = await pm.addReader(request('cam'), participant());
    const reader = new StreamReader({ queueSize: 16, log: Logger.silent() });
    reader.onData(media, format, () => undefined);
    readerLease.stream.addReader(reader);
    lease.subStream.writeUnit(media, format as Format & { codec: 'h264' }, { pts: 0, payload: [SPS, PPS, IDR] });
    await nextTurn();
    const s = pm.list()[0]!;
    assert.deepEqual(s.trackDetails, [{ codec: 'H264', codecProps: { width: 320, height: 240, profile: 'Main', level: '3.1' } }]);
    assert.equal(s.readyTime, ready.readyTime, 'the ready time stays while the stream lasts');
    assert.ok(s.bytesReceived >= SPS.length + PPS.length + IDR.length, `bytes received: ${s.bytesReceived}`);
    assert.ok(s.bytesSent > 0 && s.bytesSent === readerLease.stream.stats.bytesOut, `bytes sent: ${s.bytesSent}`);

    lease.release();
    const gone = pm.list().find((p) => p.name === 'cam');
    assert.ok(gone === undefined || (gone.readyTime === undefined && gone.bytesSent === 0), 'nothing left once the stream is gone');
    await pm.close();
  });

  it('counts packets the stream could not decode', async () => {
    const pm = manager();
    const { desc, media, format } = h264();
    const lease = await pm.addPublisher(request('cam', 'publish'), participant(), desc);
    lease.start();
    // NAL unit type 31 is reserved (RFC 6184 §5.2 lists none such): the decoder refuses it.
    const raw = Buffer.concat([Buffer.from([0x80, 0xe0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), Buffer.from([0x1f, 0x00])]);
    const err = lease.subStream.writeRtpPacket(media, format, {
      marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 0, ssrc: 1, payload: raw.subarray(12), raw,
    }, new Date());
    assert.ok(err, 'the packet is refused');
    assert.equal(pm.list()[0]!.framesInError, 1);
    await pm.close();
  });
});
